"""The search engine on a real index: ranking, facets, pinyin, only published, hostile input, swaps."""
import threading
from datetime import UTC

import pytest

from core.extensions import db
from courses.search import engine as search
from courses.search import index as search_index
from courses.search import tasks as search_tasks
from courses.search.engine import SearchQuery


def find(text: str, **fields) -> search.SearchResult:
    return search.find(SearchQuery(text=text, **fields))


def titles(result: search.SearchResult) -> list[str]:
    return [hit.title.striptags() for hit in result.hits]


@pytest.fixture
def built(app):
    """``built()`` rebuilds the index from the database, as ``flask search rebuild`` does."""
    return lambda: search_tasks.rebuild()


def test_a_title_match_ranks_above_a_summary_match(make_course, built):
    make_course(title="公共管理概论", summary="本课讲解数据安全治理的基本概念和方法。")
    make_course(title="数据安全治理", summary="课程简介")
    make_course(title="应急管理实务", summary="与本查询无关。")
    built()
    result = find("数据安全")
    assert titles(result) == ["数据安全治理", "公共管理概论"]
    assert "<mark>数据安全</mark>" in str(result.hits[0].title)
    assert "<mark>数据安全</mark>" in str(result.hits[1].snippet)


def test_facets_count_every_match_by_category_year_and_hours(make_course, make_category, built):
    cyber, digital = make_category("cybersecurity"), make_category("digital")
    make_course(title="网络安全一", category=cyber, year=2026, lessons=1, lesson_seconds=2700)   # 1 学时
    make_course(title="网络安全二", category=cyber, year=2025, lessons=2, lesson_seconds=2700)   # 2 学时
    make_course(title="网络安全三", category=digital, year=2026, lessons=5, lesson_seconds=2700)  # 5 学时
    make_course(title="无关课程", category=digital, year=2026)
    built()
    result = find("网络安全", per_page=1)
    assert result.total == 3 and len(result.hits) == 1
    assert result.facets["category"] == [("cybersecurity", 2), ("digital", 1)]
    assert result.facets["year"] == [("2025", 1), ("2026", 2)]
    assert result.facets["hours"] == [("1to2", 1), ("2to4", 1), ("ge4", 1)]
    narrowed = find("网络安全", category="cybersecurity", year=2026)
    assert titles(narrowed) == ["网络安全一"] and narrowed.facets["category"] == [("cybersecurity", 1)]
    assert titles(find("网络安全", hours="ge4")) == ["网络安全三"]


def test_sorting_by_hours_and_newest(make_course, built):
    from datetime import datetime

    for n, (lessons, day) in enumerate([(3, 2), (1, 3), (2, 1)]):
        make_course(title=f"安全课{n}", lessons=lessons, lesson_seconds=2700,
                    published_at=datetime(2026, 3, day, tzinfo=UTC))
    built()
    assert titles(find("安全课", sort="hours_desc")) == ["安全课0", "安全课2", "安全课1"]
    assert titles(find("安全课", sort="hours_asc")) == ["安全课1", "安全课2", "安全课0"]
    assert titles(find("安全课", sort="newest")) == ["安全课1", "安全课0", "安全课2"]
    assert titles(find("安全课", sort="newest", page=2, per_page=2)) == ["安全课2"]
    assert find("安全课", page=9).hits == [] and find("安全课", page=9).total == 3


def test_pinyin_and_initials_find_the_cybersecurity_courses(make_course, make_category, built):
    make_course(title="网络安全法解读", category=make_category("cybersecurity"))
    make_course(title="个人信息保护", category=make_category("cybersecurity"))
    make_course(title="知识产权入门", category=make_category("ip"))
    built()
    expected = {"网络安全法解读", "个人信息保护"}  # the second by its category, 网络安全
    assert set(titles(find("wlaq"))) == expected
    assert set(titles(find("wangluo anquan"))) == expected
    assert set(titles(find("wangluoanquan"))) == expected
    assert titles(find("zscq")) == ["知识产权入门"]
    assert titles(find("WLAQ"))[0] == "网络安全法解读"  # full-width or capitals alike


def test_a_single_character_finds_courses_containing_it(make_course, built):
    make_course(title="税收政策解读", summary="个人所得税的新规定")
    make_course(title="安全生产", summary="企业安全")
    built()
    assert titles(find("税")) == ["税收政策解读"]
    assert set(titles(find("安"))) == {"安全生产"}


def test_a_word_jieba_cuts_differently_still_matches_as_a_substring(make_course, built):
    make_course(title="网络安全法解读")  # indexed as 网络安全 / 法 / 解读 …
    built()
    assert titles(find("安全法")) == ["网络安全法解读"]
    assert titles(find("络安")) == ["网络安全法解读"]


def test_instructor_organisation_and_captions_are_searched(app, make_course, built):
    course = make_course(title="应急管理基础", instructor="欧阳明", summary="课程简介")
    video = course.lessons[0].video
    captions = app.config["MEDIA_ROOT"] + "/captions/1.vtt"
    import os
    os.makedirs(os.path.dirname(captions), exist_ok=True)
    with open(captions, "w", encoding="utf-8") as fh:
        fh.write("WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n今天讲地震应急疏散演练\n")
    video.captions_path = "captions/1.vtt"
    db.session.commit()
    built()
    assert titles(find("欧阳明")) == ["应急管理基础"]
    assert titles(find("ouyangming")) == ["应急管理基础"]
    assert titles(find("知新制作中心")) == ["应急管理基础"]
    hit = find("疏散演练").hits[0]
    assert "<mark>疏散演练</mark>" in str(hit.snippet)


@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "withdrawn"])
def test_unpublished_courses_are_never_found(make_course, built, status):
    make_course(title="保密课程甲", status=status)
    make_course(title="公开课程乙")
    built()
    for text in ("保密课程甲", "保密", "甲", "bmkc", "status:" + status, "*", "保密 OR 公开"):
        assert "保密课程甲" not in titles(find(text)), text


def test_the_stored_status_is_checked_at_query_time(app, make_course, built):
    """Even a document that slipped into the index unpublished is not found."""
    draft = make_course(title="内部草稿课", status="draft")
    built()
    ix = search_index.open_live(search.index_root())
    document = search_index.course_document(draft)
    search_index.apply(ix, {document["id"]: document}, [draft.id])
    assert find("内部草稿课").total == 0


HOSTILE = ['"网络安全', '网络安全"', '"', "AND", "OR", "NOT", "-", "+", "AND OR NOT", "title:网络", "status:draft",
           "id:1", "*", "**", "网*", "?", "~2", "^3", "[a TO z]", "(", ")", "{}", "\\", "'", "%", "_",
           "网络\x00安全", "\x1b[2J", "\u202e安全", "\ud800", "安" * 10_000, "a" * 10_240, "网 " * 5000,
           "<script>alert(1)</script>", "1e309", "-1", "0x00", "😀", "ｗｌａｑ"]
# Among them, these still mean the published course: the syntax is ignored, the words are not.
STILL_FOUND = ['"网络安全', '网络安全"', "网*", "网络\x00安全", "\u202e安全", "ｗｌａｑ", "AND 网络安全"]


def test_hostile_queries_give_results_or_a_message(make_course, built):
    make_course(title="网络安全与数据", summary="a b c")
    make_course(title="草稿", summary="status draft title", status="draft")
    built()
    for text in HOSTILE + STILL_FOUND:
        result = find(text)
        assert "草稿" not in titles(result), text
        assert result.engine == "index", text
        if result.parsed.empty:
            assert result.total == 0 and result.message, text
        if len(text) > 1000:
            assert result.parsed.truncated and result.message, text
        if text in STILL_FOUND:
            assert titles(result) == ["网络安全与数据"], text
    assert find("status:draft").total == 0 and find("title:草稿").total == 0


def test_did_you_mean_offers_the_nearest_indexed_words(make_course, built):
    make_course(title="网络安全法解读")
    built()
    assert find("网洛安全").suggestion == "网络安全"
    assert find("wangluo anquam").suggestion == "wangluo anquan"
    assert find("网络安全").suggestion is None


def test_a_missing_or_older_index_is_rebuilt_on_first_use(app, make_course):
    make_course(title="数字经济概论")
    root = search.index_root()
    assert search_index.live_dir(root) is None
    assert titles(find("数字经济")) == ["数字经济概论"]  # QUEUE_IMMEDIATE: the rebuild ran inline
    first = search_index.live_dir(root)
    (first / "VERSION").write_text(str(search_index.SCHEMA_VERSION - 1))
    assert titles(find("数字经济")) == ["数字经济概论"]
    second = search_index.live_dir(root)
    assert second is not None and second != first
    for name in [p.name for p in second.iterdir() if p.name != "VERSION"]:
        (second / name).unlink()  # an index Whoosh cannot read counts as missing too
    assert titles(find("数字经济")) == ["数字经济概论"]
    assert search_index.live_dir(root) not in (first, second)
    assert not (root / "rebuild.requested").exists()


def test_index_course_follows_the_course_state(app, make_course, built):
    course = make_course(title="区块链技术应用")
    built()
    course.title = "区块链与数字政府"
    db.session.commit()
    search_tasks.index_course(course.id)
    assert titles(find("区块链")) == ["区块链与数字政府"]
    course.status = "withdrawn"
    db.session.commit()
    search_tasks.index_course(course.id)
    assert find("区块链").total == 0


def test_reconcile_repairs_what_bypassed_the_tasks(app, make_course, built):
    kept = make_course(title="保留的课程")
    gone = make_course(title="被下架的课程")
    built()
    make_course(title="直接写入的课程")  # like the demo seed: straight into the database
    gone.status = "withdrawn"
    kept.title = "改过名的课程"
    db.session.commit()
    search_tasks.reconcile_index()
    assert set(titles(find("课程"))) == {"直接写入的课程", "改过名的课程"}


def test_a_rebuild_swaps_while_readers_keep_searching(app, make_course, built):
    for n in range(30):
        make_course(title=f"人工智能应用{n}", lessons=1)
    built()
    root = search.index_root()
    errors, totals, seen = [], [], set()
    stop, swapped = threading.Event(), threading.Event()

    def reader():
        with app.app_context():
            try:
                while not stop.is_set():
                    path = search_index.live_dir(root)
                    totals.append(find("人工智能", per_page=5).total)
                    if path not in seen:
                        seen.add(path)
                        swapped.set()
            except Exception as error:  # the test reports it below
                errors.append(error)
            finally:
                search_index.close_searcher()

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    for _ in range(3):
        swapped.clear()
        built()
        swapped.wait(timeout=60)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert totals and set(totals) == {30}
    assert len(seen) >= 3  # readers crossed the swaps
    assert len(list(root.glob("index-*"))) == 4  # swapped-out indexes stay for the grace period


def test_a_searcher_remembers_words_within_its_bound(app, make_course, built, monkeypatch):
    from courses.search import query as search_query

    for title in ("环境保护", "环境监测", "保护生物"):
        make_course(title=title)
    built()
    monkeypatch.setattr(search_query, "WORD_CACHE_DOCS", 3)
    for text in ("环境", "保护", "生物"):
        assert find(text).total
    remembered = search_index.searcher(search.index_root())._zhixin_words
    assert sum(len(docs) for docs in remembered.values()) <= 3 and "生物" in remembered
    assert titles(find("环境 保护")) == ["环境保护"]


def test_matches_outside_titles_follow_title_matches_newest_first_when_the_word_is_common(
        app, make_course, built, monkeypatch):
    from datetime import datetime

    from courses.search import query as search_query

    for day, title in enumerate(["旧课", "新课", "更新的课"], start=1):
        make_course(title=title, summary="讲到了碳达峰。", published_at=datetime(2026, 3, day, tzinfo=UTC))
    make_course(title="碳达峰概论", published_at=datetime(2026, 1, 1, tzinfo=UTC))
    built()
    assert titles(find("碳达峰"))[0] == "碳达峰概论"  # BM25 on the text for the rest
    monkeypatch.setattr(search_query, "TEXT_SCORING_POSTINGS", 0)
    assert titles(find("碳达峰")) == ["碳达峰概论", "更新的课", "新课", "旧课"]
