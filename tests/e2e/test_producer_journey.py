"""A producer's journey: upload through the Uppy page (cut by a reload, then resumed), the
transcode's progress, a course built and submitted, rejected with a reason, fixed and
approved, then found in the catalogue and by search (Chinese words and pinyin initials).

The upload page's own behaviour (pause and resume, a reload or a dropped connection in
the middle of an upload) is tested here too, against the real tus server. Videos are
processed, and the search index written, by a real task consumer (``flask worker``) in
its own process, on the live server's database, queue and index, as in production.
"""
import json
import os
import re
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
from courses.search import engine as search
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
def start_worker(live_server, tmp_path):
    """``start_worker(**settings)`` runs ``flask worker`` in its own process, on the live
    server's database, queue, media and search index; ``settings`` are more ``ZHIXIN_*``
    configuration for it. Every worker started is stopped at teardown."""
    config = live_server.app.config
    with live_server.app.app_context():
        index_dir = str(search.index_root())
    env = {
        **os.environ,
        "ZHIXIN_DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "ZHIXIN_SQLALCHEMY_ENGINE_OPTIONS": json.dumps(engine_options()),
        "ZHIXIN_QUEUE_URL": config["QUEUE_URL"],
        "ZHIXIN_QUEUE_IMMEDIATE": "false",
        "ZHIXIN_MEDIA_ROOT": config["MEDIA_ROOT"],
        "ZHIXIN_SECRET_KEY": config["SECRET_KEY"],
        "ZHIXIN_SEARCH_INDEX_DIR": index_dir,
    }
    started = []

    def start(**settings) -> subprocess.Popen:
        log_path = tmp_path / f"worker-{len(started)}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "app", "worker", "--workers", "1"], cwd=ROOT,
                env={**env, **{f"ZHIXIN_{name}": str(value) for name, value in settings.items()}},
                stdout=log, stderr=subprocess.STDOUT)
        started.append((process, log_path))
        return process

    yield start
    for process, log_path in started:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        print(f"worker log:\n{log_path.read_text(errors='replace')[-4000:]}")


@pytest.fixture
def worker(start_worker):
    """A worker running from the start of the test (see start_worker)."""
    return start_worker()


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

    A held request hangs as on a stalled network, until ``forget_held()`` drops it.
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


def start_held_upload(page) -> Uploads:
    """Open the upload page and start uploading FLOWER; returns once its third PATCH is held."""
    page.goto("/studio/upload")
    uploads = Uploads(page)
    uploads.hold(3)
    choose(page, FLOWER)
    page.get_by_role("button", name="上传 1 个文件").click()
    uploads.wait_until_held()
    return uploads


def reload_and_resume(page, uploads: Uploads, screenshot) -> None:
    """Lose the page while a PATCH is held, choose FLOWER again: tus sends only what the server lacked."""
    page.reload()  # the held request dies with the page
    uploads.forget_held()
    before = len(uploads.seen)
    expect(page.locator("#upload-unfinished")).to_have_text(
        f"上次没有传完的文件：{FLOWER.name}。重新选择同一文件即可从中断处继续上传。")
    screenshot(page, "unfinished")
    choose(page, FLOWER)
    page.get_by_role("button", name="上传 1 个文件").click()
    expect(page.locator(".upload-result")).to_have_count(1)
    assert "POST" not in uploads.methods(before)
    assert uploads.patch_offsets(before)[0] == 2 * CHUNK


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
    uploads = start_held_upload(page)
    wait_for_partial_progress(page)
    page.locator(".uppy-StatusBar").get_by_role("button", name="暂停").click()
    expect(page.locator(".uppy-StatusBar-statusPrimary")).to_contain_text("已暂停")
    before = len(uploads.seen)
    # The paused request dies on the way (letting it through instead raced the page's abort:
    # on a busy machine the server sometimes got the chunk, and resumed one chunk later).
    uploads.forget_held()
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
    uploads = start_held_upload(page)
    reload_and_resume(page, uploads, screenshot)
    assert videos_and_uploads(live_server) == (1, 1)
    unfinished = page.locator("#upload-unfinished")
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


TITLE = "花的一生：数字影像基础"
REASON = "课程简介没有写明适用对象，请补充后重新提交。"


def upload_through_a_reload(page, screenshot) -> None:
    """Start uploading FLOWER, lose the page in the middle, choose the file again: it resumes."""
    uploads = start_held_upload(page)
    wait_for_partial_progress(page)
    expect(page.locator(".uppy-StatusBar-statusPrimary")).to_contain_text("正在上传")
    screenshot(page, "uploading")
    reload_and_resume(page, uploads, screenshot)
    expect(page.locator(".upload-result .upload-name")).to_have_text(FLOWER.name)


def watch_processing(page, start_worker, screenshot) -> None:
    """The row waits in the queue until a worker starts, shows the transcode's progress, then is ready."""
    status = page.locator(".upload-result .upload-status")
    expect(status).to_have_text("已上传，排队等待处理")
    screenshot(page, "queued")
    # A slow preset makes this 5-second clip take several seconds to encode (veryfast: about
    # 2 s), so that the page's 2-second polls see the transcode under way, as on a long lecture.
    start_worker(TRANSCODE_PRESET="slow")
    expect(status).to_have_text(re.compile(r"^正在转码 \d+%$"), timeout=60_000)
    screenshot(page, "processing")
    expect(status).to_have_text("处理完成，可以添加到课程", timeout=120_000)
    expect(page.locator(".upload-result .upload-progress")).to_have_attribute("value", "100")
    screenshot(page, "ready")


def build_and_submit_course(page) -> None:
    page.goto("/studio")
    page.get_by_role("link", name="新建课程").click()
    page.get_by_label("课程名称").fill(TITLE)
    page.get_by_label("课程简介").fill("从一段花开的视频讲起，介绍数字影像的编码与传输。")
    page.get_by_label("主讲人").fill("李华")
    page.get_by_label("课程类别").select_option(label="数字技术")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("课程已创建，现在可以逐讲添加视频。")).to_be_visible()
    page.get_by_label("视频（仅可选择已处理完成的视频）").select_option(label=f"{FLOWER.name} · 0:05")
    page.get_by_label("这一讲的名称（选填，默认使用视频文件名）").fill("花开的五秒钟")
    page.get_by_role("button", name="添加一讲").click()
    expect(page.get_by_text("已添加一讲，学时已重新计算。")).to_be_visible()
    expect(page.locator(".studio-lesson")).to_have_count(1)
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("已提交审核，审核结果会显示在这里。")).to_be_visible()
    expect(page.locator(".course-head .badge").first).to_have_text("审核中")


def open_for_review(page, reviewer: dict) -> None:
    sign_in(page, reviewer)
    page.goto("/review")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()


def fix_after_rejection(page, screenshot) -> None:
    """The producer reads the reason in the studio, fixes the summary and submits again."""
    page.goto("/studio")
    rejected = page.locator(".studio-group", has=page.get_by_role("heading", name="已退回"))
    expect(rejected.get_by_text(f"退回理由：{REASON}")).to_be_visible()
    rejected.get_by_role("link", name=TITLE).click()
    note = page.get_by_role("alert")
    expect(note.get_by_role("heading", name="审核未通过，退回理由")).to_be_visible()
    expect(note.locator(".note-text")).to_have_text(REASON)
    screenshot(page, "rejected")
    page.get_by_role("link", name="编辑课程信息").click()
    page.get_by_label("课程简介").fill("面向各行业专业技术人员：从一段花开的视频讲起，介绍数字影像的编码与传输。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    expect(page.get_by_text("面向各行业专业技术人员")).to_be_visible()
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("已提交审核，审核结果会显示在这里。")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)  # the old reason is gone


def search_for(page, words: str):
    """Search with the box in the page's header, as typed; returns the results' list."""
    box = page.get_by_role("banner").get_by_label("搜索课程")
    box.fill(words)
    box.press("Enter")
    # The server's first search loads jieba's dictionary: about 10 s with no cache (the
    # test's instance folder is new), more on a loaded machine.
    expect(page.get_by_role("heading", name=f"“{words}”的搜索结果")).to_be_visible(timeout=60_000)
    return page.locator(".result-list")


def find_by_initials(page) -> None:
    """Pinyin initials need the search index, which the worker writes after the approval: until
    it has, the page says the index is being built, and the user searches again."""
    for _ in range(60):
        results = search_for(page, "szyx")
        if results.count() and results.get_by_role("link", name=TITLE).count():
            expect(page.get_by_text("搜索索引正在建立")).to_have_count(0)
            return
        expect(page.get_by_text("搜索索引正在建立")).to_be_visible()
        page.wait_for_timeout(500)
    raise AssertionError("searching by the title's pinyin initials never found the course")


def reject_with_reason(page, reviewer: dict) -> None:
    open_for_review(page, reviewer)
    page.get_by_label("退回理由（必填，制作方会看到）").fill(REASON)
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_text(f"已退回《{TITLE}》，制作方会看到退回理由。")).to_be_visible()


def approve_the_fixed_course(page, reviewer: dict) -> None:
    open_for_review(page, reviewer)
    expect(page.get_by_text("面向各行业专业技术人员")).to_be_visible()
    # The reviewer's preview plays the rendition the worker made.
    page.locator("video").first.evaluate("video => video.play()")
    page.wait_for_function("() => { const v = document.querySelector('video');"
                           " return v.currentTime > 1 && v.videoWidth > 0 && !v.error; }")
    page.get_by_role("button", name="通过并发布").click()
    expect(page.get_by_text(f"已通过：《{TITLE}》已发布到")).to_be_visible()


@pytest.mark.slow
def test_producer_journey_from_upload_to_search(page, people, live_server, start_worker, screenshot):
    sign_in(page, people["producer"])
    upload_through_a_reload(page, screenshot)
    watch_processing(page, start_worker, screenshot)
    assert videos_and_uploads(live_server) == (1, 1)
    build_and_submit_course(page)
    screenshot(page, "submitted")
    page.get_by_role("button", name="退出").click()

    reject_with_reason(page, people["reviewer"])
    page.get_by_role("button", name="退出").click()
    sign_in(page, people["producer"])
    fix_after_rejection(page, screenshot)
    page.get_by_role("button", name="退出").click()
    approve_the_fixed_course(page, people["reviewer"])
    screenshot(page, "approved")
    page.get_by_role("button", name="退出").click()

    page.goto("/categories/digital")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_text("花开的五秒钟")).to_be_visible()
    screenshot(page, "in-the-catalogue")
    results = search_for(page, "数字影像")
    expect(results.get_by_role("link", name=TITLE)).to_be_visible()
    screenshot(page, "search-results")
    find_by_initials(page)
    screenshot(page, "found-by-pinyin-initials")
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()


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
