"""``flask --app app search rebuild``: a fresh index of the published catalogue, swapped in atomically."""
import click
from flask.cli import AppGroup

from courses.search import tasks
from courses.search.index import index_root

search_cli = AppGroup("search", help="The course search index.")


@search_cli.command("rebuild")
def rebuild() -> None:
    """Build a new index beside the live one, then swap it in (searches go on meanwhile).

    Waits while the worker writes an update; updates arriving during the build wait for
    it and are then written into the new index.
    """
    path, count = tasks.rebuild()
    click.echo(f"search: indexed {count} published courses into {path}")
    click.echo(f"search: live index is {index_root() / 'current'} -> {path.name}")
