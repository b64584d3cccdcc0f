"""Accredited partner platforms (合作平台): who they are, their tokens, the completions they report."""
