"""The Whoosh tokenizer of the course index, over courses.search.text.index_tokens.

A module of its own so that importing courses.search.text imports no Whoosh (3 MB per web
process): the index's schema imports it when an index is built or opened.
"""
from whoosh.analysis import Token, Tokenizer

from courses.search.text import index_tokens, normalize


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
