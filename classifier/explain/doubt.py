"""Honest doubt: when a posting is not one the model can read, say so instead of a confident label.

The model was trained on English postings. A French or German posting, gibberish or a system file
still gets four probabilities that sum to 1, often one of them near 1, because a linear model
scores whatever few features it finds. :func:`doubt_notes` reads counts of the text itself (is it
English? how much of it does the model know?) and returns the notes to attach; any note means the
prediction needs review. The counts come from the passes that read the posting anyway (the
analyser counts words and English function words, the model counts the words it knows), so the
check costs nothing more; these are pure functions of those counts.

How a caller uses it (where the prediction is assembled)::

    notes = doubt_notes(english_words(analysis), known_words(analysis, scores))
    if notes:
        prediction.notes += notes; prediction.needs_review = True
"""

from __future__ import annotations

# The English function words counted are ``language/function_words.py``'s.
# Measured on the 1,658 corpus examples (words as the analyser's tokenizer finds them): English
# function words are at least 0.088 of a text's words (1st percentile 0.18), the shipped model
# knows at least 0.42 of them (1st percentile 0.50); French and German postings measured 0.00-0.03
# English, gibberish and /proc/version 0.00-0.15 known. No corpus example gets a note.
MIN_WORDS_FOR_LANGUAGE = 20       # fewer words say too little about the language
ENGLISH_SHARE_BELOW = 0.06
KNOWN_SHARE_BELOW = 0.35          # share of the text's words that are in the model's vocabulary
MIN_KNOWN_WORDS = 5               # fewer known words than this and there is nothing to go on

NOT_ENGLISH = ("the text does not read as English ({share:.0%} English function words); the model "
               "reads English postings only, so this label is a guess")
TOO_FEW_KNOWN = ("only {known} of the text's {total} words are ones the model knows ({share:.0%}); "
                 "the label is a guess — check that this is a job posting")


def english_words(analysis) -> tuple[int, int]:
    """(English function words, words) of a posting's text, as its Analysis counted them."""
    return analysis.english_words, analysis.words


def known_words(analysis, scores) -> tuple[int, int]:
    """(known, words): how many of the text's words the model's vocabulary holds (before the duty
    reader sets any aside), out of all its words."""
    return scores.known_words, analysis.words


def english_share(english: tuple[int, int]) -> float | None:
    """The share of the words that are English function words (None for a short text)."""
    count, total = english
    if total < MIN_WORDS_FOR_LANGUAGE:
        return None
    return count / total


def doubt_notes(english: tuple[int, int], known: tuple[int, int] | None = None) -> list[str]:
    """Notes saying why the model cannot be trusted on a text (empty when it can).

    ``english`` is :func:`english_words`' count, ``known`` :func:`known_words'`; without
    ``known``, only the language is checked."""
    notes = []
    share = english_share(english)
    if share is not None and share < ENGLISH_SHARE_BELOW:
        notes.append(NOT_ENGLISH.format(share=share))
    if known is not None:
        count, total = known
        if total == 0 or count < MIN_KNOWN_WORDS or count / total < KNOWN_SHARE_BELOW:
            notes.append(TOO_FEW_KNOWN.format(known=count, total=total,
                                              share=count / total if total else 0.0))
    return notes
