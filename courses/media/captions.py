"""WebVTT captions: validated before they are stored, stored where ``courses.media.storage`` says.

The check is deliberately small — what a browser needs to show the track, and what a
producer can fix from the message: the ``WEBVTT`` signature, UTF-8 text, well-formed cue
timings (``[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt [settings]``) with the end after the start,
and at least one cue. Every message names the line it is about.
"""
import os
import re
from pathlib import Path

from flask_babel import gettext as _

from courses.media import storage
from courses.models import Video

MAX_BYTES = 1024 * 1024
_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t]+.*)?$")
_SIGNATURE = re.compile(r"^WEBVTT(?:[ \t].*)?$")
# A cue timing written wrongly ("00:01 -> 00:02") is still meant as one: check it too.
_TIMING_LIKE = re.compile(r"-->|^\s*\d+:\d+.*->")


class CaptionsError(ValueError):
    """A file that is not usable WebVTT; ``str(error)`` is the Chinese message for the producer."""


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise CaptionsError(_("字幕文件不是 UTF-8 编码（第 %(line)s 行）。请用 UTF-8 另存后重新上传。",
                              line=line)) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _check_timing(line: str, number: int) -> None:
    match = _TIMING.match(line)
    if match is None:
        raise CaptionsError(_("第 %(line)s 行的时间轴格式不正确，应为“00:00:01.000 --> 00:00:04.000”。",
                              line=number))
    start, end = _seconds(*match.groups()[:4]), _seconds(*match.groups()[4:8])
    if end <= start:
        raise CaptionsError(_("第 %(line)s 行的结束时间应晚于开始时间。", line=number))


def validate(data: bytes) -> str:
    """The captions in ``data`` as normalised text (UTF-8 without BOM, ``\\n`` line ends).

    Raises ``CaptionsError`` when the file is too big, not UTF-8, lacks the ``WEBVTT``
    signature, has a malformed cue timing or one that ends before it starts, or has no cue.
    """
    if len(data) > MAX_BYTES:
        raise CaptionsError(_("字幕文件不能超过 1 MB。"))
    text = _decode(data)
    lines = text.split("\n")
    if not _SIGNATURE.match(lines[0]):
        raise CaptionsError(_("第 1 行应以“WEBVTT”开头，这不是 WebVTT 字幕文件。"))
    cues = 0
    for number, line in enumerate(lines[1:], start=2):
        if _TIMING_LIKE.search(line):
            _check_timing(line.strip(), number)
            cues += 1
    if cues == 0:
        raise CaptionsError(_("字幕文件中没有任何字幕条目。"))
    return text if text.endswith("\n") else text + "\n"


def store(video: Video, text: str) -> None:
    """Write validated ``text`` as ``video``'s captions and point the row at them (no commit).

    The file is written aside and moved into place, so a reader never sees half of it.
    """
    relative = storage.captions_path(video.id)
    path = storage.resolve(relative)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    video.captions_path = relative


def remove(video: Video) -> None:
    """Detach and delete ``video``'s captions (no commit)."""
    if video.captions_path:
        path: Path = storage.resolve(video.captions_path)
        path.unlink(missing_ok=True)
    video.captions_path = ""
