"""Renditions from a probed source: the ladder, the ffmpeg command, its progress, the checks.

Plain functions with explicit inputs; no Flask. ffmpeg always runs from an argument
list, reads its input through the same allow-lists as ffprobe (``probe.input_guard``)
with the demuxer ffprobe found (``-f``), and is killed when it overruns its timeout.

The ladder: a rendition "N p" is the source scaled to fit a box of N × 16/9·N pixels
turned the way the source is (portrait sources get portrait boxes, so the long side is
capped), never scaled up, each side rounded down to even. 360p is always made (at the
source's own size when that is smaller); 720p and 1080p only when the source does not
fit in the box below, so a 960×540 source gets 640×360 and 960×540, a 160×120 source
only 160×120, a 1080×1920 phone video 360×640, 720×1280 and 1080×1920.
"""
import json
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable
from fractions import Fraction
from math import floor
from pathlib import Path

from flask_babel import gettext as _

from courses.media.probe import MediaInfo, Refused, clock, input_guard, iso_boxes, run_ffprobe

TIERS = ((360, 640), (720, 1280), (1080, 1920))  # (short side, long side) of each box
MAX_FPS = 30
MIN_FPS = 5
KEYFRAME_SECONDS = 4  # a keyframe every 4 s keeps seeking quick in the player
AUDIO = ["-c:a", "aac", "-b:a", "128k", "-ac", "2", "-ar", "48000"]
SILENCE = "anullsrc=channel_layout=stereo:sample_rate=48000"
# Colour tags ffprobe may report that ffmpeg also accepts, per option; others count as unknown.
COLOURS = {
    "color_space": ("-colorspace", {"bt709", "bt470bg", "smpte170m", "smpte240m", "bt2020nc", "bt2020c"}),
    "color_primaries": ("-color_primaries", {"bt709", "bt470bg", "smpte170m", "smpte240m", "bt470m",
                                             "film", "bt2020"}),
    "color_transfer": ("-color_trc", {"bt709", "smpte170m", "bt470m", "bt470bg", "smpte240m",
                                      "iec61966-2-1", "bt2020-10", "bt2020-12", "smpte2084", "arib-std-b67"}),
}
TAIL_LINES = 30
NOISE = ("deprecated pixel format used",)  # swscale chatter on full-range input
# Wall-clock allowance: a fixed start-up, then per second of video per rendition. The
# measured speed is far above this (see README), so only a stuck ffmpeg meets it.
TIMEOUT_BASE = 120.0
TIMEOUT_PER_SECOND = 2.0

Size = tuple[int, int]


def fit(width: int, height: int, short: int, long: int) -> Size:
    """``width``×``height`` scaled into a ``short``×``long`` box turned like the frame,
    never enlarged; each side rounded down to even (``trunc(x/2)*2``), at least 2."""
    box_w, box_h = (long, short) if width >= height else (short, long)
    scale = min(Fraction(1), Fraction(box_w, width), Fraction(box_h, height))
    return max(2, floor(width * scale) // 2 * 2), max(2, floor(height * scale) // 2 * 2)


def ladder(width: int, height: int) -> list[Size]:
    """The renditions to make of a ``width``×``height`` source (see the module doc)."""
    sizes: list[Size] = []
    for position, (short, long) in enumerate(TIERS):
        if position and fit(width, height, *TIERS[position - 1]) == _even(width, height):
            break  # the source fitted in the box below: a bigger one would only upscale
        size = fit(width, height, short, long)
        if not sizes or size[1] != sizes[-1][1]:
            sizes.append(size)
    return sizes


def output_rate(rate: Fraction | None) -> Fraction:
    """The constant frame rate of the renditions: the source's real rate, halved until
    it is at most 30 (60 → 30, 50 → 25, 240 → 30), at least 5; 30 when unknown."""
    if not rate:
        return Fraction(MAX_FPS)
    while rate > MAX_FPS:
        rate /= 2
    return max(rate, Fraction(MIN_FPS))


def tolerance(seconds: float) -> float:
    """How far a rendition's real duration may be from the declared one."""
    return max(1.0, 0.02 * seconds)


def duration_cap(declared: float, max_seconds: float) -> float:
    """The ``-t`` of every rendition: past the declared duration by twice the tolerance,
    so a file that plays on longer than it declares is caught, and never past the limit."""
    return min(declared + 2 * tolerance(declared), max_seconds)


def timeout_for(seconds: float, renditions: int) -> float:
    return TIMEOUT_BASE + TIMEOUT_PER_SECOND * seconds * max(renditions, 1)


def colour_args(info: MediaInfo) -> list[str]:
    """Colour tags for the renditions: the source's where it states them, else what a
    player assumes of an untagged source of its size (BT.709 from 720 lines, else
    BT.601). Tagging also makes the limited range explicit in the stream."""
    video = info.summary.get("video") or {}
    guess = "bt709" if min(info.width, info.height) >= 720 else "smpte170m"
    args = []
    for key, (option, known) in COLOURS.items():
        args += [option, video.get(key) if video.get(key) in known else guess]
    return args


def command(ffmpeg: str, source: Path, info: MediaInfo, outputs: list[tuple[Size, Path]], *,
            preset: str, crf: int, cap: float) -> list[str]:
    """One ffmpeg run that decodes ``source`` once and writes every rendition.

    Video: the source's first real video stream (cover art skipped), displayed
    rotation applied by ffmpeg, made constant-rate, scaled to each size with limited
    range, H.264 High yuv420p. Audio: its first audio stream as AAC stereo 48 kHz, or
    generated silence cut to the video when it has none. No subtitles, data streams,
    chapters or metadata (uploaders' GPS locations stay private); moov first.
    """
    rate = output_rate(info.frame_rate)
    splits = "".join(f"[s{i}]" for i in range(len(outputs)))
    graph = [f"[0:{info.video_index}]fps={rate},split={len(outputs)}{splits}"]
    graph += [f"[s{i}]scale=w={w}:h={h}:out_range=tv,setsar=1,format=yuv420p[v{i}]"
              for i, ((w, h), _out) in enumerate(outputs)]
    args = [ffmpeg, "-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning", "-y",
            *input_guard(), "-f", info.demuxer, "-i", f"file:{source}"]
    silent = info.audio_index is None
    if silent:
        args += ["-f", "lavfi", "-i", SILENCE]
    args += ["-filter_complex", ";".join(graph), "-progress", "pipe:1"]
    video = ["-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-profile:v", "high",
             "-pix_fmt", "yuv420p", "-color_range", "tv", *colour_args(info),
             "-g", str(max(round(rate * KEYFRAME_SECONDS), 1))]
    for i, (_size, out) in enumerate(outputs):
        audio = ["-map", "1:a:0", "-shortest"] if silent else [
            "-map", f"0:{info.audio_index}", "-af", "aresample=async=1:first_pts=0"]
        args += ["-map", f"[v{i}]", *audio, *video, *AUDIO,
                 "-map_metadata", "-1", "-map_chapters", "-1", "-sn", "-dn",
                 "-max_muxing_queue_size", "4096", "-movflags", "+faststart",
                 "-t", f"{cap:.3f}", "-f", "mp4", f"file:{out}"]
    return args


def run_ffmpeg(args: list[str], *, timeout: float, expected_seconds: float,
               report: Callable[[float], None], interval: float = 2.0) -> list[str]:
    """Run ffmpeg (with ``-progress pipe:1``), calling ``report(fraction done)`` at most
    every ``interval`` seconds and once at the end; kill it after ``timeout`` seconds.

    Returns the last ``TAIL_LINES`` lines of its stderr. Raises ``Refused`` with code
    ``timeout`` or ``transcode_failed`` (and the tail in ``log_tail``), ``OSError`` when
    ffmpeg cannot be run at all (a fault of the server, not of the file). Whatever
    ``report`` raises stops ffmpeg and propagates.
    """
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, errors="replace")
    expired = threading.Event()
    timer = threading.Timer(timeout, lambda: (expired.set(), proc.kill()))
    reader = threading.Thread(target=_keep_tail, args=(proc.stderr, tail), daemon=True)
    with proc:
        timer.start()
        reader.start()
        try:
            _follow(proc.stdout, expected_seconds, report, interval)
            proc.wait()
        finally:
            timer.cancel()
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            reader.join(timeout=10)
    lines = list(tail)
    if expired.is_set():
        raise Refused("timeout", _("转码超时（超过 %(limit)s）并已停止。请稍后重试，或联系管理员。",
                                   limit=clock(timeout)), "\n".join(lines))
    if proc.returncode != 0:
        raise failed("\n".join(lines) or f"ffmpeg exited with {proc.returncode}")
    return lines


def failed(log_tail: str = "") -> Refused:
    return Refused("transcode_failed", _("转码失败：文件中的画面或声音无法解码，可能已损坏或使用了不支持的编码。"),
                   log_tail)


def _follow(stdout, expected: float, report: Callable[[float], None], interval: float) -> None:
    done, last = 0.0, None
    for line in stdout:
        key, _sep, value = line.strip().partition("=")
        if key == "out_time_us" and value.isdigit():
            done = int(value) / 1e6
        elif key == "progress":
            now = time.monotonic()
            if value == "end" or last is None or now - last >= interval:
                report(min(max(done / expected, 0.0), 1.0) if expected > 0 else 0.0)
                last = now


def _keep_tail(stream, tail: deque) -> None:
    for line in stream:
        line = line.rstrip()
        if line and not any(noise in line for noise in NOISE):
            tail.append(line[:500])


def make_poster(ffmpeg: str, rendition: Path, out: Path, *, video_seconds: float, timeout: float) -> None:
    """A JPEG of the frame at min(1 s, half the video) of a finished rendition, or at its
    very first frame if that wrote nothing; ``Refused`` if there is still no file."""
    for at in (min(1.0, video_seconds / 2), 0.0):
        _run([ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *input_guard(),
              "-ss", f"{at:.3f}", "-f", "mov", "-i", f"file:{rendition}", "-frames:v", "1",
              "-q:v", "3", "-f", "image2", "-c:v", "mjpeg", f"file:{out}"], timeout)
        if out.is_file() and out.stat().st_size > 0:
            return
    raise Refused("poster_failed", _("无法从视频中截取封面画面。"))


def extract_captions(ffmpeg: str, source: Path, info: MediaInfo, out: Path, *, timeout: float) -> bool:
    """Convert the source's text subtitle track to WebVTT at ``out``; False (and no file)
    when there is none or it could not be converted: captions are optional."""
    if info.subtitle_index is None:
        return False
    ok = _run([ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *input_guard(),
               "-f", info.demuxer, "-i", f"file:{source}", "-map", f"0:{info.subtitle_index}",
               "-c:s", "webvtt", "-f", "webvtt", f"file:{out}"], timeout)
    text = out.read_text(encoding="utf-8", errors="replace") if out.is_file() else ""
    if ok and text.startswith(("WEBVTT", "\ufeffWEBVTT")) and "-->" in text:
        return True
    out.unlink(missing_ok=True)
    return False


def verify(path: Path, size: Size, *, declared: float, rate: Fraction, ffprobe: str,
           timeout: float) -> float:
    """Check a finished rendition and return its real video duration in seconds.

    It must be H.264 yuv420p limited range at ``size`` with AAC stereo, moov before
    mdat, and last as long as declared (container duration, and frames counted over
    the frame rate) within ``tolerance``: otherwise ``Refused``.
    """
    found = run_ffprobe([ffprobe, "-v", "error", "-hide_banner", *input_guard(), "-count_packets",
                         "-show_format", "-show_streams", "-of", "json", f"file:{path}"], timeout)
    try:
        data = json.loads(found.stdout)
        streams = data["streams"]
        video = next(s for s in streams if s["codec_type"] == "video")
        audio = next(s for s in streams if s["codec_type"] == "audio")
        total = float(data["format"]["duration"])
        frames = int(video["nb_read_packets"])
    except (ValueError, KeyError, StopIteration):
        raise failed(f"unreadable rendition {path.name}: {found.stderr[-500:]}") from None
    shape = (video.get("codec_name"), video.get("pix_fmt"), video.get("color_range"),
             (video.get("width"), video.get("height")), audio.get("codec_name"), audio.get("channels"))
    if shape != ("h264", "yuv420p", "tv", size, "aac", 2) or not faststart(path):
        raise failed(f"rendition {path.name} is not as planned: {shape}")
    seconds = float(frames / rate)
    if max(abs(seconds - declared), abs(total - declared)) > tolerance(declared):
        raise Refused("duration_mismatch", _(
            "文件声明的时长（%(declared)s 秒）与实际画面（%(real)s 秒）不符，文件可能已损坏或被改动。",
            declared=round(declared, 1), real=round(seconds, 1)))
    return seconds


def faststart(path: Path) -> bool:
    """Whether the MP4 index (moov) comes before the media data (mdat)."""
    kinds = [box[0] for box in iso_boxes(path)]
    return b"moov" in kinds and b"mdat" in kinds and kinds.index(b"moov") < kinds.index(b"mdat")


def _even(width: int, height: int) -> Size:
    return max(2, width // 2 * 2), max(2, height // 2 * 2)


def _run(args: list[str], timeout: float) -> bool:
    try:
        return subprocess.run(args, capture_output=True, timeout=timeout, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False
