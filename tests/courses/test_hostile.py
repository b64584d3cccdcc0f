"""Hostile and broken uploads: each is refused with its reason, nothing is left half made,
and the worker carries on (a good file processed after all of them still ends ready)."""
import struct
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.courses.test_pipeline_support import (
    add_upload,
    check_ready,
    leftovers,
    made_files,
    make_clip,
    process,
    sample,
)


def zero_bytes(folder: Path) -> Path:
    path = folder / "lecture.mp4"
    path.write_bytes(b"")
    return path


def text_named_mp4(folder: Path) -> Path:
    path = folder / "lecture.mp4"
    path.write_text("第一讲 讲稿：数字经济概论。这不是视频。\n" * 50, encoding="utf-8")
    return path


def png_named_mp4(folder: Path) -> Path:
    png = folder / "slide.png"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x240", "-frames:v", "1",
                    str(png)], check=True, timeout=60)
    return png.rename(folder / "slide.mp4")


def jpeg_in_a_mov(folder: Path) -> Path:
    path = folder / "photo.mov"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=320x240", "-frames:v", "1",
                    "-c:v", "mjpeg", str(path)], check=True, timeout=60)
    return path


def truncated_mp4(folder: Path) -> Path:
    data = sample("flower_h264_aac_faststart.mp4").read_bytes()
    path = folder / "cut.mp4"
    path.write_bytes(data[:len(data) // 2])  # an upload that stopped half way
    return path


def mp4_without_index(folder: Path) -> Path:
    data = sample("flower_h264_aac_faststart.mp4").read_bytes()
    offset, kept = 0, b""
    while offset < len(data):
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind != b"moov":
            kept += data[offset:offset + size]
        offset += size
    path = folder / "noindex.mp4"
    path.write_bytes(kept)
    return path


def zip_archive(folder: Path) -> Path:
    path = folder / "lecture.mp4"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("lecture.txt", "课件" * 1000)
    return path


def audio_with_cover_art(folder: Path) -> Path:
    png = png_named_mp4(folder).rename(folder / "cover.png")
    path = folder / "podcast.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=d=2", "-i", str(png), "-map", "0",
                    "-map", "1", "-c:a", "aac", "-c:v", "png", "-disposition:v:0", "attached_pic", str(path)],
                   check=True, timeout=60)
    return path


def too_large_frame(folder: Path) -> Path:
    return make_clip(folder / "wide.mp4", size="4100x16", seconds=0.5, audio=False)


def hls_playlist(folder: Path) -> Path:
    (folder / "segment.mp4").write_bytes(sample("flower_h264_aac_faststart.mp4").read_bytes())
    path = folder / "lecture.mp4"
    path.write_text("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXTINF:5.0,\nsegment.mp4\n"
                    "#EXT-X-ENDLIST\n")
    return path


def concat_script(folder: Path) -> Path:
    (folder / "segment.mp4").write_bytes(sample("flower_h264_aac_faststart.mp4").read_bytes())
    path = folder / "lecture.mp4"
    path.write_text("ffconcat version 1.0\nfile segment.mp4\n")
    return path


HOSTILE = {
    "zero bytes": (zero_bytes, "empty", "0 字节"),
    "a text file named .mp4": (text_named_mp4, "not_media", "无法识别为视频文件"),
    "a PNG named .mp4": (png_named_mp4, "image", "图片"),
    "one JPEG frame in a MOV": (jpeg_in_a_mov, "image", "图片"),
    "a truncated MP4": (truncated_mp4, "damaged", "损坏或不完整"),
    "an MP4 without its index": (mp4_without_index, "damaged", "损坏或不完整"),
    "a zip": (zip_archive, "not_media", "无法识别为视频文件"),
    "an audio file with cover art": (audio_with_cover_art, "no_video_stream", "没有视频画面"),
    "a too-large frame": (too_large_frame, "too_large_frame", "4100×16"),
    "an HLS playlist": (hls_playlist, "not_media", "无法识别为视频文件"),
    "a concat script": (concat_script, "not_media", "无法识别为视频文件"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_upload_is_refused_with_its_reason(kind, producer, media_root, tmp_path):
    make, code, words = HOSTILE[kind]
    folder = tmp_path / "in"
    folder.mkdir()
    video = add_upload(producer, make(folder), media_root=media_root)
    assert process(video) == code
    assert (video.status, video.error_code, video.progress) == ("failed", code, 0)
    assert words in video.error
    assert video.renditions == [] and video.poster_path == "" and video.captions_path == ""
    assert made_files(media_root, video) == [] and leftovers(media_root) == []


@pytest.mark.parametrize("make", [hls_playlist, concat_script])
def test_playlists_would_really_have_been_followed_without_the_allow_list(make, tmp_path):
    """The trap is real: plain ffprobe opens the playlist and reads the file it names."""
    playlist = make(tmp_path)
    found = subprocess.run(["ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                            str(playlist)], capture_output=True, text=True, timeout=60)
    assert "h264" in found.stdout


def test_longer_than_the_limit_is_refused(app, producer, media_root, tmp_path):
    app.config["MAX_VIDEO_SECONDS"] = 4
    video = add_upload(producer, sample("flower_h264_aac_faststart.mp4"), media_root=media_root)
    assert process(video) == "too_long"
    assert "0:00:06" in video.error and "0:00:04" in video.error
    assert made_files(media_root, video) == []


def _set_matroska_duration(path: Path, seconds: float) -> None:
    """Overwrite the declared duration (Segment Info, element 0x4489) of a Matroska file."""
    data = bytearray(path.read_bytes())
    at = data.index(b"\x44\x89\x88")
    scale_ms = 1000.0  # ffmpeg writes TimecodeScale 1 ms
    data[at + 3:at + 11] = struct.pack(">d", seconds * scale_ms)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("declared", [2.0, 20.0])
def test_a_lying_duration_is_caught_and_nothing_half_made_is_kept(declared, producer, media_root, tmp_path):
    clip = make_clip(tmp_path / "lie.mkv", size="320x240", seconds=6)
    _set_matroska_duration(clip, declared)
    assert f"{declared:.6f}" in subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(clip)],
        capture_output=True, text=True, timeout=60).stdout
    video = add_upload(producer, clip, media_root=media_root)
    # Renditions were written, then failed their check: none of them may stay.
    assert process(video) == "duration_mismatch"
    assert video.status == "failed" and "不符" in video.error
    assert made_files(media_root, video) == [] and leftovers(media_root) == []


def test_the_worker_stays_healthy_after_every_hostile_file(producer, media_root, tmp_path):
    for number, (make, code, _words) in enumerate(HOSTILE.values()):
        folder = tmp_path / str(number)
        folder.mkdir()
        assert process(add_upload(producer, make(folder), media_root=media_root)) == code
    video = add_upload(producer, sample("bear_vp9_odd_161x121_noaudio.webm"), media_root=media_root)
    assert process(video) == "ready"
    check_ready(video, media_root, duration=1.0)
