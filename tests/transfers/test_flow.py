"""The whole way of a transfer request through the pages: asked for with the old province's
学时证明, reviewed by the bureau of the trainee's current region, credited as ``transfer`` rows
in the years claimed (never more than claimed), or rejected with a reason; withdrawn; asked
for twice; bad evidence and bad input refused with nothing written; CSRF."""
from pathlib import Path

import pytest
from sqlalchemy import select

from core.extensions import db
from learning.progress import credited_by_year_and_type
from tests.transfers.conftest import (
    audit_rows,
    form,
    jpeg_bytes,
    notices,
    requests_of,
    submit,
    this_year,
    transfer_rows,
)
from transfers.models import TransferFile, TransferLine, TransferRequest


def test_a_request_reviewed_and_credited_in_the_years_claimed(as_user, trainee, officer, far_officer):
    response = submit(as_user(trainee))
    assert response.status_code == 302
    [request] = requests_of(trainee)
    assert request.status == "pending" and request.old_province == "11" and len(request.files) == 1
    assert [(line.year, line.subject_type, line.claimed_tenths) for line in request.lines] == \
        [(this_year() - 2, "zhuanye", 420), (this_year() - 1, "gongxu", 300)]
    page = as_user(trainee).get(f"/me/transfers/{request.id}").get_data(as_text=True)
    assert "待人社部门审核" in page and "北京市" in page

    # The officer of another province sees nothing of it.
    assert "陈学文" not in as_user(far_officer).get("/bureau/transfers/").get_data(as_text=True)
    assert as_user(far_officer).get(f"/bureau/transfers/{request.id}").status_code == 403
    assert as_user(far_officer).get(f"/transfers/files/{request.files[0].id}").status_code == 404
    assert as_user(far_officer).post(f"/bureau/transfers/{request.id}", data={"accept": "确认转入"}).status_code == 403

    # The officer of the trainee's current region reviews it, looking at the evidence (audited).
    queue = as_user(officer).get("/bureau/transfers/").get_data(as_text=True)
    assert "陈学文" in queue and f"/bureau/transfers/{request.id}" in queue
    proof = as_user(officer).get(f"/transfers/files/{request.files[0].id}")
    assert proof.status_code == 200 and proof.data.startswith(b"%PDF-") and proof.mimetype == "application/pdf"
    assert proof.headers["X-Content-Type-Options"] == "nosniff"
    proof.close()
    assert [row.action for row in audit_rows("transfer.file_viewed")] == ["transfer.file_viewed"]
    gongxu, zhuanye = (line.id for line in sorted(request.lines, key=lambda line: line.subject_type))
    decided = as_user(officer).post(f"/bureau/transfers/{request.id}",
                                    data={"accept": "确认转入", f"line-{gongxu}": "24", f"line-{zhuanye}": "42"})
    assert decided.status_code == 302

    rows = transfer_rows(trainee)
    assert [(row.year, row.subject_type, row.hours_tenths, row.recorded_by_id) for row in rows] == \
        [(this_year() - 2, "zhuanye", 420, officer.id), (this_year() - 1, "gongxu", 240, officer.id)]
    assert {row.source_id for row in rows} == {gongxu, zhuanye}
    assert rows[1].title == f"北京市{this_year() - 1}年度学时转入"
    totals = credited_by_year_and_type(trainee.id)
    assert totals[this_year() - 1] == {"gongxu": 240} and totals[this_year() - 2] == {"zhuanye": 420}
    record = as_user(trainee).get(f"/me/learning?year={this_year() - 1}").get_data(as_text=True)
    assert "外省转入" in record and f"北京市{this_year() - 1}年度学时转入" in record
    [notice] = [n for n in notices(trainee) if n.kind == "transfer_accepted"]
    assert notice.link == f"/me/transfers/{request.id}" and "24" in notice.body
    assert "已转入" in as_user(trainee).get(f"/me/transfers/{request.id}").get_data(as_text=True)
    # Decided is final: a second accept credits nothing more, withdrawing is refused.
    as_user(officer).post(f"/bureau/transfers/{request.id}", data={"accept": "确认转入"})
    assert as_user(trainee).post(f"/me/transfers/{request.id}/withdraw").status_code == 302
    assert len(transfer_rows(trainee)) == 2 and requests_of(trainee)[0].status == "accepted"
    assert [row.action for row in audit_rows()] == ["transfer.submitted", "transfer.file_viewed", "transfer.accepted"]


def test_the_officer_cannot_accept_more_than_claimed_or_nothing(as_user, trainee, officer):
    submit(as_user(trainee), lines=((1, "gongxu", "30"),))
    [request] = requests_of(trainee)
    line = request.lines[0].id
    for typed, message in (("30.5", "不能超过申请的学时"), ("abc", "学时应为数字"), ("0", "没有确认任何学时")):
        page = as_user(officer).post(f"/bureau/transfers/{request.id}",
                                     data={"accept": "确认转入", f"line-{line}": typed})
        assert page.status_code == 200 and message in page.get_data(as_text=True), typed
    assert transfer_rows(trainee) == [] and requests_of(trainee)[0].status == "pending"


def test_a_rejection_needs_a_reason_and_credits_nothing(as_user, trainee, officer):
    submit(as_user(trainee))
    [request] = requests_of(trainee)
    page = as_user(officer).post(f"/bureau/transfers/{request.id}", data={"reject": "不予转入", "reason": ""})
    assert "不予转入时请写明原因" in page.get_data(as_text=True) and requests_of(trainee)[0].status == "pending"
    as_user(officer).post(f"/bureau/transfers/{request.id}", data={"reject": "不予转入", "reason": "证明无原单位盖章"})
    assert requests_of(trainee)[0].status == "rejected" and transfer_rows(trainee) == []
    [notice] = [n for n in notices(trainee) if n.kind == "transfer_rejected"]
    assert notice.body == "证明无原单位盖章"
    assert "证明无原单位盖章" in as_user(trainee).get(f"/me/transfers/{request.id}").get_data(as_text=True)
    # Rejected lines may be asked for again.
    assert submit(as_user(trainee)).status_code == 302 and len(requests_of(trainee)) == 2


def test_the_same_lines_are_never_asked_for_or_credited_twice(as_user, trainee, officer):
    submit(as_user(trainee))
    page = submit(as_user(trainee), lines=((1, "gongxu", "10"),)).get_data(as_text=True)
    assert "已有待审核的转入申请" in page and len(requests_of(trainee)) == 1
    [request] = requests_of(trainee)
    as_user(officer).post(f"/bureau/transfers/{request.id}", data={"accept": "确认转入"} | {
        f"line-{line.id}": str(line.claimed_tenths / 10) for line in request.lines})
    page = submit(as_user(trainee), lines=((2, "zhuanye", "5"), (3, "gongxu", "30"))).get_data(as_text=True)
    assert "的学时已经转入，不能重复申请" in page and len(requests_of(trainee)) == 1
    assert len(transfer_rows(trainee)) == 2
    # Other lines are fine.
    assert submit(as_user(trainee), lines=((3, "gongxu", "30"),)).status_code == 302


def test_a_pending_request_may_be_withdrawn(as_user, trainee, officer):
    submit(as_user(trainee))
    [request] = requests_of(trainee)
    assert as_user(trainee).post(f"/me/transfers/{request.id}/withdraw").status_code == 302
    assert requests_of(trainee)[0].status == "withdrawn"
    assert "陈学文" not in as_user(officer).get("/bureau/transfers/").get_data(as_text=True)
    as_user(officer).post(f"/bureau/transfers/{request.id}", data={"accept": "确认转入"})
    assert transfer_rows(trainee) == [] and requests_of(trainee)[0].status == "withdrawn"
    assert "已撤回" in as_user(trainee).get("/me/transfers").get_data(as_text=True)


def test_another_trainees_request_is_not_found(as_user, trainee, make_user):
    submit(as_user(trainee))
    [request] = requests_of(trainee)
    other = make_user("trainee", region_code="330102")
    assert as_user(other).get(f"/me/transfers/{request.id}").status_code == 404
    assert as_user(other).get(f"/transfers/files/{request.files[0].id}").status_code == 404
    assert as_user(other).post(f"/me/transfers/{request.id}/withdraw").status_code == 404
    assert requests_of(trainee)[0].status == "pending"


@pytest.mark.parametrize("files, message", [
    (((b"MZ\x90\x00 not a picture", "proof.jpg"),), "不是 JPG、PNG 图片或 PDF 文件"),
    (((b"\xff\xd8\xff\xe0 broken jpeg", "photo.jpg"),), "不是 JPG、PNG 图片或 PDF 文件"),
    (((b"", "empty.pdf"),), "是空的"),
    ((), "请上传原省份的学时证明"),
])
def test_evidence_that_is_not_an_image_or_pdf_is_refused(as_user, trainee, app, files, message):
    page = submit(as_user(trainee), files=files)
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert requests_of(trainee) == [] and db.session.scalars(select(TransferFile)).all() == []
    assert not Path(app.config["MEDIA_ROOT"], "transfers").exists()


def test_a_picture_is_kept(as_user, trainee):
    assert submit(as_user(trainee), files=((jpeg_bytes(), "proof.jpg"),)).status_code == 302
    assert requests_of(trainee)[0].files[0].content_type == "image/jpeg"


@pytest.mark.parametrize("changes, message", [
    ({"lines": ()}, "请至少填写一行"),
    ({"lines": ((10, "gongxu", "30"),)}, "年度应在"),
    ({"lines": ((-1, "gongxu", "30"),)}, "年度应在"),
    ({"lines": ((1, "", "30"),)}, "请选择科目类型"),
    ({"lines": ((1, "gongxu", "200.1"),)}, "学时应大于0且不超过 200"),
    ({"lines": ((1, "gongxu", "3.25"),)}, "最多一位小数"),
    ({"lines": ((1, "gongxu", "30"), (1, "gongxu", "5"))}, "同一年度、同一科目类型只能填写一行"),
    ({"old_province": "33"}, "与您现在所在的省份相同"),
    ({"old_province": "99"}, "请选择原所在省份"),
])
def test_bad_input_is_refused_and_nothing_written(as_user, trainee, changes, message):
    page = submit(as_user(trainee), **changes)
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert requests_of(trainee) == [] and db.session.scalars(select(TransferRequest)).all() == []


def test_only_trainees_ask_and_only_officers_review(as_user, trainee, officer):
    assert as_user(officer).get("/me/transfers/new").status_code == 403
    assert as_user(trainee).get("/bureau/transfers/").status_code == 403


class TestWithCsrf:
    @pytest.fixture
    def app_overrides(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_every_form_needs_its_token(self, as_user, trainee, officer):
        response = as_user(trainee).post("/me/transfers/new", data=form(), content_type="multipart/form-data")
        assert response.status_code == 400 and requests_of(trainee) == []
        request = TransferRequest(user_id=trainee.id, old_province="11", status="pending")
        db.session.add(request)
        db.session.commit()
        assert as_user(trainee).post(f"/me/transfers/{request.id}/withdraw").status_code == 400
        assert as_user(officer).post(f"/bureau/transfers/{request.id}",
                                     data={"reject": "不予转入", "reason": "无"}).status_code == 400
        assert requests_of(trainee)[0].status == "pending"
        for person, address in ((trainee, "/me/transfers/new"), (trainee, f"/me/transfers/{request.id}"),
                                (officer, f"/bureau/transfers/{request.id}")):
            assert 'name="csrf_token"' in as_user(person).get(address).get_data(as_text=True), address


def test_two_requests_for_the_same_lines_are_credited_once(as_user, trainee, officer):
    """Two requests submitted at the same moment may both wait; the second acceptance is refused."""
    first, second = (TransferRequest(user_id=trainee.id, old_province="11", status="pending") for _ in range(2))
    for request in (first, second):
        request.lines = [TransferLine(year=this_year() - 1, subject_type="gongxu", claimed_tenths=300)]
    db.session.add_all([first, second])
    db.session.commit()
    pages = [as_user(officer).post(f"/bureau/transfers/{request.id}",
                                   data={"accept": "确认转入", f"line-{request.lines[0].id}": "30"})
             for request in (first, second)]
    assert pages[0].status_code == 302 and "的学时已经转入，不能重复申请" in pages[1].get_data(as_text=True)
    assert [request.status for request in requests_of(trainee)] == ["accepted", "pending"]
    assert [row.hours_tenths for row in transfer_rows(trainee)] == [300]
