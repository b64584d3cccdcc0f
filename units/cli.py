"""``flask --app app units create --name N --credit-code C --region R [--address A]``: a unit
made through the same checks as the pages and the API, audited without an actor
(``via="cli"``) as the other commands are; prints the new unit's id.

``flask --app app units match-employers [--apply]``: trainees' free-text employers matched to
units by name (units.links.employer_matches); with --apply, pending links for the units to confirm."""
import click
from flask.cli import AppGroup

from core.db import utcnow
from core.extensions import db
from units import links, service
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


@units_cli.command("match-employers")
@click.option("--apply", "apply_", is_flag=True, help="Create the pending links (the units confirm them).")
def match_employers_command(apply_: bool) -> None:
    """Match trainees' free-text employers to active units of their province by name.

    Prints each proposed match, and the ambiguous names (several units) that are not linked;
    with --apply, each unambiguous match becomes a pending link, audited.
    """
    matches = links.employer_matches()
    now = utcnow()
    proposed = 0
    for match in matches:
        person = f"user:{match.user.id} {match.user.real_name}"
        if len(match.units) > 1:
            codes = ", ".join(unit.credit_code for unit in match.units)
            click.echo(f"ambiguous  {person}: “{match.user.employer}” names {len(match.units)} units ({codes})")
            continue
        unit = match.units[0]
        proposed += 1
        click.echo(f"match      {person} → unit:{unit.id} {unit.name} ({unit.credit_code})")
        if apply_:
            links.request_matched(match, now)
    if apply_:
        db.session.commit()
        click.echo(f"{proposed} pending links created; the units confirm them.")
    else:
        click.echo(f"{proposed} matches proposed; run with --apply to create pending links.")
