"""Text for the course search: Chinese analysis, pinyin, the user's query, snippets, captions.

Plain functions on strings (jieba and pypinyin are the only state), used by
``courses.search.engine`` at index time and at query time:

- ``ChineseTokenizer``: jieba's search-mode words (as jieba's own ``ChineseAnalyzer`` does)
  plus every Chinese character on its own, so that a one-character query finds
  something. A token's position is its character offset, so consecutive characters are
  consecutive positions and a phrase of single characters is an exact substring match.
  Letters and digits are lower-cased runs (NFKC first: full-width ``ＡＩ`` is ``ai``).
- ``pinyin_terms``: full pinyin and initials of every run of up to ``PINYIN_WINDOW``
  characters (``网络安全`` → ``wangluoanquan``, ``anquan``, ``wlaq``, ``aq``, ...).
- ``parse_query``: whatever the user typed becomes a list of plain words; operators,
  field syntax, quotes and wildcards are separators, never syntax.

jieba's own ``jieba.analyse.ChineseAnalyzer`` is not imported: importing ``jieba.analyse``
loads its TF-IDF tables and leaves a file open (a ``ResourceWarning``); the tokenizer here
does what its ``ChineseTokenizer`` does, plus the single characters.
"""
import html
import logging
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup, escape

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"(?P<cjk>[{CJK}]+)|(?P<letters>[^\W\d_{CJK}]+)|(?P<digits>\d+)")
_CJK_CHAR = re.compile(f"[{CJK}]")
# Upper-case AND/OR/NOT are operators elsewhere; here they are dropped, not searched for.
OPERATOR_WORDS = frozenset({"AND", "OR", "NOT"})
PINYIN_WINDOW = 8
MAX_QUERY_WORDS = 12

_jieba_lock = threading.Lock()
_tokenizer_lock = threading.Lock()
_jieba_ready = False


def load_jieba(cache_dir: str | Path) -> None:
    """Load jieba's dictionary once per process, keeping its prefix cache in ``cache_dir``."""
    global _jieba_ready
    if _jieba_ready:
        return
    with _jieba_lock:
        if _jieba_ready:
            return
        Path(cache_dir).mkdir(parents=True, exist_ok=True)
        import jieba  # 9 MB (with pkg_resources) before its dictionary: imported by the first search

        jieba.setLogLevel(logging.WARNING)
        jieba.dt.tmp_dir = str(cache_dir)
        jieba.dt.cache_file = "jieba.cache"
        jieba.initialize()
        _jieba_ready = True


def jieba_loaded() -> bool:
    return _jieba_ready


def normalize(text: str) -> str:
    """NFKC (full-width forms become ASCII), lower case, control characters as spaces."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)


def is_cjk(text: str) -> bool:
    return bool(text) and _CJK_CHAR.match(text) is not None


# ---- index-time analysis ------------------------------------------------------------------

def _cjk_tokens(run: str, offset: int) -> list[tuple[str, int, int]]:
    """jieba's search-mode words of two characters or more, and every character alone."""
    import jieba

    found = {(run[i], offset + i, offset + i + 1) for i in range(len(run))}
    for word, start, end in jieba.tokenize(run, mode="search"):
        if end - start >= 2:
            found.add((word, offset + start, offset + end))
    return sorted(found, key=lambda t: (t[1], t[2]))


def index_tokens(text: str) -> list[tuple[str, int, int]]:
    """``(token, start, end)`` of normalised ``text``, ordered by start offset."""
    tokens: list[tuple[str, int, int]] = []
    for match in _RUNS.finditer(normalize(text)):
        if match.lastgroup == "cjk":
            tokens.extend(_cjk_tokens(match.group(), match.start()))
        else:
            tokens.append((match.group(), match.start(), match.end()))
    return tokens


def __getattr__(name: str):
    # ChineseTokenizer subclasses Whoosh's Tokenizer, so it is made on first use: importing this
    # module imports no Whoosh (3 MB a web process may never need). Whoosh pickles it with an
    # index's schema by this module's name for it, so once made it is an attribute like any class.
    if name != "ChineseTokenizer":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    with _tokenizer_lock:
        if name not in globals():
            globals()[name] = _tokenizer_class()
    return globals()[name]


def _tokenizer_class() -> type:
    from whoosh.analysis import Token, Tokenizer

    class ChineseTokenizer(Tokenizer):
        """A Whoosh tokenizer over ``index_tokens``; ``pos`` is the character offset."""

        def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                     start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
            token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
            pieces = index_tokens(value) if tokenize else [(normalize(value), 0, len(value))]
            for text, start, end in pieces:
                token.text, token.boost, token.stopped = text, 1.0, False
                if keeporiginal:
                    token.original = text
                if positions:
                    token.pos = start_pos + start
                if chars:
                    token.startchar, token.endchar = start_char + start, start_char + end
                yield token

    ChineseTokenizer.__qualname__ = "ChineseTokenizer"  # what pickle looks up in this module
    return ChineseTokenizer


def _windows(syllables: list[str], initials: list[str]) -> set[str]:
    terms = set()
    for i in range(len(syllables)):
        for j in range(i + 1, min(len(syllables), i + PINYIN_WINDOW) + 1):
            terms.add("".join(syllables[i:j]))
            if j - i >= 2:
                terms.add("".join(initials[i:j]))
    return terms


def pinyin_terms(text: str) -> set[str]:
    """Full pinyin and initials of every window of up to ``PINYIN_WINDOW`` characters."""
    from pypinyin import Style, lazy_pinyin  # its tables are large: only indexing needs them

    terms: set[str] = set()
    for run in re.findall(f"[{CJK}]+", normalize(text)):
        syllables = [s for s in lazy_pinyin(run, style=Style.NORMAL, errors="ignore") if s.isascii()]
        if len(syllables) != len(run):  # a character without pinyin: go syllable by syllable
            syllables = [s for ch in run for s in lazy_pinyin(ch, errors="ignore")[:1] if s.isascii()]
        terms |= _windows([s.lower() for s in syllables], [s[0].lower() for s in syllables])
    return terms


# ---- the user's query -----------------------------------------------------------------------

@dataclass
class ParsedQuery:
    """The words to look for; ``truncated`` when the input was cut to the length limit."""

    words: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)  # as typed: each Chinese run whole
    cleaned: str = ""
    truncated: bool = False

    @property
    def empty(self) -> bool:
        return not self.words


def parse_query(raw: str, max_chars: int) -> ParsedQuery:
    """Split what the user typed into words; nothing in it is syntax.

    Chinese runs are cut by jieba (precise mode); letter and digit runs are words; all
    else (quotes, ``+ - * : ( )``, ``AND``/``OR``/``NOT``) separates words.
    """
    raw = raw if isinstance(raw, str) else ""
    truncated = len(raw) > max_chars
    raw = " ".join(w for w in raw[:max_chars].split() if w not in OPERATOR_WORDS)
    words: list[str] = []
    runs = list(dict.fromkeys(m.group() for m in _RUNS.finditer(normalize(raw))))[:MAX_QUERY_WORDS]
    import jieba

    for run in runs:
        words += [w for w in jieba.cut(run) if w.strip()] if is_cjk(run) else [run]
    unique = list(dict.fromkeys(words))[:MAX_QUERY_WORDS]
    return ParsedQuery(words=unique, runs=runs, cleaned=" ".join(runs), truncated=truncated)


# ---- snippets -------------------------------------------------------------------------------

def _spans(text: str, needles: list[str]) -> list[tuple[int, int]]:
    """Where any of ``needles`` occurs in ``text`` (case-insensitively), merged."""
    folded = text.casefold()
    spans = []
    for needle in {n.casefold() for n in needles if n}:
        start = folded.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = folded.find(needle, start + len(needle))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, needles: list[str]) -> Markup:
    """``text`` escaped, each occurrence of a needle wrapped in ``<mark>``."""
    out, last = [], 0
    for start, end in _spans(text, needles):
        out += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str, needles: list[str], width: int = 80) -> Markup | None:
    """About ``width`` characters of ``text`` around its first match, highlighted; or None."""
    spans = _spans(text, needles)
    if not spans:
        return None
    start = max(0, spans[0][0] - width // 4)
    end = min(len(text), start + width)
    body = highlight(text[start:end], needles)
    return Markup("").join([Markup("…") if start else Markup(""), body, Markup("…") if end < len(text) else Markup("")])


def preview(text: str, width: int = 80) -> Markup:
    """The opening of ``text`` (escaped), when nothing in it matched."""
    return escape(text[:width]) + (Markup("…") if len(text) > width else Markup(""))


def is_single_character(parsed: ParsedQuery) -> bool:
    return len(parsed.words) == 1 and len(parsed.words[0]) == 1


# ---- captions -------------------------------------------------------------------------------

_CUE_TIMING = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{2}\.\d{3}\s+-->")
_TAG = re.compile(r"<[^>]*>")


def vtt_text(vtt: str) -> str:
    """The spoken text of WebVTT captions: no header, notes, cue ids, timings or tags."""
    lines, block, in_cue = [], [], False
    for line in vtt.replace("\r\n", "\n").replace("\r", "\n").split("\n") + [""]:
        if not line.strip():
            if in_cue:
                lines.extend(block)
            block, in_cue = [], False
        elif _CUE_TIMING.match(line):
            block, in_cue = [], True
        elif in_cue:
            block.append(html.unescape(_TAG.sub("", line)).strip())
    deduped = [text for i, text in enumerate(lines) if text and (i == 0 or text != lines[i - 1])]
    return " ".join(deduped)
