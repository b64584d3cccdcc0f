"""What an uploaded file really is: ffprobe behind a demuxer allow-list, and the refusals.

Plain functions with explicit inputs (program names, limits, timeouts); no Flask.
The file is judged by its content: ffprobe reads it through an extension-less link
(``source_link``) and may open it only with the demuxers in ``DEMUXERS``, so images,
playlists (HLS), concat scripts and the like are never interpreted, and never make it
read another file. ``-protocol_whitelist file`` keeps it off the network.

ffmpeg-python 0.2.0's ``ffmpeg.probe`` runs ffprobe with no timeout (a hostile file
could hold a worker forever), so ``probe`` runs ffprobe itself, with the same
``-show_format -show_streams -of json`` arguments plus the allow-lists and a timeout.
"""
import itertools
import json
import os
import statistics
import struct
import subprocess
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path

from flask_babel import gettext as _

# Real media containers only, by demuxer name (mov is "mov,mp4,m4a,3gp,3g2,mj2").
DEMUXERS = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,ogg,avi,flv,mpegts,mpeg,asf"
# Still-image codecs: one such frame in a container is a picture, not a lecture.
IMAGE_CODECS = frozenset({"png", "mjpeg", "jpeg2000", "bmp", "gif", "webp", "tiff", "jpegls", "apng"})
TEXT_SUBTITLES = frozenset({"subrip", "srt", "ass", "ssa", "webvtt", "mov_text", "text"})
# ISO BMFF brands of still images (HEIF/AVIF photos), which the mov demuxer would open.
IMAGE_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"})
ISO_TOP_BOXES = frozenset({b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid",
                           b"styp", b"sidx", b"moof", b"meta"})
COLOUR_KEYS = ("color_range", "color_space", "color_primaries", "color_transfer")
RATE_PACKETS = 240  # packets read to measure the real frame rate


class Refused(Exception):
    """A file the pipeline will not (or could not) turn into renditions.

    ``code`` is the machine code (``Video.error_code``), ``message`` the reason shown
    to the producer, in Chinese, ``log_tail`` what ffmpeg said (for staff only).
    """

    def __init__(self, code: str, message: str, log_tail: str = ""):
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.log_tail = code, message, log_tail


@dataclass(frozen=True)
class MediaInfo:
    """The facts the transcode relies on. ``width``/``height`` are the displayed size
    (rotation and pixel aspect applied); ``duration`` is what the container declares."""

    demuxer: str
    duration: float
    width: int
    height: int
    video_index: int
    audio_index: int | None
    subtitle_index: int | None
    frame_rate: Fraction | None = None
    summary: dict = field(default_factory=dict)


def refuse_empty() -> Refused:
    return Refused("empty", _("文件是空的（0 字节），请重新上传。"))


def refuse_not_media() -> Refused:
    return Refused("not_media", _("无法识别为视频文件。请上传常见格式的视频，如 MP4、MOV、MKV、WebM。"))


def refuse_image() -> Refused:
    return Refused("image", _("这是一张图片，不是视频。请上传视频文件。"))


def refuse_damaged() -> Refused:
    return Refused("damaged", _("文件已损坏或不完整（例如上传中断、缺少索引），无法读取。请检查原文件后重新上传。"))


def refuse_no_video() -> Refused:
    return Refused("no_video_stream", _("文件中没有视频画面（可能是纯音频文件）。请上传包含视频画面的文件。"))


def source_link(original: Path, workdir: Path) -> Path:
    """A link to ``original`` named without any extension, so no program guesses by name."""
    link = workdir / "source"
    os.symlink(Path(original).resolve(), link)
    return link


def probe(path: Path, *, ffprobe: str, timeout: float, max_dimension: int,
          max_seconds: float) -> MediaInfo:
    """Probe ``path`` (an extension-less link, see ``source_link``) or raise ``Refused``."""
    size = Path(path).stat().st_size
    if size == 0:
        raise refuse_empty()
    with open(path, "rb") as fh:
        head = fh.read(512)
    kind = sniff(head)
    if kind == "image" or (kind == "iso" and iso_brand(head) in IMAGE_BRANDS):
        raise refuse_image()
    if kind == "iso" and iso_truncated(path):
        raise refuse_damaged()
    found = run_ffprobe([ffprobe, "-v", "error", "-hide_banner", *input_guard(),
                         "-show_format", "-show_streams", "-of", "json", f"file:{path}"], timeout)
    if found.returncode != 0:
        raise refuse_damaged() if kind != "unknown" else refuse_not_media()
    try:
        data = json.loads(found.stdout)
    except ValueError:
        raise refuse_damaged() from None
    info = describe(data, size)
    check_limits(info, max_dimension, max_seconds)
    times = packet_times(path, info.video_index, ffprobe=ffprobe, timeout=timeout)
    if len(times) <= 1:
        raise refuse_image()  # a single picture, whatever its codec
    rate = real_frame_rate(times)
    return replace(info, frame_rate=rate, summary={**info.summary, "frame_rate": str(rate) if rate else None})


def input_guard() -> list[str]:
    """Input options that confine ffprobe/ffmpeg to local files and real media containers."""
    return ["-protocol_whitelist", "file", "-format_whitelist", DEMUXERS]


def run_ffprobe(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    """Run ffprobe. Overrunning ``timeout`` refuses the file (it never hangs a worker);
    a missing program raises ``OSError``, a fault of the server, not of the file.
    Undecodable bytes in the output (tags in another encoding) are replaced."""
    try:
        return subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        raise refuse_damaged() from None


def describe(data: dict, size: int) -> MediaInfo:
    """``MediaInfo`` from ffprobe's JSON (``-show_format -show_streams``), or ``Refused``."""
    streams = data.get("streams") or []
    fmt = data.get("format") or {}
    videos = [s for s in streams if s.get("codec_type") == "video"
              and not (s.get("disposition") or {}).get("attached_pic")]
    if not videos:
        pictures = [s for s in streams if s.get("codec_type") == "video"]
        audio = [s for s in streams if s.get("codec_type") == "audio"]
        raise refuse_image() if pictures and not audio else refuse_no_video()
    video = videos[0]
    duration = _float(fmt.get("duration")) or _float(video.get("duration"))
    frames = _int(video.get("nb_frames"))
    if video.get("codec_name") in IMAGE_CODECS and (frames == 1 or (frames == 0 and duration < 0.5)):
        raise refuse_image()
    width, height = _int(video.get("width")), _int(video.get("height"))
    if not (width > 0 and height > 0 and video.get("codec_name") and duration > 0):
        raise refuse_damaged()
    rotation = _rotation(video)
    shown = display_size(width, height, rotation, video.get("sample_aspect_ratio"))
    audio = next((s for s in streams if s.get("codec_type") == "audio"
                  and s.get("codec_name") and _int(s.get("channels")) > 0), None)
    subtitle = next((s for s in streams if s.get("codec_type") == "subtitle"
                     and s.get("codec_name") in TEXT_SUBTITLES), None)
    demuxer = str(fmt.get("format_name", "")).split(",")[0]
    summary = {
        "container": demuxer, "duration": duration, "size": size,
        "video": {"codec": video.get("codec_name"), "width": width, "height": height,
                  "rotation": rotation, "pix_fmt": video.get("pix_fmt"),
                  **{key: video.get(key) for key in COLOUR_KEYS}},
        "audio": ({"codec": audio.get("codec_name"), "channels": _int(audio.get("channels")),
                   "sample_rate": _int(audio.get("sample_rate"))} if audio else None),
        "subtitles": subtitle.get("codec_name") if subtitle else None,
    }  # no tags: they may hold the uploader's location
    return MediaInfo(demuxer, duration, shown[0], shown[1], int(video["index"]),
                     int(audio["index"]) if audio else None,
                     int(subtitle["index"]) if subtitle else None, None, summary)


def check_limits(info: MediaInfo, max_dimension: int, max_seconds: float) -> None:
    if max(info.width, info.height) > max_dimension:
        raise Refused("too_large_frame", _(
            "视频画面 %(width)s×%(height)s 超过上限：长边最多 %(max)s 像素。请缩小分辨率后重新上传。",
            width=info.width, height=info.height, max=max_dimension))
    if info.duration > max_seconds:
        raise Refused("too_long", _(
            "视频时长 %(duration)s，超过上限 %(max)s。请分成几段后分别上传。",
            duration=clock(info.duration), max=clock(max_seconds)))


def clock(seconds: float) -> str:
    """``H:MM:SS`` (rounded up to whole seconds, so a limit is never shown as met)."""
    whole = int(-(-seconds // 1))
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def display_size(width: int, height: int, rotation: int, sar: str | None) -> tuple[int, int]:
    """The size a player shows: non-square pixels stretched to square, then rotated."""
    ratio = _ratio(sar)
    if ratio and ratio != 1:
        width = max(round(width * ratio), 1)
    if rotation % 180 == 90:
        return height, width
    return width, height


def packet_times(path: Path, index: int, *, ffprobe: str, timeout: float) -> list[float]:
    """Presentation times of the first ``RATE_PACKETS`` packets of stream ``index``."""
    found = run_ffprobe([ffprobe, "-v", "error", "-hide_banner", *input_guard(),
                         "-select_streams", str(index), "-read_intervals", f"%+#{RATE_PACKETS}",
                         "-show_entries", "packet=pts_time", "-of", "csv=p=0", f"file:{path}"], timeout)
    times = []
    for line in found.stdout.splitlines():
        try:
            times.append(float(line.strip().strip(",")))
        except ValueError:
            continue
    return times


STANDARD_RATES = (Fraction(24000, 1001), Fraction(24), Fraction(25), Fraction(30000, 1001),
                  Fraction(30), Fraction(48), Fraction(50), Fraction(60000, 1001), Fraction(60))


def real_frame_rate(times: list[float]) -> Fraction | None:
    """The frame rate that the packet times show, snapped to a standard rate within 3 %.

    The typical gap is the mean of the gaps near the median one, so pauses (a
    slow-motion start, dropped frames) and millisecond rounding (Matroska's 33/34 ms)
    do not skew it. ``r_frame_rate`` and ``avg_frame_rate`` are not trusted (a Matroska
    file reports 60 and 1000 for 30 fps, a slow-motion clip 30 and 13.3).
    """
    ordered = sorted(set(times))
    gaps = [b - a for a, b in itertools.pairwise(ordered) if b > a]
    if not gaps:
        return None
    middle = statistics.median(gaps)
    typical = [gap for gap in gaps if middle / 1.5 <= gap <= middle * 1.5]
    rate = Fraction(len(typical) / sum(typical)).limit_denominator(1001)
    near = min(STANDARD_RATES, key=lambda r: abs(r - rate))
    return near if abs(near - rate) <= near * Fraction(3, 100) else rate


def sniff(head: bytes) -> str:
    """The family of a file from its first bytes: ``image``, ``iso`` (MP4/MOV), ``media``
    (another container ffmpeg knows), or ``unknown``."""
    images = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM", b"II*\x00",
              b"MM\x00*", b"\x00\x00\x01\x00")
    if head.startswith(images) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if head[4:8] in ISO_TOP_BOXES:
        return "iso"
    media = (b"\x1a\x45\xdf\xa3", b"OggS", b"FLV", b"\x00\x00\x01\xba",
             b"\x30\x26\xb2\x75\x8e\x66\xcf\x11")
    if head.startswith(media) or (head[:4] == b"RIFF" and head[8:11] == b"AVI"):
        return "media"
    if len(head) > 188 and head[0] == head[188] == 0x47:
        return "media"  # MPEG-TS: a sync byte every 188 bytes
    return "unknown"


def iso_brand(head: bytes) -> bytes:
    return head[8:12] if head[4:8] == b"ftyp" else b""


def iso_boxes(path: Path) -> list[tuple[bytes, int, int]]:
    """The top-level boxes of an ISO BMFF (MP4/MOV) file: ``(type, offset, size)``.

    A box reaching past the end of the file is listed with its declared size, so a
    cut-off file shows as such (``iso_truncated``). Walking stops at anything that is
    not a box header.
    """
    boxes, offset, end = [], 0, Path(path).stat().st_size
    with open(path, "rb") as fh:
        while offset + 8 <= end and len(boxes) < 10000:
            fh.seek(offset)
            size, kind = struct.unpack(">I4s", fh.read(8))
            if size == 1:
                size = struct.unpack(">Q", fh.read(8))[0]
            elif size == 0:
                size = end - offset
            if size < 8 or not kind.isalnum() and kind != b"uuid":
                break
            boxes.append((kind, offset, size))
            offset += size
    return boxes


def iso_truncated(path: Path) -> bool:
    """Whether an MP4/MOV file is cut off: a box runs past its end, or there is no moov."""
    boxes = iso_boxes(path)
    end = Path(path).stat().st_size
    kinds = {box[0] for box in boxes}
    return any(offset + size > end for _kind, offset, size in boxes) or b"moov" not in kinds


def _rotation(stream: dict) -> int:
    for side in stream.get("side_data_list") or []:
        if "rotation" in side:
            return int(round(float(side["rotation"]))) % 360
    return int(_float((stream.get("tags") or {}).get("rotate"))) % 360


def _ratio(value: str | None) -> Fraction | None:
    try:
        num, den = (int(part) for part in str(value).split(":"))
        return Fraction(num, den) if num > 0 and den > 0 else None
    except ValueError:
        return None


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _float(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if number == number and number not in (float("inf"), float("-inf")) else 0.0
