"""Lecture clips made by real ffmpeg, checked by real ffprobe."""
import json
import os
import struct
import subprocess

import pytest

from demo import clips

pytestmark = pytest.mark.slow


def ffprobe_streams(path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        capture_output=True, text=True, timeout=30, check=True,
    ).stdout
    return json.loads(out)


def top_level_atoms(path) -> list[str]:
    """The MP4 box types at the top level of the file, in order."""
    atoms = []
    with open(path, "rb") as fh:
        while header := fh.read(8):
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", fh.read(8))[0]
                fh.seek(size - 16, os.SEEK_CUR)
            else:
                assert size >= 8, f"bad atom size {size}"
                fh.seek(size - 8, os.SEEK_CUR)
            atoms.append(kind.decode("latin-1"))
    return atoms


@pytest.fixture(scope="module")
def font():
    found = clips.find_cjk_font()
    if found is None:
        pytest.skip("fonts-wqy-zenhei is not installed")
    return found


def test_slide_clip_is_a_faststart_h264_aac_mp4_with_chinese_text(tmp_path, font):
    out = tmp_path / "lesson.mp4"
    clips.render_slide_clip(out, title="网络安全法：总则与适用范围", subtitle="第1讲 它's 100% 合规: [要点]",
                            seconds=3, fps=10, size=(640, 360), font_file=font, timeout=60)

    info = ffprobe_streams(out)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    audio = [s for s in info["streams"] if s["codec_type"] == "audio"]
    assert video["codec_name"] == "h264"
    assert video["pix_fmt"] == "yuv420p"
    assert (video["width"], video["height"]) == (640, 360)
    assert video["width"] % 2 == 0 and video["height"] % 2 == 0
    assert [a["codec_name"] for a in audio] == ["aac"]
    assert float(info["format"]["duration"]) == pytest.approx(3, abs=0.15)
    atoms = top_level_atoms(out)
    assert atoms.index("moov") < atoms.index("mdat"), atoms


def test_poster_is_a_jpeg_frame_and_probe_reads_the_clip(tmp_path, font):
    video, poster = tmp_path / "lesson.mp4", tmp_path / "poster.jpg"
    clips.render_slide_clip(video, title="应急管理", subtitle="第2讲", seconds=3, fps=2,
                            size=(320, 180), font_file=font, timeout=60)
    clips.render_poster(video, poster, at_seconds=1.5, timeout=30)

    assert poster.read_bytes()[:3] == b"\xff\xd8\xff"
    jpeg = next(s for s in ffprobe_streams(poster)["streams"])
    assert (jpeg["codec_name"], jpeg["width"], jpeg["height"]) == ("mjpeg", 320, 180)
    probed = clips.probe(video, timeout=30)
    assert probed["duration"] == pytest.approx(3, abs=0.15)
    assert (probed["width"], probed["height"], probed["has_audio"]) == (320, 180, True)


def test_odd_characters_in_the_font_path_and_text_survive_the_filter_syntax(tmp_path, font):
    odd_dir = tmp_path / "it's [a], b; c:d"
    odd_dir.mkdir()
    (odd_dir / "font.ttc").symlink_to(font)
    out = tmp_path / "odd.mp4"

    clips.render_slide_clip(out, title="标题: 'quoted' \\ back, [x]; %{pts}", subtitle="副标题:%",
                            seconds=1, fps=5, size=(320, 180), font_file=str(odd_dir / "font.ttc"),
                            timeout=60)

    assert clips.probe(out, timeout=30)["duration"] == pytest.approx(1, abs=0.15)


def test_without_a_cjk_font_the_clip_is_made_without_text(tmp_path):
    out = tmp_path / "plain.mp4"
    clips.render_slide_clip(out, title="数字技术", subtitle="第1讲", seconds=1, fps=5,
                            size=(320, 180), font_file=None, timeout=60)
    assert clips.probe(out, timeout=30)["has_audio"] is True


@pytest.mark.parametrize("changes, message", [
    ({"size": (321, 180)}, "even"),
    ({"seconds": 0}, "bad clip"),
    ({"background": "red:s=1x1"}, "bad clip"),
])
def test_bad_arguments_are_refused_before_ffmpeg_runs(tmp_path, changes, message):
    arguments = {"title": "t", "subtitle": "s", "seconds": 1, "fps": 5, "size": (320, 180),
                 "font_file": None, "timeout": 60, **changes}
    with pytest.raises(ValueError, match=message):
        clips.render_slide_clip(tmp_path / "x.mp4", **arguments)
    assert not (tmp_path / "x.mp4").exists()


def test_failures_carry_ffmpegs_own_words(tmp_path):
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"this is not a video")
    with pytest.raises(clips.ClipError, match="(?s)ffprobe failed .*Invalid data"):
        clips.probe(broken, timeout=30)
    with pytest.raises(clips.ClipError, match="ffmpeg failed"):
        clips.render_poster(broken, tmp_path / "p.jpg", at_seconds=0, timeout=30)
    with pytest.raises(clips.ClipError, match="cannot run"):
        clips.probe(broken, timeout=30, ffprobe=str(tmp_path / "no-such-ffprobe"))


@pytest.mark.parametrize("text, width, expected", [
    ("数字中国建设整体布局", 4, "数字中国\n建设整体\n布局"),
    ("AI 与 数据", 3, "AI 与\n数据"),
    ("第1讲\n数字  中国", 10, "第1讲\n数字 中国"),
])
def test_wrap_counts_chinese_as_one_em_and_latin_as_half(text, width, expected):
    assert clips.wrap(text, width) == expected


def test_filter_value_escapes_both_levels():
    assert clips.filter_value("/a:b/c'd,e") == "/a\\\\:b/c\\\\\\'d\\,e"
