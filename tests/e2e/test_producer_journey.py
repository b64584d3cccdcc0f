"""A producer's journey: upload through the Uppy page, processing, course, review, catalogue.

The upload page's own behaviour (pause and resume, a reload or a dropped connection in
the middle of an upload) is tested here too, against the real tus server. Videos are
processed by a real task consumer (``flask worker``) in its own process, on the live
server's database and queue, as in production.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from accounts.models import User
from core.extensions import db
from courses.models import Upload, Video
from tests.conftest import PASSWORD, engine_options, make_id_number

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / ".." / "shared" / "samples"
FLOWER = SAMPLES / "flower_h264_aac_faststart.mp4"
CHUNK = 256 * 1024

if not FLOWER.exists():
    pytest.skip(f"the shared samples are missing ({SAMPLES.resolve()})", allow_module_level=True)


@pytest.fixture
def live_overrides():
    # Small chunks, so that even the 1 MB sample goes up in several PATCH requests; jobs go
    # to the queue (the `worker` fixture consumes them), not inline in the last PATCH.
    return {"UPLOAD_CHUNK_BYTES": CHUNK, "QUEUE_IMMEDIATE": False}


@pytest.fixture
def worker(live_server, tmp_path):
    """``flask worker`` in its own process, on the live server's database, queue and media."""
    config = live_server.app.config
    env = {
        **os.environ,
        "ZHIXIN_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "ZHIXIN_SQLALCHEMY_ENGINE_OPTIONS": json.dumps(engine_options()),
        "ZHIXIN_QUEUE_URL": config["QUEUE_URL"],
        "ZHIXIN_QUEUE_IMMEDIATE": "false",
        "ZHIXIN_MEDIA_ROOT": config["MEDIA_ROOT"],
        "ZHIXIN_SECRET_KEY": config["SECRET_KEY"],
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "--workers", "1"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    print(f"worker log:\n{log_path.read_text(errors='replace')[-4000:]}")


@pytest.fixture
def people(live_server) -> dict:
    """A producer and a reviewer who can sign in with PASSWORD, by role."""
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")  # fast on purpose
    with live_server.app.app_context():
        made = {}
        for role, name, phone in (("producer", "李华", "13700000011"), ("reviewer", "周审", "13700000012")):
            user = User(role=role, real_name=name, id_number=make_id_number(), phone=phone,
                        employer="知新制作中心", organisation="知新制作中心" if role == "producer" else None,
                        region_code="110105", password_hash=password_hash)
            db.session.add(user)
            made[role] = {"phone": phone, "name": name}
        db.session.commit()
    return made


def sign_in(page, person: dict) -> None:
    page.goto("/login")
    page.get_by_label("身份证号或手机号").fill(person["phone"])
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("banner").get_by_role("link", name=person["name"])).to_be_visible()


class Uploads:
    """Watches the page's tus requests; ``hold(n)`` keeps the n-th PATCH from reaching the server.

    A held request hangs as on a stalled network, until ``release()`` lets it through.
    ``cut(n, times)`` fails the n-th PATCH (and its next tries) as a dropped connection would.
    """

    def __init__(self, page):
        self.page, self.seen, self.held = page, [], []
        self._hold_at, self._cut_at, self._cuts_left = None, None, 0
        page.route("**/api/v1/uploads**", self._handle)

    def _handle(self, route, request):
        self.seen.append((request.method, request.headers.get("upload-offset")))
        patches = self.patch_offsets()
        if request.method == "PATCH" and len(patches) == self._hold_at:
            self.held.append(route)
            return
        if request.method == "PATCH" and self._cut_at is not None and len(patches) >= self._cut_at \
                and self._cuts_left > 0:
            self._cuts_left -= 1
            route.abort("internetdisconnected")
            return
        route.continue_()

    def patch_offsets(self, since: int = 0) -> list[int]:
        return [int(offset) for method, offset in self.seen[since:] if method == "PATCH"]

    def methods(self, since: int = 0) -> list[str]:
        return [method for method, _ in self.seen[since:]]

    def hold(self, nth_patch: int) -> None:
        self._hold_at = nth_patch

    def cut(self, nth_patch: int, times: int) -> None:
        self._cut_at, self._cuts_left = nth_patch, times

    def wait_until_held(self) -> None:
        for _ in range(200):
            if self.held:
                return
            self.page.wait_for_timeout(50)
        raise AssertionError(f"no PATCH was held; requests so far: {self.seen}")

    def forget_held(self) -> None:
        """Drop held requests whose page is gone (Playwright may already have dropped them)."""
        while self.held:
            try:
                self.held.pop().abort()
            except PlaywrightError:
                pass

    def release(self) -> None:
        """Let held requests through; one the page has given up meanwhile just ends."""
        self._hold_at = None
        while self.held:
            try:
                self.held.pop().continue_()
            except PlaywrightError:
                pass


def choose(page, path: Path) -> None:
    """Pick a file through Uppy's own (hidden) file input, as "浏览文件" would."""
    page.locator(".uppy-Dashboard-input").first.set_input_files(str(path))
    expect(page.locator(".uppy-Dashboard-Item-name", has_text=path.name)).to_be_visible()


def wait_for_partial_progress(page) -> int:
    """Wait until Uppy's progress bar shows part of the upload done; returns its percentage."""
    page.wait_for_function("""() => {
        const bar = document.querySelector('.uppy-StatusBar-progress[role=progressbar]');
        const done = bar ? Number(bar.getAttribute('aria-valuenow')) : 0;
        return done > 0 && done < 100;
    }""")
    return int(page.locator(".uppy-StatusBar-progress").get_attribute("aria-valuenow"))


def videos_and_uploads(live_server) -> tuple[int, int]:
    with live_server.app.app_context():
        counts = (db.session.scalar(select(func.count()).select_from(Video)),
                  db.session.scalar(select(func.count()).select_from(Upload)))
        db.session.remove()
        return counts


def test_upload_page_offers_uppy_in_chinese(page, people, screenshot):
    sign_in(page, people["producer"])
    page.goto("/studio/upload")
    expect(page.get_by_role("heading", name="上传视频")).to_be_visible()
    dashboard = page.locator(".uppy-Dashboard")
    expect(dashboard).to_be_visible()
    expect(dashboard.get_by_text("浏览文件")).to_be_visible()
    screenshot(page, "empty")
    choose(page, FLOWER)
    expect(page.get_by_role("button", name="上传 1 个文件")).to_be_visible()
    screenshot(page, "file-chosen")


def test_upload_pauses_and_resumes(page, people, live_server):
    sign_in(page, people["producer"])
    page.goto("/studio/upload")
    uploads = Uploads(page)
    uploads.hold(3)
    choose(page, FLOWER)
    page.get_by_role("button", name="上传 1 个文件").click()
    uploads.wait_until_held()
    wait_for_partial_progress(page)
    page.locator(".uppy-StatusBar").get_by_role("button", name="暂停").click()
    expect(page.locator(".uppy-StatusBar-statusPrimary")).to_contain_text("已暂停")
    before = len(uploads.seen)
    uploads.release()  # the paused request was abandoned by the page; nothing follows it
    page.wait_for_timeout(1000)
    assert uploads.patch_offsets(before) == []
    page.locator(".uppy-StatusBar").get_by_role("button", name="恢复").click()
    expect(page.locator(".upload-result")).to_have_count(1)
    # tus asked the server where it stood, then sent only what the server lacked.
    assert uploads.methods(before)[0] == "HEAD"
    assert uploads.patch_offsets(before)[0] == 2 * CHUNK
    assert videos_and_uploads(live_server) == (1, 1)


def test_an_upload_cut_by_a_reload_resumes_where_it_stopped(page, people, live_server, screenshot):
    sign_in(page, people["producer"])
    page.goto("/studio/upload")
    uploads = Uploads(page)
    uploads.hold(3)
    choose(page, FLOWER)
    page.get_by_role("button", name="上传 1 个文件").click()
    uploads.wait_until_held()
    page.reload()  # the held request dies with the page
    uploads.forget_held()
    before = len(uploads.seen)
    unfinished = page.locator("#upload-unfinished")
    expect(unfinished).to_have_text(f"上次没有传完的文件：{FLOWER.name}。重新选择同一文件即可从中断处继续上传。")
    screenshot(page, "unfinished")
    choose(page, FLOWER)
    page.get_by_role("button", name="上传 1 个文件").click()
    expect(page.locator(".upload-result")).to_have_count(1)
    assert "POST" not in uploads.methods(before)
    assert uploads.patch_offsets(before)[0] == 2 * CHUNK
    assert videos_and_uploads(live_server) == (1, 1)
    expect(unfinished).to_be_hidden()
    page.reload()
    page.wait_for_load_state("networkidle")
    expect(unfinished).to_be_hidden()
    screenshot(page, "resumed")


def test_a_dropped_connection_is_retried(page, people, live_server):
    sign_in(page, people["producer"])
    page.goto("/studio/upload")
    uploads = Uploads(page)
    uploads.cut(3, times=2)
    choose(page, FLOWER)
    page.get_by_role("button", name="上传 1 个文件").click()
    expect(page.locator(".upload-result")).to_have_count(1, timeout=30_000)
    offsets = uploads.patch_offsets()
    assert offsets.count(2 * CHUNK) == 3  # the cut request, tried again twice more
    assert offsets[-1] == 4 * CHUNK
    assert videos_and_uploads(live_server) == (1, 1)


@pytest.mark.slow
def test_producer_uploads_builds_and_publishes_a_course(page, people, live_server, worker, screenshot):
    sign_in(page, people["producer"])
    page.goto("/studio/upload")
    uploads = Uploads(page)
    uploads.hold(3)
    choose(page, FLOWER)
    page.get_by_role("button", name="上传 1 个文件").click()
    uploads.wait_until_held()
    wait_for_partial_progress(page)
    expect(page.locator(".uppy-StatusBar-statusPrimary")).to_contain_text("正在上传")
    screenshot(page, "uploading")
    uploads.release()

    result = page.locator(".upload-result")
    expect(result).to_have_count(1)
    expect(result.locator(".upload-name")).to_have_text(FLOWER.name)
    expect(result.locator(".upload-status")).to_have_text("处理完成，可以添加到课程", timeout=120_000)
    screenshot(page, "ready")
    result.get_by_role("link", name="查看视频").click()
    expect(page.get_by_text(FLOWER.name).first).to_be_visible()

    page.goto("/studio")
    page.get_by_role("link", name="新建课程").click()
    page.get_by_label("课程名称").fill("花的一生：数字影像基础")
    page.get_by_label("课程简介").fill("从一段花开的视频讲起，介绍数字影像的编码与传输。")
    page.get_by_label("主讲人").fill("李华")
    page.get_by_label("课程类别").select_option(label="数字技术")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("课程已创建，现在可以添加课时。")).to_be_visible()

    page.get_by_label("视频（仅可选择已处理完成的视频）").select_option(label=f"{FLOWER.name} · 0:05")
    page.get_by_label("课时名称（选填，默认使用视频文件名）").fill("花开的五秒钟")
    page.get_by_role("button", name="添加课时").click()
    expect(page.get_by_text("课时已添加，学时已重新计算。")).to_be_visible()
    expect(page.locator(".studio-lesson")).to_have_count(1)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("已提交审核，审核结果会显示在这里。")).to_be_visible()
    screenshot(page, "submitted")
    page.get_by_role("button", name="退出").click()

    sign_in(page, people["reviewer"])
    page.goto("/review")
    page.get_by_role("link", name="花的一生：数字影像基础").click()
    # The reviewer's preview plays the rendition the worker made.
    page.locator("video").first.evaluate("video => video.play()")
    page.wait_for_function("() => { const v = document.querySelector('video');"
                           " return v.currentTime > 1 && v.videoWidth > 0 && !v.error; }")
    page.get_by_role("button", name="通过并发布").click()
    expect(page.get_by_text("已通过：《花的一生：数字影像基础》已发布到")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    page.goto("/categories/digital")
    page.get_by_role("link", name="花的一生：数字影像基础").first.click()
    expect(page.get_by_role("heading", name="花的一生：数字影像基础")).to_be_visible()
    screenshot(page, "in-the-catalogue")


@pytest.mark.slow
def test_several_files_at_once_each_with_its_outcome(page, people, live_server, worker, screenshot):
    webm, audio_only = SAMPLES / "flower_vp8_vorbis.webm", SAMPLES / "aac_audio_only.mp4"
    sign_in(page, people["producer"])
    page.goto("/studio/upload")
    page.locator(".uppy-Dashboard-input").first.set_input_files([str(webm), str(audio_only)])
    page.get_by_role("button", name="上传 2 个文件").click()
    rows = page.locator(".upload-result")
    expect(rows).to_have_count(2)
    refused = rows.filter(has_text=audio_only.name)
    expect(refused.locator(".upload-status")).to_have_text("处理失败", timeout=60_000)
    expect(refused.get_by_role("link", name="查看详情并重试")).to_be_visible()
    ready = rows.filter(has_text=webm.name)
    expect(ready.locator(".upload-status")).to_have_text("处理完成，可以添加到课程", timeout=120_000)
    with live_server.app.app_context():
        reason = db.session.scalar(select(Video.error).where(Video.original_filename == audio_only.name))
        db.session.remove()
    assert reason
    expect(refused.locator(".upload-message")).to_have_text(reason)
    screenshot(page, "one-ready-one-refused")
