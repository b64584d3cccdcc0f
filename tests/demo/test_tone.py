"""Demo clips of one length share one encoded tone: each still has AAC sound exactly as long as its picture."""
import json
import subprocess

import pytest

from demo import clips

pytestmark = pytest.mark.slow


def streams(path) -> dict:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        capture_output=True, text=True, timeout=30, check=True,
    ).stdout
    return {s["codec_type"]: s for s in json.loads(out)["streams"]}


def test_a_clip_made_with_the_shared_tone_has_sound_as_long_as_its_picture(tmp_path):
    tone = tmp_path / "tone.m4a"
    clips.render_tone(tone, 3, timeout=60)
    out = tmp_path / "lesson.mp4"
    clips.render_slide_clip(out, title="应急管理", subtitle="第1讲", seconds=3, fps=2, size=(640, 360),
                            font_file=None, timeout=60, tone_file=tone)

    found = streams(out)
    assert found["video"]["codec_name"] == "h264" and found["audio"]["codec_name"] == "aac"
    assert float(found["video"]["duration"]) == float(found["audio"]["duration"]) == 3
    probe = clips.probe(out, timeout=30)
    assert probe["has_audio"] and probe["duration"] == 3  # the credit is computed from it


def test_a_tone_of_no_length_is_refused(tmp_path):
    with pytest.raises(ValueError):
        clips.render_tone(tmp_path / "tone.m4a", 0, timeout=60)
