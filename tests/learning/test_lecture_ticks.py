"""课程目录 ticks the lectures the signed-in trainee has finished, on the course page and beside
the player, from the server (the player adds the tick of the lecture it finishes live); the
lesson page gives the player what is credited, the next lecture and the course's test."""
import json
import re

from tests.conftest import sign_in_as
from tests.learning.exam_world import add_bank
from tests.learning.test_centre import watched

TICKED = re.compile(r'<li data-lesson-id="(\d+)"[^>]*class="[^"]*\bdone\b')


def ticked(html: str) -> list[int]:
    return [int(found) for found in TICKED.findall(html)]


def player_config(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="player-config">(.*?)</script>',
                                html, re.S).group(1))


def test_finished_lectures_are_ticked_for_their_trainee_only(client, make_course, make_user):
    course = make_course(lessons=3, lesson_seconds=600)
    first, second, third = course.lessons
    trainee, other = make_user("trainee"), make_user("trainee")
    watched(trainee, first, 600, minutes_ago=30, done=True)
    watched(trainee, second, 200, minutes_ago=10)  # started, not finished: no tick
    watched(other, third, 600, minutes_ago=5, done=True)

    assert ticked(client.get(f"/courses/{course.id}").get_data(as_text=True)) == []  # a visitor
    sign_in_as(client, trainee)
    course_page = client.get(f"/courses/{course.id}").get_data(as_text=True)
    assert ticked(course_page) == [first.id]
    assert course_page.count('class="lesson-tick"') == 1
    lesson_page = client.get(f"/lessons/{second.id}").get_data(as_text=True)
    assert ticked(lesson_page) == [first.id]
    assert 'class="current"' in lesson_page and 'aria-current="true"' in lesson_page


def test_the_player_is_given_what_is_credited_and_what_comes_next(client, app, make_course, make_user):
    course = make_course(lessons=2, lesson_seconds=600)
    first, second = course.lessons
    trainee = make_user("trainee")
    watched(trainee, first, 200, minutes_ago=3)
    sign_in_as(client, trainee)

    config = player_config(client.get(f"/lessons/{first.id}").get_data(as_text=True))
    assert config["covered"] == [[0.0, 200]]
    assert config["next"] == {"id": second.id, "title": second.title, "url": f"/lessons/{second.id}"}
    assert config["nextSeconds"] == app.config["PLAYER_NEXT_SECONDS"]
    assert config["examUrl"] is None  # the course has no test
    last = player_config(client.get(f"/lessons/{second.id}").get_data(as_text=True))
    assert (last["covered"], last["next"]) == ([], None)
    assert last["centreUrl"] == "/me/centre"


def test_a_course_with_a_test_sends_the_player_to_it_after_the_last_lecture(client, make_course, make_user):
    course = add_bank(make_course(lessons=1, lesson_seconds=600))
    sign_in_as(client, make_user("trainee"))
    config = player_config(client.get(f"/lessons/{course.lessons[0].id}").get_data(as_text=True))
    assert config["examUrl"] == f"/courses/{course.id}/exam"
