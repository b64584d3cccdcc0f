"""Real photographs that installed packages ship (nothing downloaded), as image bytes.

- ``person_a``: scikit-image's astronaut (Eileen Collins, NASA), cropped to head and shoulders
  as a reference photo would be (the full picture's mission patch also reads as a face).
- ``person_b``: matplotlib's portrait of Grace Hopper.
- ``no_face``: scikit-image's coffee cup.
Found through the packages' locations, without importing scikit-image or matplotlib.
"""
import functools
import importlib.util
import io
from pathlib import Path

from PIL import Image


def _shipped(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, f"{package} is not installed"
    return Path(next(iter(spec.submodule_search_locations)), *parts)


@functools.cache
def _a() -> Image.Image:
    with Image.open(_shipped("skimage", "data", "astronaut.png")) as image:
        return image.convert("RGB").crop((60, 0, 460, 330))


@functools.cache
def _b() -> Image.Image:
    with Image.open(_shipped("matplotlib", "mpl-data", "sample_data", "grace_hopper.jpg")) as image:
        return image.convert("RGB")


def image_a() -> Image.Image:
    return _a().copy()


def image_b() -> Image.Image:
    return _b().copy()


def image_no_face() -> Image.Image:
    with Image.open(_shipped("skimage", "data", "coffee.png")) as image:
        return image.convert("RGB")


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def side_by_side(left: Image.Image, right: Image.Image) -> Image.Image:
    """Two photographs in one frame: two faces."""
    height = max(left.height, right.height)
    both = Image.new("RGB", (left.width + right.width, height), "white")
    both.paste(left, (0, 0))
    both.paste(right, (left.width, 0))
    return both


def cartoon() -> Image.Image:
    """A drawn smiley: a face to a person, not to the model."""
    from PIL import ImageDraw

    image = Image.new("RGB", (400, 400), (250, 240, 200))
    draw = ImageDraw.Draw(image)
    draw.ellipse((80, 60, 320, 340), fill=(255, 210, 120), outline=(0, 0, 0), width=6)
    draw.ellipse((150, 150, 180, 190), fill=(0, 0, 0))
    draw.ellipse((220, 150, 250, 190), fill=(0, 0, 0))
    draw.arc((140, 200, 260, 290), 20, 160, fill=(0, 0, 0), width=6)
    return image
