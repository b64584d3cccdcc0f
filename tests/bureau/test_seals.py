"""证书印章: a province's bureau uploads its seal; bad images are refused; the seal is drawn on the
certificates that bureau issues (and only those), seen in the rendered PDF; who may do what."""
import io
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from accounts.models import AuditLog
from core.extensions import db
from learning import seals
from learning.models import BureauSeal
from tests.conftest import make_id_number
from tests.learning.test_certificate_meaning import old_certificate
from tests.learning.test_certificates_web import credit, issue, only_valid

GREEN = (0, 150, 40)  # a colour nothing else on a certificate has (its frame is red, its text black)


def seal_image(fmt: str = "PNG", size: tuple[int, int] = (300, 300), mode: str = "RGBA") -> bytes:
    """A round seal: a green disc on a transparent ground (white for JPEG or an opaque mode)."""
    ground = (0, 0, 0, 0) if mode == "RGBA" else (255, 255, 255)
    image = Image.new(mode, size, ground)
    ImageDraw.Draw(image).ellipse((10, 10, size[0] - 10, size[1] - 10), fill=GREEN)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def noisy_png(side: int = 400) -> bytes:
    """A PNG with transparency that does not compress: hundreds of KB."""
    image = Image.frombytes("RGBA", (side, side), random.Random(7).randbytes(side * side * 4))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload(client, data: bytes, name: str = "seal.png", region: str = "330000", follow: bool = True):
    return client.post("/bureau/seal/", data={"region": region, "seal": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=follow)


def green_pixels(pdf: bytes, tmp_path: Path) -> list[tuple[float, float]]:
    """Where the PDF's (last and only) page is seal-green, rendered by poppler as a printer would:
    each such pixel's place as fractions of the page's width and height."""
    assert shutil.which("pdftoppm"), "pdftoppm (Debian poppler-utils) is needed to render the PDF"
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-singlefile", str(tmp_path / "c.pdf"), str(tmp_path / "p")],
                   check=True, timeout=60, capture_output=True)
    with Image.open(tmp_path / "p.png") as page:
        rgb = page.convert("RGB")
        width, height = rgb.size
        pixels = rgb.load()
        return [(x / width, y / height) for y in range(height) for x in range(width)
                if abs(pixels[x, y][0] - GREEN[0]) < 30 and abs(pixels[x, y][1] - GREEN[1]) < 30
                and abs(pixels[x, y][2] - GREEN[2]) < 30]


@pytest.fixture
def officer(make_user):
    return make_user("bureau", real_name="浙江人社", region_code="330000")


@pytest.fixture
def trainee(make_user):
    return make_user(real_name="王小明", employer="杭州市第二中学", region_code="330102")


def test_an_officer_uploads_the_seal_and_it_is_drawn_on_the_certificates_the_bureau_issues(
        app, client, sign_in, officer, trainee, make_course, tmp_path):
    sign_in(trainee)
    course = make_course()
    credit(trainee, course)
    issue(client, "year", 2026)
    cert = only_valid(trainee, "year")
    assert green_pixels(client.get(f"/me/certificates/{cert.number}.pdf").data, tmp_path) == []  # no seal yet

    sign_in(officer)
    page = client.get("/bureau/seal/").get_data(as_text=True)
    assert "浙江省人力资源和社会保障厅" in page and "尚未上传印章" in page
    page = upload(client, seal_image()).get_data(as_text=True)
    assert "已上传印章" in page and "/bureau/seal/330000/image" in page
    seal = db.session.scalar(select(BureauSeal))
    stored = seals.file_of(seal)
    assert (seal.region_code, seal.content_type, seal.uploaded_by_id) == ("330000", "image/png", officer.id)
    assert stored.read_bytes() == seal_image()
    assert stored.is_relative_to(Path(app.instance_path)) and not stored.is_relative_to(app.config["MEDIA_ROOT"])
    assert not stored.is_relative_to(app.static_folder)
    [row] = db.session.scalars(select(AuditLog).where(AuditLog.action == "seal_uploaded")).all()
    assert row.actor_id == officer.id and row.target == "seal:330000" and row.details["sha256"] == seal.sha256
    image = client.get("/bureau/seal/330000/image")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == seal_image()

    sign_in(trainee)
    drawn = green_pixels(client.get(f"/me/certificates/{cert.number}.pdf").data, tmp_path)
    assert len(drawn) > 500  # a 40 mm disc at 60 dpi is some 2,800 pixels
    assert min(y for _x, y in drawn) > 0.7 and max(x for x, _y in drawn) < 0.6  # the footer, by the body's name

    sign_in(officer)
    assert "已删除印章" in client.post("/bureau/seal/remove", data={"region": "330000"},
                                   follow_redirects=True).get_data(as_text=True)
    assert db.session.scalar(select(BureauSeal)) is None and not stored.exists()
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "seal_removed")).one()
    sign_in(trainee)
    assert green_pixels(client.get(f"/me/certificates/{cert.number}.pdf").data, tmp_path) == []


def test_a_certificate_naming_no_bureau_gets_no_seal(app, client, sign_in, officer, trainee, make_course,
                                                    tmp_path):
    sign_in(officer)
    upload(client, seal_image())
    sign_in(trainee)
    course = make_course()
    credit(trainee, course)
    cert = old_certificate(trainee, course, requirement_met=False)  # issued before bureaus were named
    assert green_pixels(client.get(f"/me/certificates/{cert.number}.pdf").data, tmp_path) == []


@pytest.mark.parametrize("data, name, message", [
    (b"", "seal.png", "请选择印章图片文件"),
    (b"MZ\x90\x00 this is a program, not a picture", "seal.png", "须为 PNG（透明背景）或 JPG"),
    (seal_image("GIF", mode="P"), "seal.gif", "须为 PNG（透明背景）或 JPG"),
    (seal_image()[:400], "seal.png", "不是完整的 PNG 或 JPG 图片"),
    (seal_image(mode="RGB"), "seal.png", "PNG 印章须为透明背景"),
    (seal_image(size=(60, 60)), "seal.png", "边长须在 150 到 3000 像素之间"),
    (seal_image(size=(3200, 200)), "seal.png", "边长须在 150 到 3000 像素之间"),
    (noisy_png(), "seal.png", "不能超过"),
])
def test_a_bad_seal_is_refused_and_nothing_is_kept(app, client, sign_in, officer, data, name, message):
    app.config["SEAL_MAX_BYTES"] = 200 * 1024
    sign_in(officer)
    page = upload(client, data, name).get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(BureauSeal)) is None
    assert not seals.seal_dir().exists() or not any(seals.seal_dir().iterdir())
    assert db.session.scalars(select(AuditLog).where(AuditLog.action == "seal_uploaded")).all() == []


def test_a_jpeg_seal_replaces_a_png_one(client, sign_in, officer):
    sign_in(officer)
    upload(client, seal_image())
    first = seals.file_of(db.session.scalar(select(BureauSeal)))
    assert "已上传印章" in upload(client, seal_image("JPEG", mode="RGB"), "seal.jpg").get_data(as_text=True)
    db.session.expire_all()
    seal = db.session.scalar(select(BureauSeal))
    assert seal.content_type == "image/jpeg" and seals.file_of(seal).is_file() and not first.exists()
    image = client.get("/bureau/seal/330000/image")
    assert image.mimetype == "image/jpeg" and image.headers["X-Content-Type-Options"] == "nosniff"


def test_who_may_see_and_change_a_seal(client, sign_in, make_user, officer):
    sign_in(make_user())  # a trainee
    assert client.get("/bureau/seal/").status_code == 403
    assert upload(client, seal_image(), follow=False).status_code == 403

    sign_in(make_user("bureau", region_code="330100"))  # Hangzhou's officer: sees the province's, changes nothing
    page = client.get("/bureau/seal/").get_data(as_text=True)
    assert "浙江省人力资源和社会保障厅" in page and 'name="seal"' not in page
    assert upload(client, seal_image(), follow=False).status_code == 403

    sign_in(make_user("bureau", region_code="440000"))  # another province's officer
    assert client.get("/bureau/seal/?region=330000").status_code == 403
    assert upload(client, seal_image(), follow=False).status_code == 403
    assert "广东省人力资源和社会保障厅" in client.get("/bureau/seal/").get_data(as_text=True)

    sign_in(make_user("bureau", region_code="", id_number=make_id_number()))  # no region: no province's seal
    assert client.get("/bureau/seal/").status_code == 403

    sign_in(make_user("admin"))
    assert "浙江省" in client.get("/bureau/seal/").get_data(as_text=True)  # the provinces to choose from
    assert client.get("/bureau/seal/?region=330100").status_code == 404  # a city has no seal of its own
    assert upload(client, seal_image(), follow=False).status_code == 302
    sign_in(make_user("bureau", region_code="440000"))
    assert client.get("/bureau/seal/330000/image").status_code == 403
    assert db.session.scalar(select(BureauSeal)).region_code == "330000"


def test_a_seal_form_without_its_csrf_token_is_refused(app, client, sign_in, officer):
    app.config["WTF_CSRF_ENABLED"] = True
    sign_in(officer)
    assert upload(client, seal_image(), follow=False).status_code == 400
    assert client.post("/bureau/seal/remove", data={"region": "330000"}).status_code == 400
    assert db.session.scalar(select(BureauSeal)) is None


def test_the_issuing_body_is_the_holders_provincial_department():
    assert seals.issuing_body("330102") == {"name": "浙江省人力资源和社会保障厅", "region_code": "330000"}
    assert seals.issuing_body("110105") == {"name": "北京市人力资源和社会保障局", "region_code": "110000"}
    assert seals.issuing_body("450100")["name"] == "广西壮族自治区人力资源和社会保障厅"
    assert seals.issuing_body("") is None and seals.issuing_body("000000") is None
