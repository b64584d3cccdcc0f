"""``flask --app app users …`` and ``tokens …``: accounts and API tokens from the command line."""
import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts import audit
from accounts.models import ROLES, ApiToken
from accounts.tokens import issue_token, revoke_token
from accounts.users import create_user, duplicate_errors, find_by_identifier
from accounts.validators import FieldError, china_today, clean_account, clean_region_code, clean_token_region
from core.db import utcnow
from core.extensions import db

users = AppGroup("users", help="Manage user accounts.")
tokens = AppGroup("tokens", help="Manage API tokens.")

COMMANDS = (users, tokens)


@users.command("create")
@click.option("--role", type=click.Choice(ROLES), default="trainee", show_default=True)
@click.option("--name", "real_name", required=True, help="Real name (2-32 Han characters, · allowed).")
@click.option("--id-number", required=True, help="18-character resident ID number.")
@click.option("--phone", required=True, help="11-digit mainland mobile number.")
@click.option("--password", required=True, help="At least 8 characters.")
@click.option("--employer", default="", help="Employer (required for trainees).")
@click.option("--title", default="", help="Professional title.")
@click.option("--region", "region_code", default="", help="Region code (required for bureau).")
@click.option("--organisation", default="", help="Organisation (required for producers).")
@click.option("--unit", "credit_code", default="", help="The unit's 统一社会信用代码 (required for unit_admin).")
def create_user_command(role: str, credit_code: str, **raw) -> None:
    """Create an account, validated exactly as registration is; prints the new user's id."""
    unit = _unit_for(role, credit_code)
    if unit is not None and not raw["region_code"]:
        raw["region_code"] = unit.region_code
    values, errors = clean_account(raw, china_today(utcnow()), role=role)
    if unit is not None:
        values["unit_id"] = unit.id
    if not errors:
        errors = duplicate_errors(values["id_number"], values["phone"])
    if errors:
        raise click.ClickException(" ".join(errors.values()))
    try:
        user = create_user(values, role=role)
        audit.record("user_created", target=f"user:{user.id}", role=role, via="cli",
                     **({"unit": user.unit_id} if user.unit_id else {}))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise click.ClickException("该身份证号或手机号已注册。") from None
    click.echo(user.id)


def _unit_for(role: str, credit_code: str):
    """The (id, region_code, active) row of the unit a unit_admin administers, by its credit code.

    accounts sits below units (tests/core/test_import_direction.py), so the units table is read
    by name from the shared metadata instead of importing units.models; its model is loaded
    with the app, as every model is."""
    code = "".join(credit_code.split()).upper()
    if role != "unit_admin":
        if code:
            raise click.ClickException("只有单位管理员（--role unit_admin）需要 --unit。")
        return None
    if not code:
        raise click.ClickException("单位管理员须用 --unit 指定其工作单位的统一社会信用代码。")
    units = db.metadata.tables["units"]
    unit = db.session.execute(select(units.c.id, units.c.region_code, units.c.active)
                              .where(units.c.credit_code == code)).first()
    if unit is None:
        raise click.ClickException(f"没有统一社会信用代码为 {code} 的工作单位，未创建账号。")
    if not unit.active:
        raise click.ClickException(f"统一社会信用代码为 {code} 的工作单位已停用，未创建账号。")
    return unit


@tokens.command("create")
@click.option("--user", "identifier", required=True, help="The owner's ID number or phone.")
@click.option("--name", required=True, help="What the token is for.")
@click.option("--region", "region_code", default="", help="Limit the token to a region code.")
def create_token_command(identifier: str, name: str, region_code: str) -> None:
    """Issue a token; it is printed alone on the last line, and never shown again."""
    name = name.strip()
    if not 1 <= len(name) <= 64:
        raise click.ClickException("令牌名称应为1至64个字。")
    try:
        region_code = clean_region_code(region_code)
    except FieldError as e:
        raise click.ClickException(str(e)) from None
    owner = find_by_identifier(identifier)
    if owner is None or not owner.active:
        raise click.ClickException("找不到该用户，或该账号已停用。")
    try:
        clean_token_region(region_code, owner.role, owner.region_code)
    except FieldError as e:
        raise click.ClickException(str(e)) from None
    row, plain = issue_token(owner, name, utcnow(), region_code or None)
    audit.record("token_created", target=f"token:{row.id}", owner=f"user:{owner.id}",
                 name=name, region_code=row.region_code, via="cli")
    db.session.commit()
    click.echo(f"Token {row.id} for user {owner.id} ({owner.real_name}); store it now, it is not shown again:")
    click.echo(plain)


@tokens.command("revoke")
@click.option("--id", "token_id", type=int, required=True, help="The token's id.")
def revoke_token_command(token_id: int) -> None:
    """Revoke a token: requests carrying it are refused from now on."""
    row = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id))
    if row is None:
        raise click.ClickException(f"没有编号为 {token_id} 的令牌。")
    if row.revoked_at is not None:
        click.echo(f"Token {row.id} was already revoked.")
        return
    revoke_token(row, utcnow())
    audit.record("token_revoked", target=f"token:{row.id}", owner=f"user:{row.user_id}", name=row.name, via="cli")
    db.session.commit()
    click.echo(f"Token {row.id} revoked.")
