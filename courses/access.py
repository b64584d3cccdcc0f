"""Who may see a video's media: plain functions over the ORM objects.

A video in a lesson of a published course may be played by any signed-in user; any
other video only by its owner, producers of the owner's organisation, reviewers and
admins. Posters of published courses are public (the home page shows them to
anonymous visitors); other posters follow the video rule.
"""
from sqlalchemy import select

from accounts.models import User
from core.extensions import db
from courses.models import Course, Lesson, Video

STAFF_ROLES = ("reviewer", "admin")


def is_signed_in(user: User | None) -> bool:
    """A real, active account (an anonymous user or a deactivated account is not)."""
    return bool(user is not None and user.is_authenticated and user.is_active)


def in_published_course(video: Video) -> bool:
    """Whether a lesson of a published course plays ``video``."""
    found = db.session.scalar(
        select(Lesson.id)
        .join(Course, Lesson.course_id == Course.id)
        .where(Lesson.video_id == video.id, Course.status == "published")
        .limit(1)
    )
    return found is not None


def is_backstage(user: User | None, video: Video) -> bool:
    """The owner, a producer of the owner's organisation, a reviewer or an admin."""
    if not is_signed_in(user):
        return False
    if user.id == video.owner_id or user.role in STAFF_ROLES:
        return True
    if user.role != "producer" or not user.organisation:
        return False  # and the owner's row is not loaded for every trainee's media request
    # An empty organisation is no organisation: it must not group unaffiliated producers.
    return user.organisation == video.owner.organisation


def can_view_video(user: User | None, video: Video) -> bool:
    """Whether ``user`` may play ``video`` (its renditions and captions)."""
    if not is_signed_in(user):
        return False
    return is_backstage(user, video) or in_published_course(video)


def poster_audience(user: User | None, video: Video) -> str | None:
    """``"public"`` when anyone may see ``video``'s poster (a published course),
    ``"private"`` when ``user`` may see it as one who may play the video, else ``None``."""
    if in_published_course(video):
        return "public"
    return "private" if is_backstage(user, video) else None


def can_view_poster(user: User | None, video: Video) -> bool:
    """Whether ``user`` may see ``video``'s poster: anyone for a published course."""
    return poster_audience(user, video) is not None
