"""``flask --app app faces purge``: delete the capture images past their retention now
(faces.retention; the worker also does it every night)."""
import click
from flask.cli import AppGroup

from core.db import utcnow
from core.extensions import db
from faces import retention

faces_cli = AppGroup("faces", help="人脸核验 (face checks).")


@faces_cli.command("purge")
def purge_command() -> None:
    """Delete capture images whose year was locked more than FACE_CAPTURE_RETENTION_DAYS ago."""
    removed = retention.purge(utcnow())
    db.session.commit()
    click.echo(f"{removed} capture image(s) deleted")
