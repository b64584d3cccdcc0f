"""One search on the Whoosh index: matching, the status check, facets, ranking, snippets.

Each word of the query must occur in a course (``text``: every searched field; or
``pinyin``). A word occurs when it is a term there (a jieba word, a single character,
letters, digits, a pinyin syllable run or initials) or — a Chinese word jieba cut
differently at index time — when its characters stand side by side (a phrase of single
characters, i.e. a substring).

The work is split for speed (``bench/search.py``): each word's matching documents are
collected without scoring (and remembered per searcher, ``WORD_CACHE_DOCS``) and
intersected as sets; the status check, the facet filters and the facet counts are done
on columns read once per searcher (``Columns``); only the page asked for is ranked by
Whoosh's BM25F (``_ranked``), or sorted on the columns for "newest" and "学时". A searcher
lives until the index changes, so nothing remembered outlives the data it came from.
"""
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _
from markupsafe import Markup

from core.paging import page_count
from core.policy import SUBJECT_TYPES
from courses.search.text import ParsedQuery, highlight, is_cjk, parse_query, preview, snippet

if TYPE_CHECKING:  # whoosh.query is imported by the first search, not by every web process (3 MB)
    from whoosh.query import Query

TITLE_BOOST = 6.0
PINYIN_BOOST = 3.0
SNIPPET_FIELDS = ("summary", "captions", "instructor", "organisation")
SORTS = ("relevance", "newest", "hours_desc", "hours_asc")
FACETS = ("type", "category", "year", "hours")
COLUMNS = ("status", "category", "year", "hours", "type", "credit", "published")
WORD_CACHE_DOCS = 200_000  # docnums a searcher remembers for the words it looked up
TEXT_SCORING_POSTINGS = 2000  # above this, matches outside the title are not ranked by BM25


@dataclass
class SearchQuery:
    text: str = ""
    category: str | None = None
    year: int | None = None
    hours: str | None = None
    type: str | None = None  # subject type: gongxu, zhuanye or xuanxiu
    sort: str = "relevance"
    page: int = 1
    per_page: int = 12


@dataclass
class Hit:
    course_id: int
    title: Markup
    snippet: Markup


@dataclass
class SearchResult:
    query: SearchQuery
    parsed: ParsedQuery
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestion: str | None = None
    engine: str = "index"  # or "database" while the index is being built

    @property
    def pages(self) -> int:
        return page_count(self.total, self.query.per_page)

    @property
    def message(self) -> str | None:
        """What the user should know about how the query was read, if anything."""
        if self.parsed.truncated:
            return _("搜索词过长，只按前 %(limit)s 个字搜索。", limit=current_app.config["SEARCH_QUERY_MAX_CHARS"])
        if self.parsed.empty and self.query.text.strip():
            return _("搜索词里没有可以查找的文字。请输入课程名称、主讲人或关键词，也可以用拼音。")
        return None


# ---- queries --------------------------------------------------------------------------------

def _in_field(reader, name: str, word: str, boost: float = 1.0) -> "Query | None":
    from whoosh.query import Phrase, Term

    if (name, word) in reader:
        return Term(name, word, boost=boost)
    if is_cjk(word) and len(word) > 1 and all((name, ch) in reader for ch in word):
        return Phrase(name, list(word), boost=boost)
    return None


def _pinyin(reader, word: str, boost: float = 1.0) -> "Query | None":
    from whoosh.query import Term

    return Term("pinyin", word, boost=boost) if word.isascii() and ("pinyin", word) in reader else None


def match_query(reader, word: str) -> "Query":
    """Courses where ``word`` occurs at all (NullQuery when none can)."""
    from whoosh.query import NullQuery, Or

    parts = [q for q in (_in_field(reader, "text", word), _pinyin(reader, word)) if q is not None]
    return Or(parts) if parts else NullQuery


def word_docs(searcher, word: str) -> frozenset[int]:
    """The docnums where ``word`` occurs, remembered per searcher (popular words repeat).

    The memory is bounded by the number of docnums held (``WORD_CACHE_DOCS``, a few MB),
    oldest words forgotten first.
    """
    cache = getattr(searcher, "_zhixin_words", None)
    if cache is None:
        cache = searcher._zhixin_words = OrderedDict()
    if word in cache:
        cache.move_to_end(word)
        return cache[word]
    from whoosh.query import NullQuery

    query = match_query(searcher.reader(), word)
    docs = frozenset() if query is NullQuery else frozenset(searcher.docs_for_query(query))
    cache[word] = docs
    held = sum(len(found) for found in cache.values())
    while cache and held > WORD_CACHE_DOCS:
        held -= len(cache.popitem(last=False)[1])
    return docs


@dataclass
class Columns:
    """Per-document values of one searcher, by docnum (read once, kept on the searcher)."""

    status: list
    category: list
    year: list
    hours: list
    type: list
    credit: list
    published: list


def columns(searcher) -> Columns:
    cached = getattr(searcher, "_zhixin_columns", None)
    if cached is None:
        reader = searcher.reader()
        cached = Columns(*(list(reader.column_reader(name)) for name in COLUMNS))
        searcher._zhixin_columns = cached
    return cached


def _selected(docs: list[int], cols: Columns, query: SearchQuery) -> list[int]:
    wanted = {"category": query.category, "year": str(query.year) if query.year else None, "hours": query.hours,
              "type": query.type}
    for name, value in wanted.items():
        if value:
            values = getattr(cols, name)
            docs = [d for d in docs if values[d] == value]
    return docs


# ---- running it -----------------------------------------------------------------------------

def facet_pairs(name: str, counts: dict) -> list[tuple[str, int]]:
    """A facet's ``(value, count)`` pairs in the order shown: subject types in their own order
    (公需, 专业, 选修), the others sorted."""
    if name == "type":
        return [(code, counts[code]) for code in SUBJECT_TYPES if counts.get(code)]
    return sorted(counts.items())


def run(searcher, query: SearchQuery, parsed: ParsedQuery) -> SearchResult:
    """The page of ``query`` asked for, with facet counts over every match."""
    cols = columns(searcher)
    result = SearchResult(query=query, parsed=parsed)
    docsets = sorted((word_docs(searcher, word) for word in parsed.words), key=len)
    # The status is checked here, on the stored column, whatever the index was fed.
    matched = [d for d in docsets[0].intersection(*docsets[1:]) if cols.status[d] == "published"]
    selected = _selected(matched, cols, query)
    result.total = len(selected)
    result.facets = {name: facet_pairs(name, Counter(map(getattr(cols, name).__getitem__, selected)))
                     for name in FACETS}
    start, end = (query.page - 1) * query.per_page, query.page * query.per_page
    if start < result.total:
        page = _ordered(searcher, query, parsed.words, selected, cols, end)[start:end]
        result.hits = [make_hit(searcher.stored_fields(d), parsed.words) for d in page]
    if not result.total:
        result.suggestion = suggest(searcher, parsed)
    return result


def _ordered(searcher, query: SearchQuery, words: list[str], selected: list[int], cols: Columns,
             end: int) -> list[int]:
    """At least the first ``end`` of ``selected`` in the order the query asks for."""
    if query.sort == "newest":
        return sorted(selected, key=lambda d: (-cols.published[d], -d))
    if query.sort in ("hours_desc", "hours_asc"):
        sign = -1 if query.sort == "hours_desc" else 1
        return sorted(selected, key=lambda d: (sign * cols.credit[d], -cols.published[d], -d))
    return _ranked(searcher, words, set(selected), cols, end)


def _ranked(searcher, words: list[str], selected: set[int], cols: Columns, end: int) -> list[int]:
    """BM25F ranking, done so that broad words stay fast.

    First the courses where a word is in the title (or its pinyin), ranked on those
    fields: they outrank the rest, and the short title lists are cheap to score. If they
    do not fill the page, the others are ranked on the full text — when the words are
    rare enough there (``TEXT_SCORING_POSTINGS``) for that to be quick; past that, the
    remaining (weaker) matches follow newest first.
    """
    reader = searcher.reader()
    pairs = [(_in_field(reader, "title", w, TITLE_BOOST), _pinyin(reader, w, PINYIN_BOOST)) for w in words]
    first = _top(searcher, [q for pair in pairs for q in pair if q is not None], end, selected)
    rest = selected.difference(first)
    if len(first) >= end or not rest:
        return first
    body = [q for q in (_in_field(reader, "text", w) for w in words) if q is not None]
    cheap = sum(q.estimate_size(reader) for q in body) <= TEXT_SCORING_POSTINGS
    second = _top(searcher, body, end - len(first), rest) if cheap else []
    newest = sorted(rest.difference(second), key=lambda d: (-cols.published[d], -d))
    return first + second + newest[:end - len(first) - len(second)]


def _top(searcher, queries: "list[Query]", limit: int, allowed: set[int]) -> list[int]:
    """The ``limit`` best of ``allowed`` for any of ``queries``, best first."""
    from whoosh.query import Or

    if not queries:
        return []
    return [hit.docnum for hit in searcher.search(Or(queries), limit=limit, filter=allowed, terms=False)]


def make_hit(stored: dict, words: list[str]) -> Hit:
    """The highlighted title and the best snippet: where a word matched, else the summary."""
    for name in SNIPPET_FIELDS:
        text = snippet(stored.get(name) or "", words)
        if text is not None:
            break
    else:
        text = preview(stored.get("summary") or "")
    return Hit(course_id=int(stored["id"]), title=highlight(stored["title"], words), snippet=text)


# ---- did you mean ---------------------------------------------------------------------------

SPELLING_FIELDS = ("title", "pinyin")  # small vocabularies: the corrector stays fast


def _known(searcher, word: str) -> bool:
    """Whether ``word`` alone finds some course (as a term, or its characters side by side)."""
    return bool(word_docs(searcher, word))


def _correction(searcher, word: str) -> str | None:
    """The nearest word of the index (edit distance 1; 2 for long pinyin), if any."""
    if len(word) > 24:
        return None
    maxdist = 2 if word.isascii() and len(word) >= 6 else 1
    for name in SPELLING_FIELDS:
        for candidate in searcher.corrector(name).suggest(word, limit=8, maxdist=maxdist):
            if len(candidate) >= min(2, len(word)) and candidate != word:
                return candidate
    return None


def suggest(searcher, parsed: ParsedQuery) -> str | None:
    """The query as typed with unknown parts replaced by their nearest known words, if any.

    A Chinese run is corrected whole first (``网洛安全`` → ``网络安全``), then word by word;
    single characters are never corrected (every character is one edit from any other).
    """
    corrected, changed = [], False
    for run_text in parsed.runs:
        replacement = _correct_run(searcher, run_text)
        corrected.append(replacement or run_text)
        changed = changed or replacement is not None
    return " ".join(corrected) if changed else None


def _correct_run(searcher, run_text: str) -> str | None:
    if len(run_text) < 2 or _known(searcher, run_text):
        return None
    whole = _correction(searcher, run_text)
    if whole or not is_cjk(run_text):
        return whole
    words = parse_query(run_text, len(run_text)).words
    fixed = [(_correction(searcher, w) if len(w) > 1 and not _known(searcher, w) else None) or w for w in words]
    return "".join(fixed) if fixed != words else None
