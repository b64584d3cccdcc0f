"""``flask partners …``: accredit, list, issue a token (printed once, on its last line) that the
API takes, revoke it; bad input is a clear error and saves nothing."""
from sqlalchemy import select

from accounts.models import AuditLog
from core.extensions import db
from partners.models import Partner
from tests.partners.conftest import completion


def run(app, *args):
    return app.test_cli_runner().invoke(args=["partners", *args])


def test_a_partner_and_its_token_from_the_command_line(app, client, trainee):
    made = run(app, "create", "--name", "行业协会平台", "--region", "440000", "--types", "gongxu,zhuanye",
               "--hours", "12.5", "--from", "2020-01-01", "--until", "2099-12-31")
    assert made.exit_code == 0, made.output
    partner = db.session.get(Partner, int(made.output.strip()))
    assert (partner.hours_per_year_tenths, partner.types) == (125, ["gongxu", "zhuanye"])
    assert "行业协会平台" in run(app, "list").output
    issued = run(app, "token", "--partner", str(partner.id), "--name", "对接")
    plain = issued.output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {plain}", "Idempotency-Key": "k"}
    assert client.post("/api/v1/partner/completions", json=completion(trainee), headers=headers).status_code == 201
    assert run(app, "switch", str(partner.id), "--off").output.strip() == "inactive"
    assert client.get("/api/v1/partner/completions", headers=headers).status_code == 401
    assert run(app, "switch", str(partner.id), "--on").output.strip() == "active"
    assert client.get("/api/v1/partner/completions", headers=headers).status_code == 200
    [token] = partner.tokens
    assert run(app, "revoke-token", str(token.id)).output.strip() == "revoked"
    assert client.get("/api/v1/partner/completions", headers=headers).status_code == 401
    assert {"partner.accredited", "partner.changed", "partner.token_created", "partner.token_revoked"} <= set(
        db.session.scalars(select(AuditLog.action)))


def test_bad_input_is_an_error_and_saves_nothing(app):
    for args in (["--types", "other", "--hours", "10", "--from", "2026-01-01"],
                 ["--types", "gongxu", "--hours", "0", "--from", "2026-01-01"],
                 ["--types", "gongxu", "--hours", "10", "--from", "2026-13-01"]):
        answer = run(app, "create", "--name", "平台", "--region", "440000", "--until", "2027-01-01", *args)
        assert answer.exit_code != 0 and "Error" in answer.output
    assert db.session.scalar(select(Partner)) is None
