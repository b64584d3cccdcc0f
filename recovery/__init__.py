"""Self-service password recovery (忘记密码): a signed one-use link by e-mail, or a code by SMS."""
