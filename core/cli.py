"""``flask --app app worker``: the Huey consumer, with every task module loaded."""
import importlib
import importlib.util

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
    loaded = []
    for name in current_app.config["TASK_MODULES"]:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
            loaded.append(name)
    click.echo(f"worker: queue {current_app.config['QUEUE_URL']}, tasks from {', '.join(loaded) or 'none'}")
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()
