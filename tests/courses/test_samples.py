"""Every real-world sample in ../shared/samples goes through the pipeline (see SOURCES.md there).

Each ends ready and playable — H.264 High yuv420p limited range, AAC stereo, even
sizes, faststart, no GPS tag, duration as declared — except the audio-only file,
refused with its reason. The traps each sample sets are checked where it sets them.
"""
import pytest

from tests.courses.test_pipeline_support import add_upload, check_ready, ffprobe, made_files, process, sample

# name → (renditions as (width, height), declared duration)
READY = {
    "flower_h264_aac_faststart.mp4": ([(640, 360), (960, 540)], 5.055),
    "flower_vp8_vorbis.webm": ([(640, 360), (960, 540)], 5.059),
    "timestamps_320x240_moov_at_end.mp4": ([(320, 240)], 15.537),
    "taglib_theora_vorbis_160x120.ogv": ([(160, 120)], 5.933),
    "bear_vp9_odd_161x121_noaudio.webm": ([(160, 120)], 1.001),
    "h264_video_only_no_audio.mp4": ([(540, 360), (1080, 720)], 1.001),
    "phone_portrait_4k60_rotated.mp4": ([(360, 640), (720, 1280), (1080, 1920)], 0.313),
    "android_slow_motion_vfr.mp4": ([(640, 360), (1280, 720)], 0.526),
    "h264_ac3_srt_subtitles.mkv": ([(540, 360), (1080, 720)], 1.234),
}
SLOW = {"phone_portrait_4k60_rotated.mp4", "timestamps_320x240_moov_at_end.mp4",
        "flower_h264_aac_faststart.mp4", "flower_vp8_vorbis.webm"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in READY])
def test_sample_becomes_ready_and_playable(name, producer, media_root):
    sizes, declared = READY[name]
    video = add_upload(producer, sample(name), media_root=media_root)
    assert process(video) == "ready"
    streams = check_ready(video, media_root, duration=declared, tolerance=0.35)
    assert [(s["width"], s["height"]) for s in streams] == sizes  # never upscaled, always even
    assert [(r["width"], r["height"]) for r in video.renditions] == sizes
    assert all(r["path"] == f"renditions/{video.id}/{r['height']}p.mp4" for r in video.renditions)
    assert abs(video.duration_seconds - declared) < 0.35
    # The source's displayed size (rotation applied) is what the row says.
    assert (video.width > video.height) == (sizes[-1][0] > sizes[-1][1])
    assert video.probe["container"] in ("mov", "matroska", "ogg")
    assert "location" not in str(video.probe)


def test_portrait_phone_video_stays_portrait_and_caps_the_long_side(producer, media_root):
    video = add_upload(producer, sample("phone_portrait_4k60_rotated.mp4"), media_root=media_root)
    assert process(video) == "ready"
    assert (video.width, video.height) == (2160, 3840)
    for rendition in video.renditions:
        stream = ffprobe(media_root / rendition["path"])["streams"][0]
        assert stream["height"] > stream["width"]
        # No display matrix left to rotate it again: the pixels are upright.
        assert not any("rotation" in side for side in stream.get("side_data_list", []))
        # 60 fps in, at most 30 out.
        assert eval(stream["avg_frame_rate"]) <= 30.01
    poster = ffprobe(media_root / video.poster_path)["streams"][0]
    assert poster["height"] > poster["width"]


def test_full_range_source_becomes_limited_range(producer, media_root):
    source = sample("timestamps_320x240_moov_at_end.mp4")
    assert ffprobe(source)["streams"][0]["color_range"] == "pc"
    video = add_upload(producer, source, media_root=media_root)
    assert process(video) == "ready"
    stream = ffprobe(media_root / video.renditions[0]["path"])["streams"][0]
    assert (stream["pix_fmt"], stream["color_range"]) == ("yuv420p", "tv")


def test_gps_location_of_the_original_is_not_in_any_output(producer, media_root):
    source = sample("h264_video_only_no_audio.mp4")
    assert "location" in ffprobe(source)["format"]["tags"]  # the trap is really there
    video = add_upload(producer, source, media_root=media_root)
    assert process(video) == "ready"
    for rendition in video.renditions:
        data = (media_root / rendition["path"]).read_bytes()
        assert b"+40.6800-074.5000" not in data


def test_silent_track_is_added_when_the_source_has_no_audio(producer, media_root):
    video = add_upload(producer, sample("bear_vp9_odd_161x121_noaudio.webm"), media_root=media_root)
    assert process(video) == "ready"
    info = ffprobe(media_root / video.renditions[0]["path"])
    audio = next(s for s in info["streams"] if s["codec_type"] == "audio")
    video_stream = next(s for s in info["streams"] if s["codec_type"] == "video")
    # The generated silence ends with the picture, not at the cap.
    assert abs(float(audio["duration"]) - float(video_stream["duration"])) < 0.1


def test_slow_motion_vfr_clip_is_made_constant_rate(producer, media_root):
    video = add_upload(producer, sample("android_slow_motion_vfr.mp4"), media_root=media_root)
    assert process(video) == "ready"
    stream = ffprobe(media_root / video.renditions[0]["path"])["streams"][0]
    assert stream["r_frame_rate"] == stream["avg_frame_rate"] == "30/1"
    # The 0.325 s pause at the start is filled, not skipped: frames cover the whole clip.
    assert int(stream["nb_read_packets"]) >= 15


def test_text_subtitles_become_webvtt_captions(producer, media_root):
    video = add_upload(producer, sample("h264_ac3_srt_subtitles.mkv"), media_root=media_root)
    assert process(video) == "ready"
    assert video.captions_path == f"captions/{video.id}.vtt"
    text = (media_root / video.captions_path).read_text(encoding="utf-8")
    assert text.startswith("WEBVTT")
    assert "00:00.000 --> 00:01.234" in text and "This is the first subtitle." in text


def test_audio_only_file_is_refused_with_its_reason(producer, media_root):
    video = add_upload(producer, sample("aac_audio_only.mp4"), media_root=media_root)
    assert process(video) == "no_video_stream"
    assert (video.status, video.error_code, video.progress) == ("failed", "no_video_stream", 0)
    assert "没有视频画面" in video.error
    assert video.renditions == [] and video.poster_path == ""
    assert made_files(media_root, video) == []
