"""Demo lesson media: which files are missing, making them with ffmpeg, recording them.

Rendering runs in worker threads and touches only files; the rows are written by the
caller's thread (``record``), as a session is not shared between threads.
"""
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from courses.media import storage
from courses.models import Video
from demo import clips

HEIGHT, WIDTH = 360, 640
LONG_SECONDS = 180  # from here on a clip is a still card at 1 fps, so it encodes quickly
FPS, LONG_FPS = 5, 1


class Settings(NamedTuple):
    media_root: Path
    font_file: str | None
    ffmpeg: str
    ffprobe: str


class ClipJob(NamedTuple):
    video_id: int
    title: str
    subtitle: str
    seconds: float
    background: str
    make_video: bool
    make_poster: bool
    lecturer: str = ""


class ClipResult(NamedTuple):
    job: ClipJob
    probe: dict | None
    error: str = ""


def missing(video: Video, root: Path) -> tuple[bool, bool]:
    """Whether the 360p rendition and the poster of ``video`` are missing from ``root``."""
    rendition = storage.resolve(storage.rendition_path(video.id, HEIGHT), root)
    poster = storage.resolve(storage.poster_path(video.id), root)
    return not rendition.is_file(), not poster.is_file()


def render_all(jobs: Iterable[ClipJob], settings: Settings,
               workers: int | None = None) -> Iterator[ClipResult]:
    """Render ``jobs`` on up to ``workers`` threads (default: the CPUs, at most 4), yielding each as it ends.

    The longest clips start first so the threads finish together. Clips of the same length
    share their sound (:class:`_Tones`).
    """
    jobs = sorted(jobs, key=lambda j: -j.seconds)
    if not jobs:
        return
    with tempfile.TemporaryDirectory(prefix="zhixin-demo-") as work:
        tones = _Tones(Path(work), settings.ffmpeg)
        pool = ThreadPoolExecutor(max_workers=workers or min(os.cpu_count() or 1, 4))
        try:
            futures = [pool.submit(_render_one, job, settings, tones) for job in jobs]
            for future in as_completed(futures):
                yield future.result()
        finally:  # on Ctrl-C, or when the caller stops early, start nothing more
            pool.shutdown(wait=True, cancel_futures=True)


class _Tones:
    """The slides' tone, encoded once per clip length and copied into every clip of that length.

    Per length, not one long tone cut to size: a stream copy cuts AAC at whole frames (64 ms),
    while a tone of the clip's own length keeps its exact end, so durations, and the credit
    computed from them, stay what they were. Thread-safe: the first thread to need a length makes it.
    """

    def __init__(self, work: Path, ffmpeg: str):
        self.work, self.ffmpeg, self.lock, self.made = work, ffmpeg, threading.Lock(), {}

    def get(self, seconds: float) -> Path | None:
        """The tone file of ``seconds``, or None when it cannot be made (the clip then makes its
        own sound, and reports the error if ffmpeg fails there too)."""
        with self.lock:
            entry = self.made.setdefault(seconds, [threading.Lock(), None, False])
        with entry[0]:
            if not entry[2]:
                path = self.work / f"tone-{seconds:.3f}.m4a"
                try:
                    clips.render_tone(path, seconds, timeout=120 + seconds / 20, ffmpeg=self.ffmpeg)
                    entry[1] = path
                except (clips.ClipError, OSError):
                    entry[1] = None
                entry[2] = True
            return entry[1]


def record(video: Video, result: ClipResult, root: Path) -> None:
    """Write a finished render into ``video`` (ready, or failed with the error); flushes nothing."""
    if result.error:
        video.status, video.error = "failed", result.error
        return
    probe = result.probe
    path = storage.rendition_path(video.id, HEIGHT)
    rendition = {"height": probe["height"], "width": probe["width"], "path": path,
                 "bytes": storage.resolve(path, root).stat().st_size}
    changes = {
        "renditions": [rendition], "poster_path": storage.poster_path(video.id),
        "duration_seconds": probe["duration"], "width": probe["width"], "height": probe["height"],
        "probe": {**probe, "source": "demo"}, "status": "ready", "progress": 100, "error": "",
    }
    for name, value in changes.items():
        if getattr(video, name) != value:  # an unchanged row keeps its updated_at
            setattr(video, name, value)


def _render_one(job: ClipJob, settings: Settings, tones: _Tones | None = None) -> ClipResult:
    root = settings.media_root
    video = storage.resolve(storage.rendition_path(job.video_id, HEIGHT), root)
    poster = storage.resolve(storage.poster_path(job.video_id), root)
    timeout = 120 + job.seconds / 5  # the 45-minute slide takes ~10 s; a stuck ffmpeg still ends
    try:
        if job.make_video:
            fps = LONG_FPS if job.seconds >= LONG_SECONDS else FPS
            with _replacing(video) as tmp:
                clips.render_slide_clip(tmp, title=job.title, subtitle=job.subtitle, seconds=job.seconds,
                                        fps=fps, size=(WIDTH, HEIGHT), font_file=settings.font_file,
                                        timeout=timeout, background=job.background, ffmpeg=settings.ffmpeg,
                                        tone_file=tones.get(job.seconds) if tones else None,
                                        lecturer=job.lecturer)
        probe = clips.probe(video, timeout=60, ffprobe=settings.ffprobe)
        if job.make_poster or job.make_video:
            with _replacing(poster) as tmp:
                clips.render_poster(video, tmp, at_seconds=min(2.0, probe["duration"] / 2),
                                    timeout=60, ffmpeg=settings.ffmpeg)
    except (clips.ClipError, OSError) as exc:
        return ClipResult(job, None, str(exc))
    return ClipResult(job, probe)


@contextmanager
def _replacing(target: Path) -> Iterator[Path]:
    """A temporary name next to ``target``, renamed over it only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{os.getpid()}-{target.name}")
    try:
        yield tmp
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)
