"""``flask --app app worker``: the Huey consumer, with every task module loaded."""
import importlib
import importlib.util
import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from core.queue import huey


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
@with_appcontext
def worker(workers: int) -> None:
    """Run the task consumer until interrupted (Ctrl-C or SIGTERM stops it cleanly)."""
    if huey.immediate:
        raise click.UsageError("ZHIXIN_QUEUE_IMMEDIATE is set: tasks run inline, no worker needed.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    loaded = [name for name in current_app.config["TASK_MODULES"] if _import_if_present(name)]
    click.echo(f"worker: queue {current_app.config['QUEUE_URL']}, tasks from {', '.join(loaded) or 'none'}")
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()


def _import_if_present(name: str) -> bool:
    """Import a task module; rooms that have no tasks yet are skipped, not an error."""
    try:
        if importlib.util.find_spec(name) is None:
            return False
    except ModuleNotFoundError:  # the room's package itself does not exist yet
        return False
    importlib.import_module(name)
    return True
