"""Evidence files: judged by their content, stored with their sha256, served as downloads to
the declarant, the unit's administrator and the region's bureau officers only."""
import hashlib
import io
from pathlib import Path

from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from core.extensions import db
from declarations.models import Declaration, DeclarationFile
from tests.declarations.conftest import PDF, audit_rows, fields, jpeg_bytes, with_files

EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode."


def declare(client, *files):
    return client.post("/api/v1/me/declarations", data=with_files(fields(), *files),
                       content_type="multipart/form-data")


def test_a_renamed_executable_is_refused_and_nothing_is_kept(app, as_user, trainee):
    for content, name in ((EXE, "certificate.pdf"), (EXE, "photo.jpg"), (b"\xff\xd8\xffnot a jpeg", "x.jpg"),
                          (b"<html><script>alert(1)</script></html>", "page.png"), (b"", "empty.pdf")):
        response = declare(as_user(trainee), (content, name))
        assert response.status_code == 422, name
        error = response.get_json()["error"]
        assert error["code"] == "invalid_file" and error["field"] == "files" and name in error["message"]
    assert db.session.scalar(select(Declaration)) is None
    assert not (Path(app.config["MEDIA_ROOT"]) / "evidence").exists()


def test_an_oversize_file_and_too_many_files_are_refused(app, as_user, trainee):
    app.config["DECLARATION_MAX_FILE_BYTES"] = 2000
    big = jpeg_bytes() + b"\x00" * 2000
    response = declare(as_user(trainee), (big, "big.jpg"))
    assert response.status_code == 422 and "超过" in response.get_json()["error"]["message"]
    app.config["DECLARATION_MAX_FILE_BYTES"] = 10 * 1024 * 1024
    six = [(jpeg_bytes(), f"p{n}.jpg") for n in range(6)]
    response = declare(as_user(trainee), *six)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_files"
    response = as_user(trainee).post("/api/v1/me/declarations", data=fields(), content_type="multipart/form-data")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_files"
    assert db.session.scalar(select(Declaration)) is None


def test_files_are_stored_under_the_declaration_with_their_sha256(app, as_user, trainee):
    photo = jpeg_bytes()
    body = declare(as_user(trainee), (photo, "photo.jpg"), (PDF, "notice.pdf")).get_json()
    assert [(row["name"], row["content_type"]) for row in body["files"]] == \
        [("photo.jpg", "image/jpeg"), ("notice.pdf", "application/pdf")]
    row = db.session.scalar(select(DeclarationFile).order_by(DeclarationFile.id))
    assert row.sha256 == hashlib.sha256(photo).hexdigest() and row.size == len(photo)
    assert row.path.startswith(f"evidence/{body['id']}/") and not row.path.endswith("photo.jpg")
    assert (Path(app.config["MEDIA_ROOT"]) / row.path).read_bytes() == photo


def test_files_are_served_only_to_the_declarant_and_its_reviewers(as_user, make_user, trainee, unit_admin,
                                                                   officer, other_admin, far_officer):
    photo = jpeg_bytes()
    url = declare(as_user(trainee), (photo, "photo.jpg")).get_json()["files"][0]["url"]
    for person in (trainee, unit_admin, officer):
        response = as_user(person).get(url)
        assert response.status_code == 200 and response.data == photo
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Disposition"].startswith("attachment")
        response.close()
    viewed = [(row.action, row.actor_id) for row in audit_rows("declaration.file_viewed")]
    assert viewed == [("declaration.file_viewed", unit_admin.id), ("declaration.file_viewed", officer.id)]
    for person in (other_admin, far_officer, make_user("trainee", region_code="440305"), make_user("admin")):
        assert as_user(person).get(url).status_code == 404
    assert as_user(trainee).get("/declarations/files/99999").status_code == 404
    assert as_user(trainee).get(f"/declarations/files/{2**40}").status_code == 404


def test_a_request_may_carry_more_than_the_apps_usual_limit_of_files(app, as_user, trainee):
    # Two 9 MB scans (18 MB) pass, where the app's MAX_CONTENT_LENGTH (16 MB) would refuse the body.
    scan = b"%PDF-1.4\n" + b"0" * (9 * 1024 * 1024) + b"\n%%EOF\n"
    assert 2 * len(scan) > app.config["MAX_CONTENT_LENGTH"]
    # Encoded here, in memory: the test client would spool so large a body to a file it never closes.
    boundary, body = encode_multipart(MultiDict([*fields().items(), ("files", FileStorage(io.BytesIO(scan), "a.pdf")),
                                                 ("files", FileStorage(io.BytesIO(scan), "b.pdf"))]))
    response = as_user(trainee).post("/api/v1/me/declarations", data=body,
                                     content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 201, response.get_json()
    assert [row["size"] for row in response.get_json()["files"]] == [len(scan), len(scan)]
