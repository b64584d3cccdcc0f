"""``flask --app app push endpoints add|list|disable|rotate``: push endpoints from the command
line, through the same checks as the pages, audited without an actor (``via="cli"``). ``add``
and ``rotate`` print the secret alone on their last line, once."""
import click
from flask.cli import AppGroup
from sqlalchemy import select

from accounts import audit
from core.db import utcnow
from core.extensions import db
from push import endpoints
from push.models import PROFILES, PushEndpoint

push_cli = AppGroup("push", help="Push with acknowledgement (docs/sync.md).")
endpoints_cli = AppGroup("endpoints", help="Push endpoints.")
push_cli.add_command(endpoints_cli)


def _endpoint(endpoint_id: int) -> PushEndpoint:
    endpoint = db.session.get(PushEndpoint, endpoint_id)
    if endpoint is None:
        raise click.ClickException(f"no push endpoint {endpoint_id}")
    return endpoint


@endpoints_cli.command("add")
@click.option("--name", required=True)
@click.option("--region", required=True, help="Six-digit GB/T 2260 code: its trainees' records are pushed.")
@click.option("--url", required=True, help="The receiver's http:// or https:// address.")
@click.option("--profile", type=click.Choice(PROFILES), default="zhixin", show_default=True)
def add_command(name: str, region: str, url: str, profile: str) -> None:
    """Register an endpoint; prints its id, then its secret alone on the last line."""
    try:
        endpoint, secret = endpoints.register(endpoints.EndpointInput(name, region, url, profile), None, utcnow())
    except endpoints.Refused as e:
        db.session.rollback()
        raise click.ClickException(e.message) from None
    audit.record("push_endpoint_created", target=f"push_endpoint:{endpoint.id}", via="cli",
                 region_code=endpoint.region_code, url=endpoint.url, profile=endpoint.profile)
    db.session.commit()
    click.echo(f"endpoint {endpoint.id}")
    click.echo(secret)


@endpoints_cli.command("list")
def list_command() -> None:
    """One line per endpoint: id, state, region, profile, fingerprint, URL."""
    for endpoint in db.session.scalars(select(PushEndpoint).order_by(PushEndpoint.id)):
        state = "active" if endpoint.active else "disabled"
        click.echo(f"{endpoint.id}\t{state}\t{endpoint.region_code}\t{endpoint.profile}\t"
                   f"{endpoint.secret_fingerprint}\t{endpoint.url}\t{endpoint.name}")


@endpoints_cli.command("disable")
@click.argument("endpoint_id", type=int)
def disable_command(endpoint_id: int) -> None:
    """Stop writing and sending events for the endpoint."""
    endpoint = _endpoint(endpoint_id)
    endpoints.disable(endpoint)
    audit.record("push_endpoint_disabled", target=f"push_endpoint:{endpoint.id}", via="cli")
    db.session.commit()
    click.echo(f"endpoint {endpoint.id} disabled")


@endpoints_cli.command("rotate")
@click.argument("endpoint_id", type=int)
def rotate_command(endpoint_id: int) -> None:
    """A new secret for the endpoint, printed alone on the last line; the old one stops signing."""
    endpoint = _endpoint(endpoint_id)
    secret = endpoints.rotate(endpoint, utcnow())
    audit.record("push_secret_rotated", target=f"push_endpoint:{endpoint.id}", via="cli")
    db.session.commit()
    click.echo(secret)
