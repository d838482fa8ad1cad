"""Sentences of a posting, for the evidence an explanation shows.

They come from spaCy's blank English pipeline and its sentencizer, with a word tokenizer of our
own (spaCy's English one compiles hundreds of rules at start-up), plus line-break rules for the
bullets and headings that postings are made of. Run only where sentences are shown.
"""

from __future__ import annotations

import re
import unicodedata

_SHOWN_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|(?:[^\W\d_]\.){2,}|[^\W_]+(?:[-'’&][^\W_]+)*|\S")


_STAND_IN_CHARS = 32  # a longer word or gap becomes several stand-in tokens
_WORDS = ["x" * n for n in range(_STAND_IN_CHARS + 1)]


def _stand_ins(n: int, fill: str) -> list[str]:
    """Stand-ins for a token of n characters: pieces of at most _STAND_IN_CHARS."""
    return [fill * min(_STAND_IN_CHARS, n - i) for i in range(0, n, _STAND_IN_CHARS)]


class WordTokenizer:
    """Words and single punctuation marks, for the shown pipeline's sentences.

    spaCy's default English tokenizer compiles hundreds of rules at start-up, which costs more
    than a one-posting run should; sentence boundaries only need words and punctuation apart.

    The Doc holds stand-ins of the same length rather than the words themselves: "x"s for a word,
    newlines for a gap, the mark itself only for punctuation. The sentencizer looks at nothing but
    punctuation, and only character offsets are read back, so the sentences are the same; but
    spaCy keeps every string and lexeme a Doc was made of for the life of the process, and real
    words would grow that store with every posting (a server's memory without bound), while the
    stand-ins are a fixed, small set that is built once and reused.
    """

    def __init__(self, vocab):
        self.vocab = vocab

    def __call__(self, text: str):
        from spacy.tokens import Doc

        words, spaces, pos = [], [], 0
        for m in _SHOWN_TOKEN_RE.finditer(text):
            self._gap(text[pos:m.start()], words, spaces)
            start, pos = m.span()
            n = pos - start
            if n == 1:
                mark = text[start]
                words.append(mark if unicodedata.category(mark)[0] == "P" else "x")
                spaces.append(False)
            elif n <= _STAND_IN_CHARS:
                words.append(_WORDS[n])
                spaces.append(False)
            else:
                pieces = _stand_ins(n, "x")
                words.extend(pieces)
                spaces.extend([False] * len(pieces))
        self._gap(text[pos:], words, spaces)
        return Doc(self.vocab, words=words, spaces=spaces)

    @staticmethod
    def _gap(gap: str, words: list, spaces: list) -> None:
        """Whitespace between tokens, spaCy-style: one space is a flag, more is a token."""
        if not gap:
            return
        if gap[0] == " " and words:
            spaces[-1] = True
            gap = gap[1:]
        if gap:
            pieces = _stand_ins(len(gap), "\n")
            words.extend(pieces)
            spaces.extend([False] * len(pieces))


def _register_tokenizer():
    from spacy.util import registry

    name = "pmrole.word_tokenizer.v1"
    if name not in registry.tokenizers:
        registry.tokenizers.register(name, func=lambda: lambda nlp: WordTokenizer(nlp.vocab))
    return name


def sentence_pipeline():
    """spaCy's blank English pipeline with the word tokenizer and the rule-based sentencizer."""
    import spacy

    nlp = spacy.blank("en", config={"nlp": {"tokenizer": {"@tokenizers": _register_tokenizer()}}})
    nlp.add_pipe("sentencizer")
    return nlp


def sentence_spans(nlp, text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of a text; list items and headings count as sentences.

    A line break ends a sentence after a blank line, before a bullet, or after a short line
    (a heading) or terminal punctuation; other line breaks are soft wraps inside a sentence.
    """
    cuts = {m.start() for m in _HARD_BREAK_RE.finditer(text)}
    line_start = 0
    for m in re.finditer("\n", text):
        if m.start() - line_start <= _HEADING_CHARS:
            cuts.add(m.start())
        line_start = m.end()
    spans = []
    for sent in nlp(text).sents:
        start = sent.start_char
        for cut in sorted(c for c in cuts if sent.start_char < c < sent.end_char):
            spans.append((start, cut))
            start = cut
        spans.append((start, sent.end_char))
    result = []
    for start, end in spans:
        piece = text[start:end]
        stripped = piece.strip()
        if stripped:
            begin = start + piece.index(stripped[0])
            result.append((begin, begin + len(stripped)))
    return result


# A line break that ends a unit: after terminal punctuation, before a blank line or a bullet.
_HARD_BREAK_RE = re.compile(
    r"(?<=[.!?:;])[ \t]*\n|\n(?=[ \t]*\n)|\n(?=[ \t]*(?:[-•*·▪‣◦–]|\d+[.)])\s)")
_HEADING_CHARS = 60  # a line this short is a heading or a list item, not a soft-wrapped sentence
