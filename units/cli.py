"""``flask --app app units create --name N --credit-code C --region R [--address A]``: a unit
made through the same checks as the pages and the API, audited without an actor
(``via="cli"``) as the other commands are; prints the new unit's id."""
import click
from flask.cli import AppGroup

from core.extensions import db
from units import service
from units.service import Refused, UnitInput

units_cli = AppGroup("units", help="Employers (工作单位).")


@units_cli.command("create")
@click.option("--name", required=True, help="The unit's name.")
@click.option("--credit-code", required=True, help="统一社会信用代码, 18 characters.")
@click.option("--region", required=True, help="Six-digit GB/T 2260 region code.")
@click.option("--address", default="", help="Address (optional).")
def create_command(name: str, credit_code: str, region: str, address: str) -> None:
    """Create an active unit and print its id."""
    try:
        unit = service.create(None, UnitInput(name=name, credit_code=credit_code, region_code=region,
                                              address=address), via="cli")
    except Refused as e:
        db.session.rollback()
        raise click.ClickException(e.message) from None
    db.session.commit()
    click.echo(unit.id)
