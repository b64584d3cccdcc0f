"""The face model as plain functions: no app, no database, ``now`` nowhere needed.

dlib's frontal face detector (HOG), its 5-point landmark model and its ResNet face embedding
(dlib_face_recognition_resnet_model_v1: 128 numbers, LFW 99.38 %), the model files shipped by
the ``face_recognition_models`` package: nothing is downloaded at run time. dlib and numpy are
imported by the first call, never by a web process that starts (tests/core/test_lazy_imports.py).

:func:`embed` turns image bytes into an :class:`Embedding` or raises :class:`Refusal` with a
Chinese message; :func:`compare` gives a :class:`Verdict`; :func:`fingerprint` and
:func:`near_duplicate` catch a frame sent again (docs/faces.md says why each number is what it is).
"""
import functools
import hashlib
import io
import threading
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

# Two embeddings of one person lie closer than this (dlib's own threshold, at which the
# published LFW accuracy was measured); docs/faces.md.
MATCH_THRESHOLD = 0.6
# The detector finds faces down to 40 px with one upsampling; a face smaller than this in the
# frame is too few pixels for a trustworthy embedding.
MIN_FACE_PIXELS = 80
# Variance of the Laplacian over the face, on grey levels 0–255: below this the face is blurred.
MIN_SHARPNESS = 30.0
MAX_PIXELS = 4096 * 4096  # a larger frame is refused before it is decoded (decompression bombs)
# Mean grey-level difference (0–255) of two 16×16 fingerprints at or below which a frame is the
# same frame sent again (a re-encoded JPEG differs by well under one level).
DUPLICATE_LEVEL = 1.0

_lock = threading.Lock()


class Refusal(ValueError):
    """An image the model will not judge; ``code`` for the API, ``message`` in Chinese for people."""

    def __init__(self, code: str, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Embedding:
    """One face: its 128 numbers, where it is (left, top, width, height) and its sharpness."""

    values: tuple[float, ...]
    box: tuple[int, int, int, int]
    sharpness: float

    def to_bytes(self) -> bytes:
        """128 little-endian float64s, the form the database keeps."""
        import numpy as np

        return np.asarray(self.values, dtype="<f8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> "Embedding":
        import numpy as np

        return cls(tuple(float(v) for v in np.frombuffer(data, dtype="<f8")), (0, 0, 0, 0), 0.0)


@dataclass(frozen=True)
class Verdict:
    """``distance`` between two embeddings and whether that is one person (distance < threshold)."""

    distance: float
    same_person: bool


@functools.cache
def _models():
    """dlib's detector, landmark model and embedding network, loaded once per process (~0.5 s)."""
    import dlib
    import face_recognition_models as files

    return (dlib.get_frontal_face_detector(),
            dlib.shape_predictor(files.pose_predictor_five_point_model_location()),
            dlib.face_recognition_model_v1(files.face_recognition_model_location()))


def decode(image_bytes: bytes):
    """The image as an RGB numpy array (EXIF rotation applied), or Refusal ``not_an_image``."""
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image_bytes)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise Refusal("image_too_large", _l("图片太大，请使用不超过 4096×4096 像素的照片。"))
            image = ImageOps.exif_transpose(image).convert("RGB")
            return np.asarray(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        if isinstance(e, Refusal):
            raise
        raise Refusal("not_an_image", _l("上传的文件不是可以识别的照片（请使用 JPG 或 PNG 图片）。")) from None


def sharpness(grey) -> float:
    """Variance of the 4-neighbour Laplacian of a 2-D grey array (0–255): low means blurred."""
    import numpy as np

    g = grey.astype(np.float64)
    if g.shape[0] < 3 or g.shape[1] < 3:
        return 0.0
    lap = g[1:-1, :-2] + g[1:-1, 2:] + g[:-2, 1:-1] + g[2:, 1:-1] - 4 * g[1:-1, 1:-1]
    return float(lap.var())


def embed(image_bytes: bytes) -> Embedding:
    """The one face in the image, embedded; Refusal when there is none, more than one, or it is
    too small or blurred to be judged."""
    pixels = decode(image_bytes)
    detector, landmarks, network = _models()
    with _lock:  # dlib's objects are not documented as thread-safe; a process judges one at a time
        faces = list(detector(pixels, 1))
        if not faces:
            raise Refusal("no_face", _l("照片中没有找到人脸，请正对镜头，保证光线充足。"))
        if len(faces) > 1:
            raise Refusal("several_faces", _l("照片中有不止一张人脸，请确保画面中只有您本人。"))
        face = faces[0]
        box = (face.left(), face.top(), face.width(), face.height())
        if min(box[2], box[3]) < MIN_FACE_PIXELS:
            raise Refusal("face_too_small", _l("人脸太小，请靠近镜头。"))
        sharp = sharpness(_face_grey(pixels, box))
        if sharp < MIN_SHARPNESS:
            raise Refusal("face_blurred", _l("人脸模糊，请保持静止并擦拭镜头后重试。"))
        values = network.compute_face_descriptor(pixels, landmarks(pixels, face))
    return Embedding(tuple(float(v) for v in values), box, sharp)


def _face_grey(pixels, box):
    left, top, width, height = box
    height_px, width_px = pixels.shape[:2]
    crop = pixels[max(top, 0):min(top + height, height_px), max(left, 0):min(left + width, width_px)]
    return crop.mean(axis=2)


def compare(reference: Embedding, capture: Embedding, threshold: float = MATCH_THRESHOLD) -> Verdict:
    """The Euclidean distance of the two embeddings, and whether it is below ``threshold``."""
    import numpy as np

    distance = float(np.linalg.norm(np.asarray(reference.values) - np.asarray(capture.values)))
    return Verdict(round(distance, 4), distance < threshold)


def fingerprint(image_bytes: bytes) -> bytes:
    """The frame shrunk to 16×16 grey levels (256 bytes): the same frame sent again, even
    re-encoded or rescaled, keeps nearly the same fingerprint; a new frame from a live camera
    (a breath, a blink, the light) does not."""
    from PIL import Image

    with Image.open(io.BytesIO(image_bytes)) as image:
        return image.convert("L").resize((16, 16), Image.Resampling.BOX).tobytes()


def sha256(image_bytes: bytes) -> str:
    return hashlib.sha256(image_bytes).hexdigest()


def near_duplicate(a: bytes, b: bytes, level: float = DUPLICATE_LEVEL) -> bool:
    """Whether two :func:`fingerprint` values differ by at most ``level`` grey levels on average."""
    if len(a) != len(b) or not a:
        return False
    return sum(abs(x - y) for x, y in zip(a, b, strict=True)) / len(a) <= level
