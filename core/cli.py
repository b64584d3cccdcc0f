"""``flask --app app worker``: the Huey consumer, with every task module loaded."""
import importlib
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
    loaded = load_task_modules(current_app.config["TASK_MODULES"])
    click.echo(f"worker: queue {current_app.config['QUEUE_URL']}, tasks from {', '.join(loaded) or 'none'}")
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True).run()


def load_task_modules(names) -> list[str]:
    """Import every module of ``TASK_MODULES``, so that the consumer knows its tasks.

    A name that does not exist stops the worker with an error naming it: skipped
    silently, a typo would mean that those tasks are queued and never run.
    """
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not (name == exc.name or name.startswith(f"{exc.name}.")):
                raise  # the module exists but one of its own imports is missing
            raise click.ClickException(
                f"TASK_MODULES names {name!r}, which does not exist "
                "(set in config.py or ZHIXIN_TASK_MODULES)") from exc
    return list(names)
