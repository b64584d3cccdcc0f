"""Face verification benchmark: what one judged capture costs on this machine's CPU.

    .venv/bin/python bench/faces.py [--frames 40] [--rate 8]

A capture as the player sends it: a 640×480 JPEG (a webcam frame) with one face, judged as
the worker judges it (faces.model.embed: decode, detect, landmarks, the ResNet embedding; then
faces.model.compare with the reference). Each frame differs a little (light, position), as a live
camera's do. The baseline, measured in the same run on the same frames, is decoding the JPEG
alone (what any handling of the frame costs): the ratio holds on a shared or noisy machine.

Figures: latency p50 and p95 of one verification (one thread, so one core), captures judged
per core per second, and how many concurrent viewers that supports when each is checked
``--rate`` times an hour (the demo rule set's rate by default), per core and on all cores.
The photographs are the tests' (tests/faces/photos.py: packages ship them, nothing downloaded).
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask_babel import Babel  # noqa: E402
from PIL import Image, ImageEnhance  # noqa: E402

from faces import model  # noqa: E402
from tests.faces import photos  # noqa: E402


def frames(count: int) -> list[bytes]:
    """``count`` webcam-like frames of person A: 640×480, the face moved and lit a little differently."""
    face = photos.image_a()
    out = []
    for n in range(count):
        canvas = Image.new("RGB", (640, 480), (90 + n % 7, 100, 110))
        lit = ImageEnhance.Brightness(face).enhance(0.85 + 0.3 * (n % 10) / 10)
        canvas.paste(lit, (100 + n % 40, 60 + n % 30))
        out.append(photos.jpeg(canvas, quality=85))
    return out


def timed(fn, items) -> list[float]:
    seconds = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        seconds.append(time.perf_counter() - start)
    return seconds


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=40, help="captures judged (after one warm-up)")
    parser.add_argument("--rate", type=float, default=8.0, help="face checks per viewer per hour")
    args = parser.parse_args()
    app = Flask("bench")
    Babel(app)
    with app.app_context():
        reference = model.embed(photos.jpeg(photos.image_a()))  # also loads the model (not timed)
        batch = frames(args.frames)
        baseline = timed(model.decode, batch)
        verdicts = []
        judged = timed(lambda frame: verdicts.append(model.compare(reference, model.embed(frame))), batch)
    assert all(v.same_person for v in verdicts), "a frame of the reference's person was not recognised"
    report(baseline, judged, args.rate)


def report(baseline: list[float], judged: list[float], rate: float) -> None:
    cores = os.cpu_count() or 1
    per_core = 1 / statistics.mean(judged)
    viewers = per_core * 3600 / rate
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"frames judged: {len(judged)} (640x480 JPEG, one face each), one thread; load average {load}")
    print(f"baseline, JPEG decode alone: p50 {percentile(baseline, 50) * 1000:.1f} ms, "
          f"p95 {percentile(baseline, 95) * 1000:.1f} ms")
    print(f"face verification:           p50 {percentile(judged, 50) * 1000:.1f} ms, "
          f"p95 {percentile(judged, 95) * 1000:.1f} ms "
          f"({statistics.median(judged) / statistics.median(baseline):.0f}x the decode)")
    print(f"captures judged per core per second: {per_core:.2f}")
    print(f"at {rate:g} checks per viewer per hour: {viewers:,.0f} concurrent viewers per core, "
          f"{viewers * cores:,.0f} on {cores} cores (the worker's whole share; web processes not counted)")


if __name__ == "__main__":
    main()
