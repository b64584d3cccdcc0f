"""推送接口 pages: an officer's own region, an admin's every region; secrets shown once; CSRF;
retry, rotate, disable and the signature test audited."""
from sqlalchemy import select

from accounts.models import AuditLog
from core.db import utcnow
from core.extensions import db
from push.models import PushEndpoint, PushEvent
from push.rules import derive_secret, fingerprint
from tests.push.conftest import Switch, free_port_url, receiving, write_row


def form(url="https://jxjy.example.cn/events", region="330000", name="Zhejiang"):
    return {"name": name, "url": url, "region_code": region, "profile": "zhixin"}


def actions():
    return db.session.scalars(select(AuditLog.action).order_by(AuditLog.id)).all()


def test_an_officer_registers_for_their_region_and_sees_the_secret_once(client, sign_in, make_user, app):
    sign_in(make_user("bureau", region_code="330000"))
    page = client.post("/bureau/push/", data=form(region="330100"))
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    endpoint = db.session.scalars(select(PushEndpoint)).one()
    secret = derive_secret(app.config["SECRET_KEY"], endpoint.secret_salt)
    assert secret in page.get_data(as_text=True) and fingerprint(secret) == endpoint.secret_fingerprint
    assert secret not in str(db.session.execute(select(PushEndpoint.__table__)).all())  # never at rest
    assert secret not in client.get("/bureau/push/").get_data(as_text=True)
    assert secret not in client.get(f"/bureau/push/{endpoint.id}").get_data(as_text=True)
    assert actions() == ["push_endpoint_created"]


def test_a_region_outside_the_officers_is_refused_and_nothing_is_made(client, sign_in, make_user):
    sign_in(make_user("bureau", region_code="330000"))
    page = client.post("/bureau/push/", data=form(region="440000"))
    assert "不在您的管辖范围内" in page.get_data(as_text=True)
    page = client.post("/bureau/push/", data=form(url="ftp://example.cn/x"))
    assert "接收地址应为" in page.get_data(as_text=True)
    assert db.session.scalars(select(PushEndpoint)).all() == []


def test_officers_see_only_their_regions_endpoints_admins_all(client, sign_in, make_user, register):
    zhejiang, _s = register(free_port_url(), region="330000", name="ZJ")
    guangdong, _s = register(free_port_url(), region="440000", name="GD")
    sign_in(make_user("bureau", region_code="330000"))
    listing = client.get("/bureau/push/").get_data(as_text=True)
    assert "ZJ" in listing and "GD" not in listing
    assert client.get(f"/bureau/push/{guangdong.id}").status_code == 403
    assert client.post(f"/bureau/push/{guangdong.id}/retry").status_code == 403
    assert client.post(f"/bureau/push/{guangdong.id}/disable").status_code == 403
    assert db.session.get(PushEndpoint, guangdong.id).active
    sign_in(make_user("admin"))
    listing = client.get("/bureau/push/").get_data(as_text=True)
    assert "ZJ" in listing and "GD" in listing
    assert client.get(f"/bureau/push/{guangdong.id}").status_code == 200
    sign_in(make_user())
    assert client.get("/bureau/push/").status_code == 403


def test_the_page_shows_failures_and_retry_now_is_audited(client, sign_in, make_user, register):
    endpoint, _secret = register(free_port_url())
    write_row(make_user(region_code="330102"))
    from push import delivery
    delivery.deliver_endpoint(endpoint.id)
    sign_in(make_user("bureau", region_code="330000"))
    page = client.get(f"/bureau/push/{endpoint.id}").get_data(as_text=True)
    assert "1 条未送达" in page and "ConnectionRefusedError" in page
    assert client.post(f"/bureau/push/{endpoint.id}/retry").status_code == 302
    assert "push_retried" in actions()
    event = db.session.scalars(select(PushEvent)).one()
    db.session.refresh(event)
    assert event.next_attempt_at <= utcnow()  # due again at once, not after its back-off


def test_forms_without_csrf_are_refused(app, client, sign_in, make_user, register):
    endpoint, _secret = register(free_port_url())
    app.config["WTF_CSRF_ENABLED"] = True
    sign_in(make_user("bureau", region_code="330000"))
    old = endpoint.secret_salt
    for action in ("retry", "rotate", "disable", "probe"):
        assert client.post(f"/bureau/push/{endpoint.id}/{action}").status_code == 400
    assert client.post("/bureau/push/", data=form()).status_code == 400
    db.session.refresh(endpoint)
    assert endpoint.active and endpoint.secret_salt == old and db.session.scalar(
        select(PushEndpoint.id).where(PushEndpoint.id != endpoint.id)) is None


def test_rotate_shows_a_new_secret_once_and_the_old_one_stops_signing(app, client, sign_in, make_user, register):
    endpoint, old = register(free_port_url())
    sign_in(make_user("bureau", region_code="330000"))
    page = client.post(f"/bureau/push/{endpoint.id}/rotate")
    db.session.refresh(endpoint)
    new = derive_secret(app.config["SECRET_KEY"], endpoint.secret_salt)
    assert new != old and new in page.get_data(as_text=True) and page.headers["Cache-Control"] == "no-store"
    assert new not in client.get(f"/bureau/push/{endpoint.id}").get_data(as_text=True)


def test_the_signature_test_tells_a_receiver_that_checks_nothing(client, sign_in, make_user, register):
    def trusting(environ, start_response):  # answers 200 to anything, forged signatures too
        start_response("200 OK", [])
        return [b""]

    with receiving(trusting) as url:
        endpoint, _secret = register(url)
        sign_in(make_user("bureau", region_code="330000"))
        page = client.post(f"/bureau/push/{endpoint.id}/probe", follow_redirects=True).get_data(as_text=True)
    assert "没有校验签名" in page
    with receiving(Switch("the-real-secret")) as url:  # the reference receiver refuses it
        endpoint.url = url
        db.session.commit()
        page = client.post(f"/bureau/push/{endpoint.id}/probe", follow_redirects=True).get_data(as_text=True)
    assert "签名测试通过" in page
    db.session.expire_all()
    assert db.session.get(PushEndpoint, endpoint.id).probe_result == "refused"
    assert actions().count("push_probed") == 2


def test_disable_stops_new_events(client, sign_in, make_user, register):
    endpoint, _secret = register(free_port_url())
    sign_in(make_user("bureau", region_code="330000"))
    client.post(f"/bureau/push/{endpoint.id}/disable")
    write_row(make_user(region_code="330102"))
    assert db.session.scalars(select(PushEvent)).all() == []
    assert "push_endpoint_disabled" in actions()
