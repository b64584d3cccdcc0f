"""The pipeline's rules as plain functions: ladder, sizes, frame rate, sniffing, the command."""
from fractions import Fraction
from pathlib import Path

import pytest

from courses.media import probe, transcode
from courses.media.probe import MediaInfo, Refused


@pytest.mark.parametrize("source, sizes", [
    ((1920, 1080), [(640, 360), (1280, 720), (1920, 1080)]),
    ((3840, 2160), [(640, 360), (1280, 720), (1920, 1080)]),
    ((1280, 720), [(640, 360), (1280, 720)]),
    ((960, 540), [(640, 360), (960, 540)]),  # 720p would be an upscale: the source's own size
    ((1080, 720), [(540, 360), (1080, 720)]),
    ((640, 360), [(640, 360)]),
    ((320, 240), [(320, 240)]),
    ((161, 121), [(160, 120)]),  # odd both ways: rounded down to even, never up
    ((160, 120), [(160, 120)]),
    ((2160, 3840), [(360, 640), (720, 1280), (1080, 1920)]),  # portrait: the long side is capped
    ((1080, 1920), [(360, 640), (720, 1280), (1080, 1920)]),
    ((720, 1280), [(360, 640), (720, 1280)]),
    ((1920, 800), [(640, 266), (1280, 532), (1920, 800)]),  # cinema: wider than the 720 box
    ((4096, 4), [(640, 2)]),  # a strip: one size per height, at least 2 pixels
])
def test_ladder(source, sizes):
    assert transcode.ladder(*source) == sizes


def test_ladder_sizes_are_even_and_never_larger_than_the_source():
    for width in range(2, 2200, 37):
        for height in range(2, 2200, 41):
            sizes = transcode.ladder(width, height)
            assert sizes and len({h for _, h in sizes}) == len(sizes)
            for w, h in sizes:
                assert w % 2 == 0 and h % 2 == 0
                assert w <= max(width, 2) and h <= max(height, 2)
                assert not (w > h and width < height) and not (w < h and width > height)  # never turned


@pytest.mark.parametrize("rate, out", [
    (Fraction(60), Fraction(30)), (Fraction(50), Fraction(25)), (Fraction(240), Fraction(30)),
    (Fraction(60000, 1001), Fraction(30000, 1001)), (Fraction(25), Fraction(25)),
    (Fraction(15), Fraction(15)), (Fraction(1, 2), Fraction(5)), (None, Fraction(30)),
])
def test_output_rate_is_the_real_rate_capped_at_30(rate, out):
    assert transcode.output_rate(rate) == out


def test_real_frame_rate_ignores_what_the_container_claims():
    mkv = [i * 0.0333 for i in range(30)]
    mkv = [round(t, 3) for t in mkv]  # Matroska keeps milliseconds: 33/34 ms steps
    assert probe.real_frame_rate(mkv) == 30
    slow_motion = [0.0, 0.325344, 0.358678, 0.392011, 0.425344, 0.458678, 0.492011]
    assert probe.real_frame_rate(slow_motion) == 30
    phone = [0.0, 0.016644, 0.0333, 0.049944, 0.0666, 0.083844, 0.099911, 0.117156, 0.133211]
    assert probe.real_frame_rate(phone) == 60
    ntsc = [round(i * 1001 / 30000, 3) for i in range(100)]
    assert probe.real_frame_rate(ntsc) == Fraction(30000, 1001)
    theora_with_drops = [i / 15 for i in range(40) if i not in (15, 16, 23, 27)]
    assert probe.real_frame_rate(theora_with_drops) == 15
    assert probe.real_frame_rate([1.0]) is None


@pytest.mark.parametrize("size, rotation, sar, shown", [
    ((3840, 2160), 270, "1:1", (2160, 3840)),
    ((3840, 2160), 90, None, (2160, 3840)),
    ((3840, 2160), 180, "1:1", (3840, 2160)),
    ((720, 576), 0, "16:15", (768, 576)),  # PAL DV: non-square pixels
    ((720, 576), 0, "0:1", (720, 576)),
])
def test_display_size(size, rotation, sar, shown):
    assert probe.display_size(*size, rotation, sar) == shown


@pytest.mark.parametrize("head, kind", [
    (b"\x89PNG\r\n\x1a\n" + bytes(20), "image"),
    (b"\xff\xd8\xff\xe0" + bytes(20), "image"),
    (b"GIF89a" + bytes(20), "image"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image"),
    (b"\x00\x00\x00\x20ftypisom" + bytes(20), "iso"),
    (b"\x1a\x45\xdf\xa3" + bytes(20), "media"),
    (b"OggS" + bytes(20), "media"),
    (b"RIFF\x00\x00\x00\x00AVI LIST", "media"),
    (b"PK\x03\x04" + bytes(20), "unknown"),
    (b"#EXTM3U\n#EXTINF:5,\nseg.mp4\n", "unknown"),
    (b"G is for giraffe" + bytes(200), "unknown"),
    ((b"\x47" + bytes(187)) * 2, "media"),
])
def test_sniff_judges_by_content(head, kind):
    assert probe.sniff(head) == kind


def test_describe_refuses_what_is_not_a_lecture():
    def streams(*items, duration="5.0"):
        return {"streams": list(items), "format": {"format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": duration}}

    audio = {"index": 0, "codec_type": "audio", "codec_name": "aac", "channels": 1}
    cover = {"index": 1, "codec_type": "video", "codec_name": "png", "width": 64, "height": 64,
             "disposition": {"attached_pic": 1}}
    still = {"index": 0, "codec_type": "video", "codec_name": "mjpeg", "width": 64, "height": 64, "nb_frames": "1"}
    broken = {"index": 0, "codec_type": "video", "codec_name": "h264", "width": 0, "height": 0}
    for data, code in [(streams(audio), "no_video_stream"), (streams(audio, cover), "no_video_stream"),
                       (streams(still), "image"), (streams(broken), "damaged"),
                       (streams({**still, "codec_name": "h264", "nb_frames": "9"}, duration="N/A"), "damaged")]:
        with pytest.raises(Refused) as refused:
            probe.describe(data, 1000)
        assert refused.value.code == code
        assert refused.value.message


def test_limits_are_checked_on_the_displayed_size_and_declared_duration():
    info = MediaInfo("mov", 60.0, 2160, 4100, 0, None, None)
    with pytest.raises(Refused, match="too_large_frame"):
        probe.check_limits(info, 4096, 3600)
    with pytest.raises(Refused, match="too_long") as refused:
        probe.check_limits(MediaInfo("mov", 3600.5, 640, 360, 0, None, None), 4096, 3600)
    assert "1:00:01" in refused.value.message and "1:00:00" in refused.value.message
    probe.check_limits(MediaInfo("mov", 3600, 4096, 2304, 0, None, None), 4096, 3600)


def test_duration_cap_goes_past_the_declared_duration_by_twice_the_tolerance():
    assert transcode.tolerance(10) == 1.0 and transcode.tolerance(3600) == 72.0
    assert transcode.duration_cap(10, 21600) == 12.0
    assert transcode.duration_cap(21599, 21600) == 21600


def test_command_confines_the_input_and_strips_what_must_not_leak():
    info = MediaInfo("matroska", 5.0, 1080, 720, 0, None, 2, Fraction(60),
                     {"video": {"color_space": "bt709", "color_range": "pc"}})
    outputs = [((540, 360), Path("/m/a.tmp")), ((1080, 720), Path("/m/b.tmp"))]
    args = transcode.command("ffmpeg", Path("/w/source"), info, outputs, preset="veryfast", crf=23, cap=7.0)
    source = args.index("file:/w/source")
    assert args[source - 7:source + 1] == ["-protocol_whitelist", "file", "-format_whitelist", probe.DEMUXERS,
                                           "-f", "matroska", "-i", "file:/w/source"]
    graph = args[args.index("-filter_complex") + 1]
    assert graph.startswith("[0:0]fps=30,split=2")
    assert "scale=w=540:h=360:out_range=tv" in graph and "format=yuv420p" in graph
    assert args.count("anullsrc=channel_layout=stereo:sample_rate=48000") == 1  # no audio: silence
    for flag in ("-map_metadata", "-sn", "-dn", "+faststart", "-shortest"):
        assert args.count(flag) == 2
    assert args.count("-colorspace") == 2 and args[args.index("-colorspace") + 1] == "bt709"
    assert args[args.index("-color_trc") + 1] == "bt709"  # unknown: guessed from the size
    with_audio = transcode.command("ffmpeg", Path("/w/source"), MediaInfo("mov", 5.0, 320, 240, 1, 0, None),
                                   outputs[:1], preset="veryfast", crf=23, cap=7.0)
    assert "anullsrc" not in " ".join(with_audio) and "-shortest" not in with_audio
    mapped = with_audio.index("[v0]")
    assert with_audio[mapped + 1:mapped + 3] == ["-map", "0:0"]
    assert with_audio[with_audio.index("-color_trc") + 1] == "smpte170m"


def test_clock():
    assert probe.clock(5.2) == "0:00:06" and probe.clock(6 * 3600) == "6:00:00"
