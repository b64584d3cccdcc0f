"""The demo lectures are title cards (course, lecture, lecturer) that stand still: the real
player draws the clock and the progress bar, the video draws none of its own."""
import subprocess

import pytest

from demo import clips

pytestmark = pytest.mark.slow

SIZE = (640, 360)
SMALL = (160, 90)  # frames are compared at this size, in grey


@pytest.fixture(scope="module")
def font():
    found = clips.find_cjk_font()
    if found is None:
        pytest.skip("fonts-wqy-zenhei is not installed")
    return found


def card(tmp_path, font, name: str, lecture: str, seconds: float = 3):
    out = tmp_path / f"{name}.mp4"
    clips.render_slide_clip(out, title="网络安全法律与个人信息保护", subtitle=lecture, seconds=seconds, fps=5,
                            size=SIZE, font_file=font, timeout=60, lecturer="王律师")
    return out


def frame(path, at: float) -> bytes:
    """The frame at ``at`` seconds, scaled down to SMALL, one byte of grey per pixel."""
    return subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "error", "-ss", f"{at:.2f}", "-i", str(path),
         "-frames:v", "1", "-vf", f"scale={SMALL[0]}:{SMALL[1]},format=gray", "-f", "rawvideo", "-"],
        capture_output=True, timeout=30, check=True,
    ).stdout


def biggest_change(a: bytes, b: bytes, rows: range) -> int:
    """The largest difference of grey between two frames over the rows ``rows`` (of SMALL)."""
    width = SMALL[0]
    return max(abs(a[i] - b[i]) for row in rows for i in range(row * width, (row + 1) * width))


def test_a_title_card_is_as_long_as_its_lecture_and_the_same_from_start_to_end(tmp_path, font):
    clip = card(tmp_path, font, "first", "第1讲\n数据分类分级与重要数据保护", seconds=4)

    probe = clips.probe(clip, timeout=30)
    assert probe["duration"] == pytest.approx(4, abs=0.1)
    assert (probe["width"], probe["height"], probe["has_audio"]) == (*SIZE, True)
    start, end = frame(clip, 0.2), frame(clip, 3.6)
    assert len(start) == SMALL[0] * SMALL[1]
    # No time code counting and no bar growing: the last frame is the first one.
    assert biggest_change(start, end, range(SMALL[1])) < 40


def test_the_title_card_shows_its_lectures_title(tmp_path, font):
    one = frame(card(tmp_path, font, "one", "第1讲\n三部法律的体系与适用范围"), 1)
    other = frame(card(tmp_path, font, "other", "第2讲\n个人信息处理规则与法律责任"), 1)
    blank = frame(card(tmp_path, font, "blank", " "), 1)

    middle = range(int(SMALL[1] * 0.3), int(SMALL[1] * 0.58))
    top = range(0, int(SMALL[1] * 0.2))
    # The lecture's lines are drawn where the lecture goes, each lecture its own ...
    assert biggest_change(one, blank, middle) > 100
    assert biggest_change(one, other, middle) > 100
    # ... under the same course title.
    assert biggest_change(one, other, top) < 40
    assert biggest_change(one, blank, top) < 40
