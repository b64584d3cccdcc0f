"""A video's way from original to renditions: claiming the job, the work, the outcome.

Row changes here only flush; the task (``courses.media.tasks``) commits. Every write a
worker makes while processing is conditional on its claim — the ``attempts`` number it
got from ``claim`` — so when a job presumed dead is taken over, the old worker's late
writes change nothing and it stops at its next heartbeat.

Files: each rendition, the poster and the captions are written to a temporary name
beside their final place (``.<name>.<token>.tmp``), verified, and moved into place
with ``os.replace`` only when all of them are ready. A refused or failed job leaves
nothing behind: its temporary files are removed, and so is anything an earlier,
interrupted attempt had put in place.
"""
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select, update

from core.extensions import db
from courses.media import probe, storage, transcode
from courses.media.probe import Refused
from courses.models import Video

MAX_ATTEMPTS = 3  # starts of a job whose worker died, before it is given up
PROBE_TIMEOUT = 120.0
STEP_TIMEOUT = 600.0  # poster, captions, checks of one rendition


class ClaimLost(Exception):
    """Another worker has taken the job over (this one was presumed dead)."""


@dataclass(frozen=True)
class Settings:
    media_root: Path
    ffmpeg: str
    ffprobe: str
    preset: str
    crf: int
    max_dimension: int
    max_seconds: float
    stale_minutes: float

    @classmethod
    def from_config(cls, config) -> "Settings":
        return cls(Path(config["MEDIA_ROOT"]), config["FFMPEG"], config["FFPROBE"],
                   config["TRANSCODE_PRESET"], int(config["TRANSCODE_CRF"]),
                   int(config["MAX_VIDEO_DIMENSION"]), float(config["MAX_VIDEO_SECONDS"]),
                   float(config["TRANSCODE_STALE_MINUTES"]))


@dataclass(frozen=True)
class Product:
    """What a finished job made; paths are relative to ``MEDIA_ROOT``."""

    renditions: list[dict]
    poster_path: str
    captions_path: str
    duration_seconds: float
    width: int
    height: int
    summary: dict


def _stale(now: datetime, stale_minutes: float):
    """SQL: a processing job silent since before ``now - stale_minutes`` — its last
    heartbeat, or, for one no worker has started, its last update (when it was queued)."""
    cutoff = now - timedelta(minutes=stale_minutes)
    return and_(Video.status == "processing", or_(
        and_(Video.heartbeat_at.is_not(None), Video.heartbeat_at < cutoff),
        and_(Video.heartbeat_at.is_(None), Video.updated_at < cutoff),
    ))


def stale_video_ids(now: datetime, stale_minutes: float) -> list[int]:
    """Ids of the processing jobs silent for longer than ``stale_minutes`` at ``now``."""
    return list(db.session.scalars(select(Video.id).where(_stale(now, stale_minutes)).order_by(Video.id)))


def sweep(now: datetime, stale_minutes: float, media_root: Path,
          max_attempts: int = MAX_ATTEMPTS) -> list[int]:
    """Deal with the stale jobs: give up (failed, ``stalled``) those started
    ``max_attempts`` times already, mark the others queued again (heartbeat cleared,
    ``updated_at = now``, so they are not re-queued again for ``stale_minutes``).
    Returns the ids to enqueue. Each change is conditional on the job still being
    stale, so a worker that wakes up meanwhile keeps its job."""
    requeue = []
    for video_id in stale_video_ids(now, stale_minutes):
        still = and_(Video.id == video_id, _stale(now, stale_minutes))
        error = _("处理多次中断（已尝试 %(n)s 次），已停止。请点击“重试”，或联系管理员。", n=max_attempts)
        gave_up = _update(and_(still, Video.attempts >= max_attempts), status="failed", progress=0,
                          error_code="stalled", error=error,
                          renditions=[], poster_path="", heartbeat_at=None, updated_at=now)
        if gave_up:
            discard(video_id, media_root, keep_captions=_has_captions(video_id))
        elif _update(and_(still, Video.attempts < max_attempts), heartbeat_at=None, updated_at=now):
            requeue.append(video_id)
    return requeue


def claim(video_id: int, now: datetime, stale_minutes: float) -> int | None:
    """Take the job of ``video_id`` for this worker, or None when it is not to be had (not
    processing, or another worker's heartbeat is fresh). The claim is an UPDATE that
    only one worker can win; it returns the job's attempt number, the claim's token."""
    cutoff = now - timedelta(minutes=stale_minutes)
    won = _update(and_(Video.id == video_id, Video.status == "processing",
                       or_(Video.heartbeat_at.is_(None), Video.heartbeat_at < cutoff)),
                  attempts=Video.attempts + 1, heartbeat_at=now, progress=0, updated_at=now)
    return db.session.scalar(select(Video.attempts).where(Video.id == video_id)) if won else None


def beat(video_id: int, token: int, progress: int, now: datetime) -> bool:
    """Record progress and liveness; False when the claim was lost."""
    return _update(_claimed(video_id, token), progress=max(0, min(progress, 99)), heartbeat_at=now)


def finish(video_id: int, token: int, product: Product, now: datetime) -> bool:
    """Mark the job ready with what it made; False (and nothing changed) if the claim was lost."""
    captions = db.session.scalar(select(Video.captions_path).where(Video.id == video_id))
    return _update(_claimed(video_id, token), status="ready", progress=100, error_code="", error="",
                   log_tail="", heartbeat_at=now, renditions=product.renditions,
                   poster_path=product.poster_path, captions_path=captions or product.captions_path,
                   duration_seconds=product.duration_seconds, width=product.width,
                   height=product.height, probe=product.summary)


def fail(video_id: int, token: int, refused: Refused, now: datetime, media_root: Path) -> bool:
    """Mark the job failed with its reason and remove whatever it made; False (and
    nothing touched) if the claim was lost."""
    done = _update(_claimed(video_id, token), status="failed", progress=0, error_code=refused.code[:32],
                   error=refused.message, log_tail=refused.log_tail, heartbeat_at=now,
                   renditions=[], poster_path="")
    if done:
        discard(video_id, media_root, keep_captions=_has_captions(video_id))
    return done


def retry(video: Video, now: datetime) -> None:
    """Put a failed video back to processing, as new: progress, reason, ffmpeg lines and
    attempt count cleared (a person decided to try again; the audit log keeps the
    history). Flushes; the caller commits, then enqueues ``process_video``."""
    if video.status != "failed":
        raise ValueError(f"video {video.id} is {video.status}, not failed")
    video.status, video.progress, video.attempts = "processing", 0, 0
    video.error_code = video.error = video.log_tail = ""
    video.heartbeat_at, video.updated_at = None, now
    db.session.flush()


def original_of(video: Video, media_root: Path) -> Path:
    """The uploaded file of ``video``, or ``Refused`` when it is gone."""
    try:
        path = storage.resolve(video.original_path, media_root) if video.original_path else None
    except storage.UnsafePath:
        path = None
    if path is None or not path.is_file():
        raise Refused("missing_original", _("找不到上传的原始文件，请重新上传。"))
    return path


def produce(video_id: int, original: Path, settings: Settings, report: Callable[[int], None],
            *, extract_captions: bool = True) -> Product:
    """Probe ``original`` and make every rendition, the poster and (when
    ``extract_captions`` and the source has a text subtitle track) the captions of
    ``video_id``, moved into place only once all are verified. ``report(percent)`` is
    called as work advances (it may raise ``ClaimLost`` to stop). Raises ``Refused``;
    on any exception, every temporary file is removed."""
    staged: list[tuple[Path, Path]] = []
    token = secrets.token_hex(6)
    for leftover in _temporaries(video_id, settings.media_root):
        leftover.unlink(missing_ok=True)  # of a worker that died: its job is this one now
    try:
        with tempfile.TemporaryDirectory(prefix="zhixin-job-") as work:
            link = probe.source_link(original, Path(work))
            info = probe.probe(link, ffprobe=settings.ffprobe, timeout=PROBE_TIMEOUT,
                               max_dimension=settings.max_dimension, max_seconds=settings.max_seconds)
            report(1)
            sizes = transcode.ladder(info.width, info.height)
            outputs = [(size, _stage(settings.media_root, storage.rendition_path(video_id, size[1]),
                                     token, staged)) for size in sizes]
            seconds = _encode(link, info, outputs, settings, report)
            poster = _stage(settings.media_root, storage.poster_path(video_id), token, staged)
            transcode.make_poster(settings.ffmpeg, outputs[min(1, len(outputs) - 1)][1], poster,
                                  video_seconds=seconds, timeout=STEP_TIMEOUT)
            captions = _stage(settings.media_root, storage.captions_path(video_id), token, staged)
            has_captions = extract_captions and transcode.extract_captions(
                settings.ffmpeg, link, info, captions, timeout=STEP_TIMEOUT)
        report(98)
        for temporary, final in staged:
            if temporary.exists():
                os.replace(temporary, final)
    except BaseException:
        for temporary, _final in staged:
            temporary.unlink(missing_ok=True)
        raise
    renditions = []
    for width, height in sizes:
        relative = storage.rendition_path(video_id, height)
        renditions.append({"height": height, "width": width, "path": relative,
                           "bytes": storage.resolve(relative, settings.media_root).stat().st_size})
    return Product(renditions, storage.poster_path(video_id),
                   storage.captions_path(video_id) if has_captions else "",
                   round(seconds, 3), info.width, info.height, info.summary)


def _encode(link: Path, info: probe.MediaInfo, outputs: list, settings: Settings,
            report: Callable[[int], None]) -> float:
    """Run the one ffmpeg that writes every rendition, then check each; the real
    video duration in seconds."""
    cap = transcode.duration_cap(info.duration, settings.max_seconds)
    args = transcode.command(settings.ffmpeg, link, info, outputs, preset=settings.preset,
                             crf=settings.crf, cap=cap)
    transcode.run_ffmpeg(args, timeout=transcode.timeout_for(cap, len(outputs)),
                         expected_seconds=min(info.duration, cap),
                         report=lambda done: report(1 + int(done * 90)))
    rate = transcode.output_rate(info.frame_rate)
    seconds = [transcode.verify(path, size, declared=info.duration, rate=rate,
                                ffprobe=settings.ffprobe, timeout=STEP_TIMEOUT)
               for size, path in outputs]
    report(93)
    return min(seconds)


def discard(video_id: int, media_root: Path, *, keep_captions: bool = False) -> None:
    """Remove every file a job for ``video_id`` makes (renditions, poster, extracted
    captions unless ``keep_captions``: the row names captions someone attached) and
    their temporary files."""
    for path in _temporaries(video_id, media_root):
        path.unlink(missing_ok=True)
    shutil.rmtree(storage.resolve(f"renditions/{video_id}", media_root), ignore_errors=True)
    storage.resolve(storage.poster_path(video_id), media_root).unlink(missing_ok=True)
    if not keep_captions:
        storage.resolve(storage.captions_path(video_id), media_root).unlink(missing_ok=True)


def _temporaries(video_id: int, media_root: Path) -> list[Path]:
    """The temporary files of any job for ``video_id`` (see ``_stage``)."""
    renditions = storage.resolve(f"renditions/{video_id}", media_root)
    found = list(renditions.glob(".*.tmp")) if renditions.is_dir() else []
    for relative in (storage.poster_path(video_id), storage.captions_path(video_id)):
        final = storage.resolve(relative, media_root)
        found += final.parent.glob(f".{final.name}.*.tmp")
    return found


def _stage(media_root: Path, relative: str, token: str, staged: list) -> Path:
    final = storage.resolve(relative, media_root)
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".{final.name}.{token}.tmp")
    staged.append((temporary, final))
    return temporary


def _has_captions(video_id: int) -> bool:
    return bool(db.session.scalar(select(Video.captions_path).where(Video.id == video_id)))


def _claimed(video_id: int, token: int):
    return and_(Video.id == video_id, Video.attempts == token, Video.status == "processing")


def _update(condition, **values) -> bool:
    """One conditional UPDATE of a video row; whether it matched."""
    result = db.session.execute(update(Video).where(condition).values(**values)
                                .execution_options(synchronize_session=False))
    db.session.expire_all()
    return result.rowcount == 1
