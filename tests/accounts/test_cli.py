"""``flask users create``: the same checks as registration, from the command line."""
import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from accounts.models import User
from core.extensions import db
from tests.accounts.helpers import audit_rows, user_count
from tests.conftest import make_id_number


def create(app, *args):
    return app.test_cli_runner().invoke(args=["users", "create", *args])


def base_args(**fields):
    args = {"--name": "周九", "--id-number": make_id_number(), "--phone": "13700000001",
            "--password": "cli-password", "--employer": "某研究院"}
    args.update(fields)
    return [part for key, value in args.items() if value is not None for part in (key, value)]


def test_create_a_user_prints_its_id(app):
    result = create(app, "--role", "producer", *base_args(**{"--organisation": "知新制作中心"}))
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert result.output.strip() == str(user.id)
    assert (user.role, user.organisation, user.region_code) == ("producer", "知新制作中心", "110105")
    assert check_password_hash(user.password_hash, "cli-password")
    row = audit_rows("user_created")[0]
    assert row.actor_id is None and row.details == {"role": "producer", "via": "cli"}


@pytest.mark.parametrize("fields, message", [
    ({"--id-number": "110105199902301230"}, "出生日期不存在"),
    ({"--id-number": "11010519491231002"}, "身份证号应为18位"),
    ({"--phone": "1370000000"}, "手机号应为11位"),
    ({"--name": "Z"}, "姓名应为2至32个字"),
    ({"--password": "short"}, "密码至少需要8个字符"),
    ({"--employer": None}, "请填写工作单位"),
    ({"--region": "99"}, "行政区划代码应为6位数字"),
])
def test_bad_input_is_an_error_and_creates_nothing(app, fields, message):
    result = create(app, *base_args(**fields))
    assert result.exit_code == 1
    assert message in result.output
    assert user_count() == 0


@pytest.mark.parametrize("role, message", [("producer", "课程制作方须填写所属机构"), ("bureau", "请填写行政区划代码")])
def test_roles_need_their_own_fields(app, role, message):
    result = create(app, "--role", role, *base_args())
    assert result.exit_code == 1 and message in result.output
    assert user_count() == 0


def test_a_bureau_officer_with_a_region(app):
    result = create(app, "--role", "bureau", *base_args(**{"--region": "440300", "--employer": None}))
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.region_code)) == "440300"


def test_duplicates_are_refused(app, make_user):
    make_user(phone="13700000001")
    result = create(app, *base_args())
    assert result.exit_code == 1 and "该手机号已被其他账号使用" in result.output
    assert user_count() == 1


def test_unknown_roles_are_refused(app):
    assert create(app, "--role", "superuser", *base_args()).exit_code == 2
    assert user_count() == 0
