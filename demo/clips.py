"""Lecture-like clips made locally by ffmpeg: a title card, a poster frame, and a probe.

Plain functions with explicit inputs (binary names, timeouts); no Flask. Every external
program runs from an argument list with a timeout, and a failure raises :class:`ClipError`
carrying the last lines ffmpeg wrote to stderr.
"""
import json
import re
import subprocess
import tempfile
from pathlib import Path

FONT_FAMILY = "WenQuanYi Zen Hei"
FONT_PATHS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",)
_FOOT = 44  # height of the band at the foot of the card, in pixels at 640x360
_ACCENT = "0xf0b429"
FOOTER = "知新 · 公需科目在线学习"
_COLOUR = re.compile(r"0x[0-9a-fA-F]{6}|[a-z]+")  # it goes into the filter unescaped
_TONE = "sine=frequency=220:sample_rate=16000"
_AAC = ["-c:a", "aac", "-aac_coder", "fast", "-b:a", "32k", "-ac", "1"]


class ClipError(RuntimeError):
    """An ffmpeg or ffprobe run that failed, timed out, or produced something unusable."""


def find_cjk_font(timeout: float = 10) -> str | None:
    """The WenQuanYi Zen Hei font file (fonts-wqy-zenhei), or None when it is not installed.

    fc-match always answers with *some* font, so its family is checked: drawing Chinese
    with a Latin fallback font would show boxes.
    """
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{family}\n%{file}", FONT_FAMILY],
            capture_output=True, text=True, timeout=timeout, check=False,
        )
        family, _, path = found.stdout.partition("\n")
        if found.returncode == 0 and FONT_FAMILY in family and Path(path).is_file():
            return path
    except (OSError, subprocess.TimeoutExpired):
        pass
    return next((p for p in FONT_PATHS if Path(p).is_file()), None)


def render_slide_clip(out_path, *, title: str, subtitle: str, seconds: float, fps: int,
                      size: tuple[int, int], font_file: str | None, timeout: float,
                      background: str = "0x1f4e79", ffmpeg: str = "ffmpeg", tone_file=None,
                      lecturer: str = "") -> None:
    """Write an MP4 lecture title card of ``seconds`` to ``out_path``.

    H.264 (libx264, yuv420p, ``-tune stillimage``, a keyframe every 10 s) and a quiet
    220 Hz AAC tone, with ``+faststart``. The card is a cover, the same in every frame: the
    course ``title`` at the top, the lecture (``subtitle``) in the middle, "主讲：``lecturer``"
    under it (left out when empty) and the platform's name at the foot. It draws no clock and
    no progress bar: the real player shows those. ``font_file`` None draws no text at all
    (better than boxes when no CJK font is installed). ``size`` must be even in both directions.
    ``tone_file`` (from :func:`render_tone`, ``seconds`` long: a longer one would be cut at a
    whole AAC frame, up to 64 ms late) is copied in as the sound instead of encoding the same
    tone again, which was over a third of a clip's time.
    """
    width, height = size
    if width % 2 or height % 2:
        raise ValueError(f"yuv420p needs an even size, not {width}x{height}")
    if not (seconds > 0 and fps >= 1 and _COLOUR.fullmatch(background)):
        raise ValueError(f"bad clip: {seconds=} {fps=} {background=}")
    with tempfile.TemporaryDirectory(prefix="zhixin-clip-") as work:
        texts = _text_files(Path(work), title, subtitle, lecturer, width)
        graph = _card_graph(texts, font_file, width, with_tone=tone_file is None)
        sound = (["-f", "lavfi", "-i", _TONE] if tone_file is None else ["-i", str(tone_file)])
        audio = (["-map", "[a]", *_AAC] if tone_file is None else ["-map", "1:a", "-c:a", "copy"])
        args = [
            ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"color=c={background}:s={width}x{height}:r={fps}", *sound,
            "-filter_complex", graph, "-map", "[v]", *audio, "-t", f"{seconds:.3f}",
            "-c:v", "libx264", "-preset", "veryfast", "-tune", "stillimage", "-crf", "28",
            "-g", str(max(fps * 10, 1)), "-pix_fmt", "yuv420p",
            "-movflags", "+faststart", "-f", "mp4", str(out_path),
        ]
        _run(args, timeout)


def render_tone(out_path, seconds: float, timeout: float, ffmpeg: str = "ffmpeg") -> None:
    """Write the slides' quiet 220 Hz tone, ``seconds`` long, to ``out_path`` (AAC in MP4), for
    :func:`render_slide_clip`'s ``tone_file``: the sound every clip has, encoded once."""
    if not seconds > 0:
        raise ValueError(f"bad tone: {seconds=}")
    _run([
        ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", _TONE, "-af", "volume=0.03", "-t", f"{seconds:.3f}", *_AAC,
        "-f", "mp4", str(out_path),
    ], timeout)


def render_poster(video_path, out_path, at_seconds: float, timeout: float,
                  ffmpeg: str = "ffmpeg") -> None:
    """Write the frame at ``at_seconds`` of ``video_path`` to ``out_path`` as a JPEG."""
    _run([
        ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-ss", f"{max(at_seconds, 0):.3f}", "-i", str(video_path),
        "-frames:v", "1", "-q:v", "3", "-f", "image2", "-c:v", "mjpeg", str(out_path),
    ], timeout)
    if not Path(out_path).is_file() or Path(out_path).stat().st_size == 0:
        raise ClipError(f"ffmpeg wrote no poster frame at {at_seconds:.1f} s of {video_path}")


def probe(path, timeout: float, ffprobe: str = "ffprobe") -> dict:
    """``{"duration", "width", "height", "has_audio"}`` of a media file, read by ffprobe."""
    out = _run([
        ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path),
    ], timeout)
    try:
        info = json.loads(out)
        video = next(s for s in info["streams"] if s.get("codec_type") == "video")
        return {
            "duration": float(info["format"]["duration"]),
            "width": int(video["width"]),
            "height": int(video["height"]),
            "has_audio": any(s.get("codec_type") == "audio" for s in info["streams"]),
        }
    except (ValueError, KeyError, StopIteration) as exc:
        raise ClipError(f"ffprobe found no usable video stream in {path}: {exc!r}") from None


def filter_value(value: str) -> str:
    """``value`` escaped for a filter option inside a filtergraph (both levels of ffmpeg's quoting)."""
    for char in "\\':":
        value = value.replace(char, "\\" + char)
    for char in "\\'[],;":
        value = value.replace(char, "\\" + char)
    return value


def wrap(text: str, width_em: float) -> str:
    """``text`` broken into lines at most ``width_em`` wide; a CJK character is 1 em, ASCII ½.

    Line breaks already in ``text`` are kept; other runs of white space become one space.
    """
    lines = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0.0
        for char in " ".join(paragraph.split()):
            step = 0.5 if char.isascii() else 1.0
            if used + step > width_em and line:
                lines.append(line.rstrip())
                line, used = "", 0.0
            line, used = line + char, used + step
        lines.append(line.rstrip())
    return "\n".join(lines)


def _text_files(work: Path, title: str, subtitle: str, lecturer: str, width: int) -> dict[str, Path]:
    # Text goes through files so that ':' and quotes in titles never meet the filter syntax.
    scale = width / 640
    contents = {
        "course": wrap(title, (width - 80 * scale) / (20 * scale)),
        "lecture": wrap(subtitle, (width - 96 * scale) / (32 * scale)),
        "lecturer": f"主讲：{lecturer}" if lecturer.strip() else "",
        "footer": FOOTER,
    }
    paths = {}
    for name, text in contents.items():
        if text:
            paths[name] = work / f"{name}.txt"
            paths[name].write_text(text, encoding="utf-8")
    return paths


def _card_graph(texts: dict[str, Path], font_file: str | None, width: int, with_tone: bool = True) -> str:
    """The title card: a darker band at the foot, a short accent rule, and the texts; nothing
    in it depends on time, so every frame is the same (and encodes to almost nothing)."""
    scale = width / 640

    def px(value: float) -> int:
        return max(round(value * scale), 1)

    steps = [f"drawbox=x=0:y=ih-{px(_FOOT)}:w=iw:h={px(_FOOT)}:color=black@0.25:t=fill",
             f"drawbox=x=(iw-{px(48)})/2:y=ih*0.64:w={px(48)}:h={px(3)}:color={_ACCENT}:t=fill"]
    if font_file:
        font = filter_value(font_file)
        layout = {
            "course": f"fontsize={px(20)}:fontcolor=white@0.85:x={px(40)}:y={px(32)}:line_spacing={px(4)}",
            "lecture": f"fontsize={px(32)}:fontcolor=white:x=(w-text_w)/2:y=h*0.44-text_h/2:line_spacing={px(8)}",
            "lecturer": f"fontsize={px(20)}:fontcolor={_ACCENT}:x=(w-text_w)/2:y=h*0.64+{px(16)}",
            "footer": f"fontsize={px(14)}:fontcolor=white@0.7:x={px(40)}:y=h-({px(_FOOT)}+text_h)/2",
        }
        steps += [f"drawtext=fontfile={font}:textfile={filter_value(str(texts[name]))}:expansion=none:{options}"
                  for name, options in layout.items() if name in texts]
    graph = f"[0:v]{','.join(steps)}[v]"
    return graph + ";[1:a]volume=0.03[a]" if with_tone else graph


def _run(args: list[str], timeout: float) -> str:
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise ClipError(f"{Path(args[0]).name} took longer than {timeout:g} s") from None
    except OSError as exc:
        raise ClipError(f"cannot run {args[0]}: {exc}") from None
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise ClipError(f"{Path(args[0]).name} failed (exit {done.returncode}): {tail}")
    return done.stdout
