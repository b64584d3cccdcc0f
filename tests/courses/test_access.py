"""Who may play a video and see its poster (courses.access), and where media lives (courses.media.storage)."""
from pathlib import Path

import pytest
from flask_login import AnonymousUserMixin

from core.extensions import db
from courses.access import can_view_poster, can_view_video, in_published_course, poster_audience
from courses.media import storage
from courses.models import Lesson

ORG = "知新制作中心"
UNPUBLISHED = ("draft", "submitted", "rejected", "withdrawn")


@pytest.fixture
def owner(make_user):
    return make_user("producer", organisation=ORG)


@pytest.fixture
def viewers(make_user, owner):
    """Everyone who might ask, by name; ``None`` stands for no user at all."""
    return {
        "none": None,
        "anonymous": AnonymousUserMixin(),
        "trainee": make_user("trainee"),
        "bureau": make_user("bureau"),
        "other_producer": make_user("producer", organisation="另一家制作公司"),
        "same_org_producer": make_user("producer", organisation=ORG),
        "owner": owner,
        "reviewer": make_user("reviewer"),
        "admin": make_user("admin"),
    }


def video_of(course):
    return course.lessons[0].video


BACKSTAGE = {"same_org_producer", "owner", "reviewer", "admin"}
SIGNED_IN = BACKSTAGE | {"trainee", "bureau", "other_producer"}


def test_everyone_signed_in_may_play_a_published_video_and_anyone_see_its_poster(
        make_course, owner, viewers):
    video = video_of(make_course(status="published", producer=owner, lessons=1))
    assert in_published_course(video)
    for name, user in viewers.items():
        assert can_view_video(user, video) is (name in SIGNED_IN), name
        assert can_view_poster(user, video), name
        assert poster_audience(user, video) == "public", name


@pytest.mark.parametrize("status", UNPUBLISHED)
def test_an_unpublished_video_is_only_for_owner_organisation_and_staff(
        make_course, owner, viewers, status):
    video = video_of(make_course(status=status, producer=owner, lessons=1))
    assert not in_published_course(video)
    for name, user in viewers.items():
        assert can_view_video(user, video) is (name in BACKSTAGE), name
        assert can_view_poster(user, video) is (name in BACKSTAGE), name
        assert poster_audience(user, video) == ("private" if name in BACKSTAGE else None), name


def test_a_video_in_no_course_is_only_for_owner_organisation_and_staff(make_video, owner, viewers):
    video = make_video(owner=owner)
    for name, user in viewers.items():
        assert can_view_video(user, video) is (name in BACKSTAGE), name
        assert can_view_poster(user, video) is (name in BACKSTAGE), name


def test_one_published_course_is_enough_when_a_video_is_in_several(make_course, owner, make_user):
    published = make_course(status="published", producer=owner, lessons=1)
    draft = make_course(status="draft", producer=owner, lessons=0)
    video = video_of(published)
    draft.lessons.append(Lesson(position=1, title="复用", video=video))
    db.session.commit()
    assert can_view_video(make_user("trainee"), video)
    assert can_view_poster(AnonymousUserMixin(), video)


def test_withdrawing_the_course_takes_the_video_back_stage(make_course, owner, make_user):
    course = make_course(status="published", producer=owner, lessons=1)
    trainee, video = make_user("trainee"), video_of(course)
    assert can_view_video(trainee, video)
    course.status = "withdrawn"
    db.session.commit()
    assert not can_view_video(trainee, video)
    assert not can_view_poster(AnonymousUserMixin(), video)
    assert can_view_video(owner, video)


def test_producers_without_an_organisation_are_not_one_organisation(make_user, make_video):
    owner = make_user("producer", organisation="")
    video = make_video(owner=owner)
    assert can_view_video(owner, video)
    assert not can_view_video(make_user("producer", organisation=""), video)


def test_a_trainee_sharing_the_owners_organisation_gains_nothing(make_user, make_video, owner):
    video = make_video(owner=owner)
    assert not can_view_video(make_user("trainee", organisation=ORG), video)


def test_a_deactivated_account_sees_nothing_that_needs_signing_in(make_course, owner, make_user):
    video = video_of(make_course(status="published", producer=owner, lessons=1))
    trainee = make_user("trainee", active=False)
    assert not can_view_video(trainee, video)
    owner.active = False
    db.session.commit()
    assert not can_view_video(owner, video)
    assert can_view_poster(trainee, video)  # a published poster is public all the same


# --- storage --------------------------------------------------------------------------

def test_media_paths_are_relative_and_fixed_by_the_server():
    assert storage.rendition_path(7, 720) == "renditions/7/720p.mp4"
    assert storage.poster_path(7) == "posters/7.jpg"
    assert storage.captions_path(7) == "captions/7.vtt"


def test_resolve_joins_under_the_media_root(tmp_path):
    root = tmp_path / "media"
    assert storage.resolve("renditions/7/720p.mp4", root) == root / "renditions" / "7" / "720p.mp4"
    assert storage.resolve("renditions/./7//720p.mp4", root) == root / "renditions" / "7" / "720p.mp4"
    assert storage.resolve("posters/x/../7.jpg", root) == root / "posters" / "7.jpg"


def test_resolve_defaults_to_the_configured_media_root(app):
    assert storage.resolve("posters/7.jpg") == Path(app.config["MEDIA_ROOT"]) / "posters" / "7.jpg"


@pytest.mark.parametrize("relative", [
    "../secret.txt", "..", "renditions/../../secret.txt", "renditions/7/../../../etc/passwd",
    "/etc/passwd", "", ".", "renditions/..", "posters/7.jpg\x00.txt",
])
def test_resolve_refuses_what_would_leave_the_root(tmp_path, relative):
    with pytest.raises(storage.UnsafePath):
        storage.resolve(relative, tmp_path / "media")
