"""The demo world: ``flask --app app demo seed`` (see ``demo.cli``); app.py adds ``demo.cli``."""
from demo.cli import cli

__all__ = ["cli"]
