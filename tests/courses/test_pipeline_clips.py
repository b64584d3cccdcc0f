"""Clips the tests make with ffmpeg, each setting one trap: portrait, rotated, no audio,
odd size, variable frame rate, very short, full HD (three renditions)."""
import subprocess

import pytest

from courses.media import transcode
from courses.media.probe import Refused
from tests.courses.test_pipeline_support import add_upload, check_ready, ffprobe, make_clip, process


def sizes(video) -> list[tuple[int, int]]:
    return [(r["width"], r["height"]) for r in video.renditions]


def test_native_portrait_clip_stays_portrait(producer, media_root, tmp_path):
    clip = make_clip(tmp_path / "portrait.mp4", size="720x1280", seconds=1)
    video = add_upload(producer, clip, media_root=media_root)
    assert process(video) == "ready"
    check_ready(video, media_root, duration=1.0)
    assert sizes(video) == [(360, 640), (720, 1280)]


def test_rotated_clip_is_turned_upright(producer, media_root, tmp_path):
    plain = make_clip(tmp_path / "plain.mp4", size="320x240", seconds=1)
    rotated = tmp_path / "rotated.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(plain), "-c", "copy", "-metadata:s:v:0", "rotate=90",
                    str(rotated)], check=True, timeout=60)
    video = add_upload(producer, rotated, media_root=media_root)
    assert process(video) == "ready"
    check_ready(video, media_root, duration=1.0)
    assert (video.width, video.height) == (240, 320)
    assert sizes(video) == [(240, 320)]


def test_clip_without_audio_gets_a_silent_stereo_track(producer, media_root, tmp_path):
    clip = make_clip(tmp_path / "mute.mp4", size="640x360", seconds=2, audio=False)
    video = add_upload(producer, clip, media_root=media_root)
    assert process(video) == "ready"
    check_ready(video, media_root, duration=2.0)
    loudness = subprocess.run(["ffmpeg", "-v", "info", "-i", str(media_root / video.renditions[0]["path"]),
                               "-map", "0:a", "-af", "volumedetect", "-f", "null", "-"],
                              capture_output=True, text=True, timeout=60).stderr
    assert "max_volume: -91" in loudness  # digital silence


def test_odd_sized_clip_is_rounded_down_to_even(producer, media_root, tmp_path):
    clip = make_clip(tmp_path / "odd.mkv", size="175x99", seconds=1, extra=("-pix_fmt", "yuv444p"))
    video = add_upload(producer, clip, media_root=media_root)
    assert process(video) == "ready"
    check_ready(video, media_root, duration=1.0)
    assert sizes(video) == [(174, 98)]


def test_variable_frame_rate_clip_comes_out_constant(producer, media_root, tmp_path):
    clip = make_clip(tmp_path / "vfr.mp4", size="320x240", rate="30", seconds=3,
                     video_filter="setpts='PTS+if(gt(N,20),0.5/TB,0)+if(gt(N,50),0.2/TB,0)'",
                     extra=("-fps_mode", "vfr"))
    source = ffprobe(clip)["streams"][0]
    assert source["r_frame_rate"] != source["avg_frame_rate"]  # really variable
    video = add_upload(producer, clip, media_root=media_root)
    assert process(video) == "ready"
    stream = check_ready(video, media_root, duration=float(ffprobe(clip)["format"]["duration"]), tolerance=0.2)[0]
    assert stream["r_frame_rate"] == stream["avg_frame_rate"] == "30/1"


def test_very_short_clip_gets_a_poster(producer, media_root, tmp_path):
    clip = make_clip(tmp_path / "blink.mp4", size="320x240", seconds=0.3)
    video = add_upload(producer, clip, media_root=media_root)
    assert process(video) == "ready"
    check_ready(video, media_root, duration=0.3, tolerance=0.1)
    assert (media_root / video.poster_path).stat().st_size > 1000


@pytest.mark.slow
def test_full_hd_clip_gets_three_renditions(producer, media_root, tmp_path):
    clip = make_clip(tmp_path / "hd.mp4", size="1920x1080", seconds=1)
    video = add_upload(producer, clip, media_root=media_root)
    assert process(video) == "ready"
    check_ready(video, media_root, duration=1.0)
    assert sizes(video) == [(640, 360), (1280, 720), (1920, 1080)]
    assert [r["path"] for r in video.renditions] == [f"renditions/{video.id}/{h}p.mp4" for h in (360, 720, 1080)]


def test_progress_is_reported_as_ffmpeg_advances(tmp_path):
    args = ["ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-y", "-f", "lavfi", "-i",
            "testsrc2=s=320x240:r=25:d=4", "-progress", "pipe:1", "-c:v", "libx264", "-preset", "ultrafast",
            "-f", "mp4", str(tmp_path / "out.mp4")]
    seen = []
    transcode.run_ffmpeg(args, timeout=120, expected_seconds=4.0, report=seen.append, interval=0)
    assert len(seen) >= 2 and seen == sorted(seen)
    assert seen[-1] == pytest.approx(1.0, abs=0.05)


def test_ffmpeg_that_overruns_its_timeout_is_killed(tmp_path):
    endless = ["ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-y", "-re", "-f", "lavfi", "-i",
               "testsrc2=s=320x240:r=25", "-progress", "pipe:1", "-f", "null", "-"]
    with pytest.raises(Refused) as refused:
        transcode.run_ffmpeg(endless, timeout=1, expected_seconds=10.0, report=lambda done: None)
    assert refused.value.code == "timeout" and "超时" in refused.value.message


def test_ffmpeg_failure_keeps_its_last_lines_for_staff(tmp_path):
    broken = ["ffmpeg", "-hide_banner", "-nostdin", "-nostats", "-y", "-f", "lavfi", "-i",
              "testsrc2=s=320x240:r=25:d=1", "-progress", "pipe:1", "-c:v", "no_such_encoder",
              str(tmp_path / "x.mp4")]
    with pytest.raises(Refused) as refused:
        transcode.run_ffmpeg(broken, timeout=60, expected_seconds=1.0, report=lambda done: None)
    assert refused.value.code == "transcode_failed"
    assert "no_such_encoder" in refused.value.log_tail
