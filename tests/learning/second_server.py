"""A second web process for tests: ``python -m tests.learning.second_server CONFIG_JSON INSTANCE``.

Serves the app with the given configuration (the same database as the test's) on a free
port of 127.0.0.1, prints the port, and stops when its standard input closes.
"""
import json
import sys

from app import create_app
from tests.conftest import serving


def main() -> None:
    app = create_app(json.loads(sys.argv[1]), instance_path=sys.argv[2])
    with serving(app) as httpd:
        print(httpd.server_port, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
