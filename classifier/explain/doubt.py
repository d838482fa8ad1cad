"""Honest doubt: when a posting is not one the model can read, say so instead of a confident label.

The model was trained on English postings. A French or German posting, gibberish or a system file
still gets four probabilities that sum to 1, often one of them near 1, because a linear model
scores whatever few features it finds. :func:`doubt_notes` looks at the text itself (is it
English? how much of it does the model know?) and returns the notes to attach; any note means the
prediction needs review. Pure functions of their arguments, so they are cheap and testable alone.

How a caller uses it (where the prediction is assembled)::

    notes = doubt_notes(text, known_word_share(words, vocabulary))
    if notes:
        prediction.notes += notes; prediction.needs_review = True
"""

from __future__ import annotations

import re

# English function words: frequent in every English posting, rare in French, German, Spanish,
# Dutch or Italian ones (words those languages share with English, like "a", "in", "die",
# "so", "also", are left out).
ENGLISH_FUNCTION_WORDS = frozenset("""
the and of to for with you we our your will is are be on as that this an or by from at have has
who which what when where how it its they their them us can would should could may must been
being was were not no any all more most about into over under than then there these those
while if each other such only own both through during before after also just very
""".split())

# Measured on the 1,658 corpus examples: English function words are at least 0.095 of a text's
# words (1st percentile 0.18), the shipped model knows at least 0.42 of its lemmas (1st
# percentile 0.50); French and German postings measured 0.00-0.03, gibberish and /proc/version
# 0.00-0.26 known. No corpus example gets a note.
MIN_WORDS_FOR_LANGUAGE = 20       # fewer words say too little about the language
ENGLISH_SHARE_BELOW = 0.06
KNOWN_SHARE_BELOW = 0.35          # share of the text's analysed words in the model's vocabulary
MIN_KNOWN_WORDS = 5               # fewer known words than this and there is nothing to go on

NOT_ENGLISH = ("the text does not read as English ({share:.0%} English function words); the model "
               "reads English postings only, so this label is a guess")
TOO_FEW_KNOWN = ("only {known} of the text's {total} words are ones the model knows ({share:.0%}); "
                 "the label is a guess — check that this is a job posting")

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)


def words(text: str) -> list[str]:
    """The text's words (letters only), lower-cased."""
    return [w.lower() for w in _WORD.findall(text)]


def english_share(text: str) -> float | None:
    """The share of the text's words that are English function words (None for a short text)."""
    found = words(text)
    if len(found) < MIN_WORDS_FOR_LANGUAGE:
        return None
    return sum(w in ENGLISH_FUNCTION_WORDS for w in found) / len(found)


def known_word_share(tokens, vocabulary) -> tuple[int, int]:
    """(known, total): how many of ``tokens`` (the model's analysed words of the text) are in
    ``vocabulary`` (anything supporting ``in``: the model's unigram vocabulary)."""
    tokens = list(tokens)
    return sum(t in vocabulary for t in tokens), len(tokens)


def doubt_notes(text: str, known: tuple[int, int] | None = None) -> list[str]:
    """Notes saying why the model cannot be trusted on ``text`` (empty when it can).

    ``known`` is :func:`known_word_share`'s (known, total) for the text's analysed words; without
    it, only the language is checked."""
    notes = []
    share = english_share(text)
    if share is not None and share < ENGLISH_SHARE_BELOW:
        notes.append(NOT_ENGLISH.format(share=share))
    if known is not None:
        count, total = known
        if total == 0 or count < MIN_KNOWN_WORDS or count / total < KNOWN_SHARE_BELOW:
            notes.append(TOO_FEW_KNOWN.format(known=count, total=total,
                                              share=count / total if total else 0.0))
    return notes
