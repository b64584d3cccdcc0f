"""Shared helpers for the pipeline tests (no tests here): uploads, clips, ffprobe checks.

The checks read outputs with ffprobe and the file's bytes directly, not with the
pipeline's own verification, so a mistake there cannot hide here.
"""
import json
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from core.extensions import db
from courses.media.tasks import process_video
from courses.models import Video

SAMPLES = Path(__file__).resolve().parents[2] / ".." / "shared" / "samples"
ORG = "知新制作中心"


def sample(name: str) -> Path:
    path = SAMPLES / name
    if not SAMPLES.is_dir():
        pytest.skip(f"the shared samples folder is absent: {SAMPLES.resolve()}")
    return path


def add_upload(owner, source: Path, name: str | None = None, media_root: Path | None = None) -> Video:
    """A video as the upload side leaves it: processing, original in place, not yet started."""
    name = name or source.name
    video = Video(owner=owner, status="processing", original_filename=name, progress=0,
                  duration_seconds=0.0, width=0, height=0)
    db.session.add(video)
    db.session.flush()
    relative = f"originals/{video.id}/{name}"
    target = Path(media_root) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    video.original_path, video.original_size = relative, target.stat().st_size
    db.session.commit()
    return video


def process(video: Video) -> str:
    """Run the task body here and now, as a worker would; the row is re-read after."""
    outcome = process_video.call_local(video.id)
    db.session.expire_all()
    return outcome


def ffprobe(path: Path) -> dict:
    done = subprocess.run(["ffprobe", "-v", "error", "-count_packets", "-show_format", "-show_streams",
                           "-of", "json", str(path)], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)


def top_boxes(path: Path) -> list[bytes]:
    kinds, data = [], Path(path).read_bytes()
    offset = 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if size == 1:
            size = struct.unpack(">Q", data[offset + 8:offset + 16])[0]
        kinds.append(kind)
        if size < 8:
            break
        offset += size
    return kinds


def check_rendition(path: Path, *, duration: float, tolerance: float = 0.5) -> dict:
    """Assert ``path`` is what browsers play everywhere; return its video stream."""
    info = ffprobe(path)
    videos = [s for s in info["streams"] if s["codec_type"] == "video"]
    audios = [s for s in info["streams"] if s["codec_type"] == "audio"]
    assert len(videos) == 1 and len(audios) == 1, [s["codec_type"] for s in info["streams"]]
    video, audio = videos[0], audios[0]
    assert (video["codec_name"], video["profile"], video["pix_fmt"]) == ("h264", "High", "yuv420p")
    assert video["color_range"] == "tv"
    assert video["width"] % 2 == 0 and video["height"] % 2 == 0
    assert (audio["codec_name"], audio["channels"]) == ("aac", 2)
    assert abs(float(info["format"]["duration"]) - duration) <= tolerance, info["format"]["duration"]
    boxes = top_boxes(path)
    assert boxes.index(b"moov") < boxes.index(b"mdat"), boxes  # faststart
    tags = {k.lower() for k in info["format"].get("tags", {})}
    for stream in info["streams"]:
        tags |= {k.lower() for k in stream.get("tags", {})}
    assert not any("location" in tag for tag in tags), tags
    assert [s for s in info["streams"] if s["codec_type"] in ("subtitle", "data")] == []
    return video


def check_ready(video: Video, media_root: Path, *, duration: float, tolerance: float = 0.5) -> list[dict]:
    """A ready video: every rendition playable, a poster JPEG, nothing temporary left."""
    assert (video.status, video.error_code, video.progress) == ("ready", "", 100), (video.error, video.log_tail)
    assert video.renditions
    shapes = []
    for rendition in video.renditions:
        stream = check_rendition(media_root / rendition["path"], duration=duration, tolerance=tolerance)
        assert (stream["width"], stream["height"]) == (rendition["width"], rendition["height"])
        shapes.append(stream)
    poster = media_root / video.poster_path
    assert poster.read_bytes()[:3] == b"\xff\xd8\xff"
    assert leftovers(media_root) == []
    return shapes


def leftovers(media_root: Path) -> list[str]:
    return sorted(str(p.relative_to(media_root)) for p in media_root.rglob("*") if ".tmp" in p.name)


def made_files(media_root: Path, video: Video) -> list[str]:
    """Every file the pipeline could have made for ``video`` (originals excluded)."""
    found = []
    for folder in ("renditions", "posters", "captions"):
        base = media_root / folder
        if base.is_dir():
            found += [str(p.relative_to(media_root)) for p in base.rglob("*")
                      if p.is_file() and (str(video.id) in p.relative_to(base).parts[0].split("."))]
    return found


def make_clip(path: Path, *, size: str = "320x240", seconds: float = 2.0, rate: str = "25",
              audio: bool = True, video_filter: str = "", extra: tuple = ()) -> Path:
    """Generate a test clip with ffmpeg (a moving test pattern, a tone)."""
    args = ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc2=s={size}:r={rate}:d={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=44100:d={seconds}"]
    if video_filter:
        args += ["-vf", video_filter]
    args += [*extra, "-c:v", "libx264", "-preset", "ultrafast"]
    args += ["-c:a", "aac", "-shortest"] if audio else []
    subprocess.run([*args, str(path)], check=True, timeout=120, capture_output=True)
    return path

