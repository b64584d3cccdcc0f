"""The mark of the tests that run the README's deployment (bench/readme_stack.py): they need nginx."""
import pytest

from bench.readme_stack import NGINX

needs_nginx = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)")
