"""WebVTT captions: what is accepted, and the message a producer gets for what is not."""
import pytest

from courses.media import captions, storage
from courses.media.captions import CaptionsError

GOOD = (
    "WEBVTT - 数字经济概论\n"
    "\n"
    "1\n"
    "00:00:00.000 --> 00:00:02.500\n"
    "欢迎学习本课程\n"
    "\n"
    "00:02.500 --> 00:05.000 align:start position:10%\n"
    "今天讲数字经济\n"
)


def test_a_good_file_passes_and_comes_back_normalised():
    data = ("\ufeff" + GOOD.replace("\n", "\r\n")).encode("utf-8")
    text = captions.validate(data)
    assert text.startswith("WEBVTT - 数字经济概论\n")
    assert "\r" not in text and "\ufeff" not in text
    assert "今天讲数字经济" in text


def test_hours_may_exceed_two_digits():
    assert captions.validate(b"WEBVTT\n\n100:00:00.000 --> 100:00:01.000\nlong\n")


@pytest.mark.parametrize("data", [
    b"",
    b"1\n00:00.000 --> 00:01.000\nhello\n",
    b"WEBVTTX\n\n00:00.000 --> 00:01.000\nhello\n",
    b"\nWEBVTT\n\n00:00.000 --> 00:01.000\nhello\n",
])
def test_the_webvtt_signature_is_required(data):
    with pytest.raises(CaptionsError, match="第 1 行应以“WEBVTT”开头"):
        captions.validate(data)


@pytest.mark.parametrize("timing", [
    "00:00:01 --> 00:00:02.000",      # no milliseconds
    "00:00:01.000 -> 00:00:02.000",   # not the arrow
    "00:00:01,000 --> 00:00:02,000",  # SRT commas
    "00:61.000 --> 00:62.000",        # minutes and seconds stop at 59
    "00:00:01.000 -->00:00:02.000",   # the arrow needs its spaces
    "abc --> def",
])
def test_a_malformed_timing_names_its_line(timing):
    data = f"WEBVTT\n\n00:00.000 --> 00:01.000\nfirst\n\n{timing}\nsecond\n".encode()
    with pytest.raises(CaptionsError, match="第 6 行的时间轴格式不正确"):
        captions.validate(data)


@pytest.mark.parametrize("timing", ["00:00:05.000 --> 00:00:04.000", "00:05.000 --> 00:05.000"])
def test_a_cue_must_end_after_it_starts(timing):
    with pytest.raises(CaptionsError, match="第 3 行的结束时间应晚于开始时间"):
        captions.validate(f"WEBVTT\n\n{timing}\ntext\n".encode())


def test_text_that_is_not_utf8_is_refused_with_its_line():
    data = "WEBVTT\n\n00:00.000 --> 00:01.000\n欢迎学习\n".encode("gbk")
    with pytest.raises(CaptionsError, match="不是 UTF-8 编码（第 4 行）"):
        captions.validate(data)


def test_a_file_over_one_megabyte_is_refused():
    cue = "00:00.000 --> 00:01.000\n" + "字" * 100 + "\n\n"
    data = ("WEBVTT\n\n" + cue * 4000).encode()
    assert len(data) > captions.MAX_BYTES
    with pytest.raises(CaptionsError, match="1 MB"):
        captions.validate(data)


def test_a_file_without_cues_is_refused():
    with pytest.raises(CaptionsError, match="没有任何字幕条目"):
        captions.validate(b"WEBVTT\n\nNOTE nothing here yet\n")


def test_store_writes_the_file_and_points_the_video_at_it(app, make_video):
    video = make_video()
    captions.store(video, captions.validate(GOOD.encode()))
    assert video.captions_path == storage.captions_path(video.id)
    assert storage.resolve(video.captions_path).read_text(encoding="utf-8") == GOOD
    captions.remove(video)
    assert video.captions_path == ""
    assert not storage.resolve(storage.captions_path(video.id)).exists()
