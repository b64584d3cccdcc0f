"""The dashboard's test pass rate: submitted attempts of the scope's trainees in the year, and its table."""
import pytest

from bureau import stats
from bureau.scope import Scope
from tests.bureau.records_helpers import attempt
from tests.bureau.stats_world import china


@pytest.fixture
def world(make_user, make_course):
    """南山: 甲 fails then passes, 乙 fails, 丙 has one still open; 宝安: 丁 passes; one 2025 pass;
    a producer's attempt never counts."""
    one, two = make_course("课程一"), make_course("课程二")
    jia, yi, bing = (make_user(real_name=n, region_code="440305") for n in ("甲", "乙", "丙"))
    ding = make_user(real_name="丁", region_code="440306")
    attempt(jia, one, china(2026, 3, 1), score=40)
    attempt(jia, one, china(2026, 3, 2), score=90)
    attempt(yi, two, china(2026, 3, 3), score=50, closed_by="deadline")
    attempt(bing, two, china(2026, 3, 4))  # open
    attempt(ding, one, china(2026, 3, 5), score=100)
    attempt(jia, two, china(2025, 12, 31, 9), score=100)  # last year's
    attempt(make_user("producer", region_code="440305", organisation="出品方"), one, china(2026, 3, 6), score=100)


def test_the_pass_rate_counts_submitted_attempts_of_the_scope_and_year(world):
    nanshan = stats.exams(Scope("440305"), 2026)
    assert (nanshan.submitted, nanshan.passed, nanshan.failed, nanshan.takers, nanshan.passers) == (3, 1, 2, 2, 1)
    assert nanshan.pass_rate == pytest.approx(1 / 3)
    city = stats.exams(Scope("440300"), 2026)
    assert (city.submitted, city.passed, city.takers, city.passers) == (4, 2, 3, 2)
    assert stats.exams(Scope("440305"), 2025).pass_rate == 1.0
    assert stats.exams(Scope("450000"), 2026) == stats.Exams(0, 0, 0, 0)
    assert stats.Exams(0, 0, 0, 0).pass_rate == 0.0


def test_the_dashboard_shows_the_figure_with_its_table(client, make_user, login, world):
    login(make_user("bureau", region_code="440305"))
    html = client.get("/bureau/?year=2026").get_data(as_text=True)
    assert 'id="stat-exam-pass-rate">33.3%<' in html
    table = html.split('id="table-exams"')[1].split("</table>")[0]
    assert '<tr data-row="passed"><td>及格</td><td class="num">1</td>' in table
    assert '<tr data-row="failed"><td>不及格</td><td class="num">2</td>' in table
    assert "参加测验的学员 2 人，其中已通过 1 人。" in html
    assert "本年度还没有学员交卷。" in client.get("/bureau/?year=2024").get_data(as_text=True)
