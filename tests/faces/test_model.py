"""The face model on real photographs (tests/faces/photos.py): one person under a flip, a crop
and a change of light is accepted; another person, no face, two faces, a drawing, a blurred or
tiny face and a file that is no image are refused, each with its reason."""
import pytest
from PIL import ImageEnhance, ImageFilter, ImageOps

from faces import model
from tests.faces import photos


@pytest.fixture(scope="module")
def reference():
    return model.embed(photos.jpeg(photos.image_a()))


@pytest.mark.parametrize("change", [
    pytest.param(ImageOps.mirror, id="flipped"),
    pytest.param(lambda image: image.crop((30, 20, 370, 320)), id="cropped"),
    pytest.param(lambda image: ImageEnhance.Brightness(image).enhance(1.4), id="brighter"),
    pytest.param(lambda image: ImageEnhance.Brightness(image).enhance(0.6), id="darker"),
])
def test_the_same_person_changed_is_accepted(reference, change):
    verdict = model.compare(reference, model.embed(photos.jpeg(change(photos.image_a()))))
    assert verdict.same_person
    assert verdict.distance < model.MATCH_THRESHOLD


def test_another_person_is_refused(reference):
    verdict = model.compare(reference, model.embed(photos.jpeg(photos.image_b())))
    assert not verdict.same_person
    assert verdict.distance >= model.MATCH_THRESHOLD


@pytest.mark.parametrize(("image", "code"), [
    pytest.param(photos.image_no_face, "no_face", id="no face"),
    pytest.param(photos.cartoon, "no_face", id="a drawing"),
    pytest.param(lambda: photos.side_by_side(photos.image_a(), photos.image_b()), "several_faces", id="two faces"),
    pytest.param(lambda: photos.image_a().resize((160, 132)), "face_too_small", id="tiny face"),
    pytest.param(lambda: photos.image_a().filter(ImageFilter.GaussianBlur(2)), "face_blurred", id="blurred"),
])
def test_unusable_photographs_are_refused_with_their_reason(image, code):
    with pytest.raises(model.Refusal) as refused:
        model.embed(photos.jpeg(image()))
    assert refused.value.code == code
    assert str(refused.value.message)


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\xff\xd8\xff\xe0" + b"\0" * 64],
                         ids=["empty", "text", "a broken JPEG"])
def test_a_file_that_is_no_image_is_refused(data):
    with pytest.raises(model.Refusal) as refused:
        model.embed(data)
    assert refused.value.code == "not_an_image"


def test_an_embedding_survives_its_stored_form(reference):
    again = model.Embedding.from_bytes(reference.to_bytes())
    assert model.compare(reference, again).distance == 0.0


def test_the_same_frame_sent_again_is_a_near_duplicate():
    frame = photos.image_a()
    first = model.fingerprint(photos.jpeg(frame))
    assert model.near_duplicate(first, model.fingerprint(photos.jpeg(frame, quality=60)))
    assert model.near_duplicate(first, model.fingerprint(photos.png(frame)))


def test_a_new_frame_is_no_duplicate():
    frame = photos.image_a()
    first = model.fingerprint(photos.jpeg(frame))
    moved = frame.crop((4, 3, frame.width, frame.height)).resize(frame.size)
    assert not model.near_duplicate(first, model.fingerprint(photos.jpeg(moved)))
    assert not model.near_duplicate(first, model.fingerprint(photos.jpeg(photos.image_b().resize(frame.size))))
