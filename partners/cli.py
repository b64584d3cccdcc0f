"""``flask --app app partners …``: accredit a partner platform, list them, issue and revoke their
tokens; the same checks as the pages (partners.accreditation), audited without an actor.

``partners create --name N --region R --types gongxu,zhuanye --hours 20 --from 2026-01-01
--until 2027-12-31`` prints the new partner's id; ``partners token --partner ID --name N``
prints the token alone on its last line (shown once); ``partners revoke-token TOKEN_ID``;
``partners switch ID --off`` (or ``--on``): a switched-off partner's calls are refused."""
from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.http import Refused
from partners import accreditation, rules
from partners.accreditation import PartnerInput
from partners.models import Partner, PartnerToken

partners_cli = AppGroup("partners", help="Accredited partner platforms (合作平台) and their tokens.")


def _day(value: str, name: str) -> date:
    return rules.day({name: value}, name)


@partners_cli.command("create")
@click.option("--name", required=True, help="The platform's name.")
@click.option("--region", required=True, help="Six-digit region code of the accrediting bureau.")
@click.option("--types", required=True, help="Accredited subject types, comma-separated (gongxu,zhuanye,xuanxiu).")
@click.option("--hours", required=True, help="Most 学时 per trainee and credit year.")
@click.option("--from", "from_", required=True, help="First day of the accreditation, YYYY-MM-DD.")
@click.option("--until", required=True, help="Last day of the accreditation, YYYY-MM-DD.")
def create_command(name: str, region: str, types: str, hours: str, from_: str, until: str) -> None:
    """Accredit an active partner platform and print its id."""
    try:
        data = PartnerInput(name=name, region_code=region, subject_types=[t.strip() for t in types.split(",")],
                            hours_per_year_tenths=rules.tenths(hours), accredited_from=_day(from_, "from"),
                            accredited_until=_day(until, "until"))
        partner = accreditation.accredit(data, None, utcnow())
    except Refused as e:
        db.session.rollback()
        raise click.ClickException(e.message) from None
    db.session.commit()
    click.echo(partner.id)


@partners_cli.command("list")
def list_command() -> None:
    """Every partner: id, name, region, types, hours per year, dates, active."""
    for partner in db.session.scalars(select(Partner).order_by(Partner.id)):
        click.echo(f"{partner.id}\t{partner.name}\t{partner.region_code}\t{partner.subject_types}\t"
                   f"{partner.hours_per_year:g}\t{partner.accredited_from}..{partner.accredited_until}\t"
                   f"{'active' if partner.active else 'inactive'}")


@partners_cli.command("token")
@click.option("--partner", "partner_id", required=True, type=int, help="The partner's id.")
@click.option("--name", required=True, help="A name for the token.")
def token_command(partner_id: int, name: str) -> None:
    """Issue a token for the partner; prints it alone on the last line (it is shown only once)."""
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        raise click.ClickException(f"No partner {partner_id}.")
    try:
        row, plain = accreditation.issue_token(partner, name, None, utcnow())
    except Refused as e:
        db.session.rollback()
        raise click.ClickException(e.message) from None
    db.session.commit()
    click.echo(f"token {row.id} ({row.prefix}…) for partner {partner.id}; it is not shown again:")
    click.echo(plain)


@partners_cli.command("revoke-token")
@click.argument("token_id", type=int)
def revoke_command(token_id: int) -> None:
    """Revoke a partner token."""
    row = db.session.get(PartnerToken, token_id)
    if row is None:
        raise click.ClickException(f"No partner token {token_id}.")
    revoked = accreditation.revoke_token(row, None, utcnow())
    db.session.commit()
    click.echo("revoked" if revoked else "already revoked")


@partners_cli.command("switch")
@click.argument("partner_id", type=int)
@click.option("--on/--off", "active", required=True, help="Switch the partner on or off.")
def switch_command(partner_id: int, active: bool) -> None:
    """Switch a partner on or off (its tokens stay; an inactive partner's calls are 401)."""
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        raise click.ClickException(f"No partner {partner_id}.")
    data = PartnerInput(partner.name, partner.region_code, partner.types, partner.hours_per_year_tenths,
                        partner.accredited_from, partner.accredited_until, active)
    accreditation.change(partner, data, None)
    db.session.commit()
    click.echo("active" if active else "inactive")
