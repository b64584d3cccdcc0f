"""Search text rules without the app: Chinese tokens, pinyin, reading a query, snippets, captions."""
import pytest

from courses.search import text as search_text
from courses.search.text import highlight, index_tokens, parse_query, pinyin_terms, snippet, vtt_text


@pytest.fixture(scope="module", autouse=True)
def jieba_loaded(tmp_path_factory):
    search_text.load_jieba(tmp_path_factory.mktemp("jieba"))


def test_tokens_are_jieba_words_and_every_character_at_its_offset():
    tokens = index_tokens("网络安全法解读")
    texts = [text for text, _start, _end in tokens]
    assert {"网络", "安全", "网络安全", "解读"} <= set(texts)
    assert {"网", "络", "安", "全", "法", "解", "读"} <= set(texts)
    assert ("安", 2, 3) in tokens and ("网络安全", 0, 4) in tokens
    assert [start for _text, start, _end in tokens] == sorted(start for _t, start, _e in tokens)


def test_letters_and_digits_are_lower_case_words_and_full_width_forms_fold():
    texts = [text for text, _s, _e in index_tokens("ＡＩ大模型 Python3 与 5G")]
    assert "ai" in texts and "python" in texts and "3" in texts and "5" in texts and "g" in texts
    assert not any(text.strip() != text or not text for text in texts)


def test_pinyin_gives_full_syllables_and_initials_of_every_window():
    terms = pinyin_terms("网络安全基础")
    assert {"wangluo", "anquan", "wangluoanquan", "wlaq", "aq", "wlaqjc", "jichu"} <= terms
    assert "w" not in terms  # a lone initial would match nearly everything
    assert pinyin_terms("Python 入门") >= {"rumen", "rm"}


@pytest.mark.parametrize("raw,words", [
    ("网络安全", ["网络安全"]),
    ("wangluo anquan", ["wangluo", "anquan"]),
    ('title:网络 status:draft', ["title", "网络", "status", "draft"]),
    ('"数据安全', ["数据安全"]),
    ("数据 AND 安全 OR NOT -+ *", ["数据", "安全"]),
    ("AND", []), ("-", []), ("+", []), ("*", []), ("***?~^", []), ('"', []),
    ("数据\x00安全\x1b[31m", ["数据", "安全", "31", "m"]),
    ("数据 数据 数据", ["数据"]),
])
def test_nothing_a_user_types_is_syntax(raw, words):
    assert parse_query(raw, 100).words == words


def test_a_long_query_is_cut_and_says_so():
    parsed = parse_query("安全" * 5000, 100)
    assert parsed.truncated and len(parsed.cleaned) <= 100 and parsed.words
    assert not parse_query("安全", 100).truncated
    many = " ".join(f"x{chr(97 + n % 26)}{chr(97 + n // 26)}" for n in range(100))
    assert len(parse_query(many, 1000).words) == search_text.MAX_QUERY_WORDS


def test_highlight_escapes_the_text_and_marks_every_match():
    marked = str(highlight("<b>网络</b>安全与网络", ["网络"]))
    assert marked == "&lt;b&gt;<mark>网络</mark>&lt;/b&gt;安全与<mark>网络</mark>"
    assert str(highlight("Python 入门", ["python"])) == "<mark>Python</mark> 入门"
    assert str(highlight("数据安全", ["数据", "据安"])) == "<mark>数据安</mark>全"


def test_a_snippet_is_a_window_around_the_first_match():
    text = "前言" * 100 + "关键的数据安全条款" + "后记" * 100
    cut = str(snippet(text, ["数据安全"], width=40))
    assert "<mark>数据安全</mark>" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) < 80
    assert snippet("没有匹配", ["数据"]) is None


def test_captions_text_keeps_only_what_is_said():
    vtt = ("WEBVTT - 第一讲\n\nNOTE 制作说明，不应被搜索\n\n1\n00:00:01.000 --> 00:00:04.000 align:start\n"
           "<v 主讲人>大家好，今天讲&amp;网络安全</v>\n\n00:04.000 --> 00:06.500\n"
           "<c.yellow>数据</c>分类分级\n数据分类分级\n\n00:06.500 --> 00:08.000\n数据分类分级\n")
    assert vtt_text(vtt) == "大家好，今天讲&网络安全 数据分类分级"
