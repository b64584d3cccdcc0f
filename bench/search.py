"""Search benchmark: 10,000 generated Chinese courses, 1,000 mixed queries, against SQLite FTS5.

    .venv/bin/python bench/search.py [--courses 10000] [--queries 1000] [--seed 6]

It generates courses (titles, summaries, instructors, organisations, categories, years,
学时) from word pools, builds the real index with ``courses.search.index`` (the same
documents as production: jieba words, single characters, pinyin) and, from the same
documents, an SQLite FTS5 table with the ``trigram`` tokenizer. Then it runs the same
mixed queries — Chinese words, single characters, full pinyin, initials, several words —
through both, each doing a search page's work:

- ``whoosh``: ``courses.search.engine.run`` — parse (jieba), match in every field, the status
  filter, facet counts over all matches, the top 12 with highlighted title and snippet;
  timed twice: as it runs (each searcher remembers the documents of the words it has
  looked up) and ``cold`` (that memory off: every word read from the index again);
- ``fts5``: each word of three characters or more as a trigram phrase (``MATCH``), shorter
  words as ``LIKE '%w%'`` over the columns (trigram cannot index them), every match
  fetched with its ``bm25`` for facet counts in Python, the top 12 highlighted by the
  same snippet code.

It prints p50 and p95 per engine and per kind of query, the ratio whoosh/fts5, how many
queries found something in each, and the build times. Aim (issue 6): whoosh p95 < 20 ms.
Separately, queries with a typo (no result, "did you mean" computed) are timed.
"""
import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOPICS = ("网络安全", "数据安全", "个人信息保护", "人工智能", "大数据", "云计算", "区块链", "数字经济", "数字政府",
          "知识产权", "专利", "商标", "著作权", "应急管理", "安全生产", "防灾减灾", "消防安全", "职业道德",
          "科研诚信", "科学精神", "团队合作", "沟通协作", "乡村振兴", "生态文明", "法治建设", "心理健康",
          "信息化", "网络舆情", "密码技术", "工业互联网", "智能制造", "新能源", "公共卫生", "医疗质量")
FORMS = ("概论", "基础", "实务", "案例分析", "法律法规解读", "前沿进展", "入门", "专题讲座", "能力提升",
         "管理与实践", "标准解读", "风险防范", "创新应用", "政策解读", "操作指南")
PHRASES = ("本课程系统讲解", "结合典型案例", "面向专业技术人员", "介绍最新政策", "重点分析", "帮助学员掌握",
           "梳理相关法律法规", "总结实践经验", "提升岗位能力", "探讨未来发展趋势", "给出操作建议")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高欧阳"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰"
ORGS = ("知新制作中心", "国家行政学院音像出版社", "中国科学技术大学", "北京大学继续教育学院",
        "浙江省人才发展研究院", "广东省继续教育中心", "四川省应急管理厅培训中心")
CATEGORIES = (("digital", "数字技术"), ("ip", "知识产权"), ("cybersecurity", "网络安全"),
              ("emergency", "应急管理"), ("politics", "思想政治"), ("knowledge", "知识更新拓展"),
              ("science", "科学精神"), ("ethics", "职业道德"), ("teamwork", "团队合作"))
KINDS = ("word", "char", "pinyin", "initials", "multi")


# ---- data -----------------------------------------------------------------------------------

def make_courses(n: int, rng: random.Random) -> list:
    """Transient Course objects (never added to a database) with their categories."""
    from courses.models import Category, Course

    categories = [Category(code=code, name=name, name_en=code) for code, name in CATEGORIES]
    courses = []
    for i in range(1, n + 1):
        topic, other = rng.sample(TOPICS, 2)
        summary = "，".join([rng.choice(PHRASES) + topic + rng.choice(FORMS), rng.choice(PHRASES) + other,
                            rng.choice(PHRASES) + rng.choice(TOPICS) + "。"])
        courses.append(Course(
            id=i, title=topic + rng.choice(FORMS) + (f"（第{rng.randint(1, 5)}版）" if rng.random() < .2 else ""),
            summary=summary, instructor=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2))),
            organisation=rng.choice(ORGS), category=rng.choice(categories), status="published",
            catalogue_year=rng.randint(2023, 2026), credit_tenths=rng.randint(5, 60),
            published_at=datetime(2026, 1, 1, tzinfo=UTC).fromtimestamp(1_700_000_000 + i * 600, UTC),
        ))
    return courses


def make_queries(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """``n`` queries, the five kinds in turn: ``(kind, text)``."""
    from pypinyin import Style, lazy_pinyin

    def pinyin(word: str, style=Style.NORMAL) -> str:
        return "".join(lazy_pinyin(word, style=style))

    makers = {
        "word": lambda: rng.choice(TOPICS + FORMS),
        "char": lambda: rng.choice(rng.choice(TOPICS)),
        "pinyin": lambda: " ".join(pinyin(w) for w in _words(rng.choice(TOPICS))),
        "initials": lambda: pinyin(rng.choice(TOPICS), Style.FIRST_LETTER),
        "multi": lambda: " ".join([rng.choice(TOPICS), rng.choice(FORMS)]
                                  + ([rng.choice(SURNAMES)] if rng.random() < .3 else [])),
    }
    return [(KINDS[i % len(KINDS)], makers[KINDS[i % len(KINDS)]]()) for i in range(n)]


def _words(text: str) -> list[str]:
    import jieba

    return [w for w in jieba.cut(text) if w.strip()]


# ---- the two engines ------------------------------------------------------------------------

def build_whoosh(documents: list[dict], root: Path) -> float:
    from courses.search import index as search_index

    started = time.perf_counter()
    search_index.build(root, documents)
    return time.perf_counter() - started


FTS_COLUMNS = ("title", "text", "pinyin")  # the same text as the Whoosh fields


def build_fts(documents: list[dict], path: Path) -> tuple[sqlite3.Connection, dict, float]:
    started = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute(f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(FTS_COLUMNS)}, tokenize='trigram')")
    connection.executemany(f"INSERT INTO fts (rowid, {', '.join(FTS_COLUMNS)}) VALUES (?{', ?' * len(FTS_COLUMNS)})",
                           [(int(d["id"]), *(d[c] for c in FTS_COLUMNS)) for d in documents])
    connection.commit()
    facts = {int(d["id"]): (d["category"], d["year"], d["hours"], d["title"], d["summary"]) for d in documents}
    return connection, facts, time.perf_counter() - started


def fts_search(connection: sqlite3.Connection, facts: dict, words: list[str]) -> tuple[int, list[int]]:
    """The FTS5 counterpart of a search page: every match, facets, top 12 with snippets."""
    from courses.search.text import highlight, snippet

    long_words = [w for w in words if len(w) >= 3]
    short = [w for w in words if len(w) < 3]
    where, params = [], []
    if long_words:
        where.append("fts MATCH ?")
        params.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long_words))
    for word in short:
        where.append("(" + " OR ".join(f"{c} LIKE ?" for c in FTS_COLUMNS) + ")")
        params += [f"%{word}%"] * len(FTS_COLUMNS)
    score = "bm25(fts, 6.0, 1.0, 3.0)" if long_words else "0"
    rows = connection.execute(f"SELECT rowid, {score} FROM fts WHERE {' AND '.join(where)}", params).fetchall()
    rows.sort(key=lambda row: row[1])
    facets = [Counter(facts[rowid][k] for rowid, _s in rows) for k in (0, 1, 2)]
    top = [rowid for rowid, _s in rows[:12]]
    for rowid in top:
        highlight(facts[rowid][3], words), snippet(facts[rowid][4], words)
    return len(rows), top if facets else []


def time_queries(run, queries) -> list[float]:
    timings = []
    for query in queries:
        started = time.perf_counter()
        run(query)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentiles(timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


# ---- the run --------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    from courses.search import engine as search
    from courses.search import index as search_index
    from courses.search import text as search_text

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="zhixin-search-bench-") as tmp:
        tmp = Path(tmp)
        search_text.load_jieba(tmp)
        started = time.perf_counter()
        documents = [search_index.course_document(course) for course in make_courses(args.courses, rng)]
        print(f"documents: {len(documents)} courses analysed (jieba, pinyin) in {time.perf_counter() - started:.1f} s")
        print(f"whoosh: index built in {build_whoosh(documents, tmp / 'search'):.1f} s, "
              f"{sum(f.stat().st_size for f in (tmp / 'search').rglob('*') if f.is_file()) / 1e6:.1f} MB")
        connection, facts, fts_seconds = build_fts(documents, tmp / "fts.db")
        print(f"fts5:   table built in {fts_seconds:.1f} s, {(tmp / 'fts.db').stat().st_size / 1e6:.1f} MB")
        queries = make_queries(args.queries, rng)
        searcher = search_index.searcher(tmp / "search")
        report(searcher, connection, facts, queries, search, search_text)
        typos(searcher, search, search_text, rng)
        search_index.close_searcher()
        connection.close()


def report(searcher, connection, facts, queries, search, search_text) -> None:
    from courses.search import query as search_query

    def whoosh(item):
        parsed = search_text.parse_query(item[1], 100)
        return search.run(searcher, search.SearchQuery(text=item[1]), parsed).total

    def fts(item):
        return fts_search(connection, facts, search_text.parse_query(item[1], 100).words)[0]

    for item in queries[:50]:  # warm-up: page cache, first jieba cuts, the searcher's columns
        whoosh(item), fts(item)
    found = {"whoosh": sum(1 for q in queries if whoosh(q)), "fts5": sum(1 for q in queries if fts(q))}
    size, search_query.WORD_CACHE_DOCS = search_query.WORD_CACHE_DOCS, 0
    searcher._zhixin_words = None
    results = {"cold": time_queries(whoosh, queries)}  # every word looked up in the index again
    search_query.WORD_CACHE_DOCS = size
    results["whoosh"] = time_queries(whoosh, queries)  # the running engine: popular words remembered
    results["fts5"] = time_queries(fts, queries)
    print(f"\n{len(queries)} queries ({', '.join(KINDS)}; {len(queries) // len(KINDS)} each), times in ms")
    print(f"{'':10}{'whoosh p50':>11}{'p95':>7}{'cold p50':>10}{'p95':>7}{'fts5 p50':>10}{'p95':>7}")
    for kind in ("all", *KINDS):
        picked = [i for i, (k, _t) in enumerate(queries) if kind in ("all", k)]
        cells = [percentiles([results[name][i] for i in picked]) for name in ("whoosh", "cold", "fts5")]
        print(f"{kind:10}" + "".join(f"{p50:11.2f}{p95:7.2f}" if n == 0 else f"{p50:10.2f}{p95:7.2f}"
                                     for n, (p50, p95) in enumerate(cells)))
    (w50, w95), (c50, c95), (f50, f95) = (percentiles(results[n]) for n in ("whoosh", "cold", "fts5"))
    print(f"\nratio whoosh/fts5: p50 {w50 / f50:.2f}×, p95 {w95 / f95:.2f}× "
          f"(cold: p50 {c50 / f50:.2f}×, p95 {c95 / f95:.2f}×)")
    print(f"queries with results: whoosh {found['whoosh']}/{len(queries)}, fts5 {found['fts5']}/{len(queries)}")
    print(f"aim p95 < 20 ms: {'met' if w95 < 20 else 'NOT met'} ({w95:.2f} ms; cold {c95:.2f} ms)")


def typos(searcher, search, search_text, rng) -> None:
    """Queries with one wrong character: no result, so "did you mean" is computed."""
    timings, suggested = [], 0
    for topic in rng.choices(TOPICS, k=50):
        wrong = topic[:-1] + "猫"
        started = time.perf_counter()
        result = search.run(searcher, search.SearchQuery(text=wrong), search_text.parse_query(wrong, 100))
        timings.append((time.perf_counter() - started) * 1000)
        suggested += result.suggestion is not None
    p50, p95 = percentiles(timings)
    print(f"typos (did you mean): p50 {p50:.2f} ms, p95 {p95:.2f} ms, suggestion offered for {suggested}/50")


if __name__ == "__main__":
    main()
