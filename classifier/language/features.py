"""The features the model sees: lemma 1-2 grams of a posting's text and title, with offsets.

They come from a fast regular-expression tokenizer and spaCy's English lookup lemma table
(the one its ``lemmatizer`` uses in ``lookup`` mode, from spacy-lookups-data), so training and
prediction use exactly the same features at a cost close to a plain vectorizer's. Role traits
are matched by spaCy's PhraseMatcher over those same lemmas, in the same pass; they are shown
as evidence, and their ``trait:`` features are dropped by training (block weight 0). One
:class:`Language` is built per process and set of traits, then reused.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ModelError
from ..reading.duties import units as posting_units
from .function_words import ENGLISH_FUNCTION_WORDS
from .sentences import sentence_pipeline, sentence_spans
from .traits import Trait

TOKEN_RE = re.compile(r"[^\W_]+(?:[-'’&][^\W_]+)*")
TITLE_PREFIX = "title:"
TRAIT_PREFIX = "trait:"
BLOCKS = ("text", "title", "trait")  # each block of the feature vector is normalised on its own
WORD_CACHE_SIZE = 200_000  # words whose lemma and kind a Language remembers (~35 MB at most)


def block_of(term: str) -> int:
    """Which block a feature belongs to: 0 text n-gram, 1 title n-gram, 2 trait match."""
    if term.startswith(TITLE_PREFIX):
        return 1
    if term.startswith(TRAIT_PREFIX):
        return 2
    return 0


@dataclass
class Analysis:
    """A posting's features, each with where it came from (field, start, end), its trait hits,
    and the character spans of its text's units (lines and sentences, for the duty reader)."""

    features: list[str] = field(default_factory=list)
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    trait_hits: list[tuple[str, str, int, int]] = field(default_factory=list)
    units: list[tuple[int, int]] = field(default_factory=list)
    text_starts: list[int] = field(default_factory=list)  # start of each text n-gram (the first ones)
    words: int = 0           # the text's words, and how many of them are English function words:
    english_words: int = 0   # what the doubt check reads (explain/doubt.py), counted in the same pass


class Language:
    """spaCy pipeline, lemma table and trait matcher for one set of traits."""

    def __init__(self, traits: list[Trait]):
        from spacy.lang.en.stop_words import STOP_WORDS
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self.nlp = nlp = sentence_pipeline()
        self._doc = Doc
        self._table = lemma_table()
        self._stop = frozenset(STOP_WORDS)
        self._words: dict[str, tuple] = {}
        self.matcher = PhraseMatcher(nlp.vocab)
        self._phrase_words: set[str] = set()
        self.phrase_traits: dict[str, str] = {}  # "manage budget" -> "budget_and_cost"
        for trait in traits:
            patterns = [self.lemmas(p) for p in trait.phrases]
            for words in patterns:
                self.phrase_traits.setdefault(" ".join(words), trait.name)
            self._phrase_words.update(w for words in patterns for w in words)
            self.matcher.add(trait.name, [Doc(nlp.vocab, words=w) for w in patterns if w])
        self._trait_ids = {nlp.vocab.strings[t.name]: t.name for t in traits}

    def lemmas(self, text: str) -> list[str]:
        """The lemma of every word of a text (as the features see them)."""
        get = self._table.get
        return [get(w, w) for w in TOKEN_RE.findall(text.lower())]

    def _word(self, word: str) -> tuple:
        """What a scan needs to know of a word: its lemma, whether a trait phrase uses it, whether
        it is an English function word, whether it is a stop word or a number (no feature), and
        whether its lemma makes a unigram (longer than one letter). Cached per word."""
        lemma = self._table.get(word, word)
        info = (lemma, lemma in self._phrase_words, word in ENGLISH_FUNCTION_WORDS,
                lemma in self._stop or lemma.isdigit(), len(lemma) > 1)
        if len(self._words) < WORD_CACHE_SIZE:  # a bound for streams of unique tokens (ids, typos)
            self._words[word] = info
        return info

    def _scan_text(self, text: str, out: Analysis):
        """One pass over the words of the text: append its lemma 1-2 grams to ``out``, count its
        words and English function words, and return the words the trait matcher needs with
        their character offsets.

        Words in no trait phrase cannot take part in a match, so each run of them becomes one
        placeholder ("_", never a token of TOKEN_RE): the matcher's Doc is a fraction of the
        posting's length, and cheap to build.
        """
        cached, word_info = self._words.get, self._word
        features, spans, starts_out = out.features, out.spans, out.text_starts
        lowered = text.lower()
        same = len(lowered) == len(text)  # the usual case: offsets survive lower-casing
        words, starts, ends, gap = [], [], [], False
        english_words = n_words = 0
        prev_lemma, prev_start = None, 0
        for m in TOKEN_RE.finditer(lowered if same else text):
            word = m.group() if same else m.group().lower()
            lemma, phrase, english, skip, unigram = cached(word) or word_info(word)
            start, end = m.span()
            n_words += 1
            english_words += english
            if phrase:
                words.append(lemma)
                starts.append(start)
                ends.append(end)
                gap = False
            elif not gap:
                words.append("_")
                starts.append(start)
                ends.append(end)
                gap = True
            if skip:
                prev_lemma = None
                continue
            if unigram:
                features.append(lemma)
                spans.append(("text", start, end))
                starts_out.append(start)
            if prev_lemma is not None:
                features.append(f"{prev_lemma} {lemma}")
                spans.append(("text", prev_start, end))
                starts_out.append(prev_start)
            prev_lemma, prev_start = lemma, start
        out.words, out.english_words = n_words, english_words
        return words, starts, ends

    def _scan_title(self, title: str, out: Analysis):
        """The title's lemma 1-2 grams, prefixed ``title:``, appended to ``out``."""
        cached, word_info = self._words.get, self._word
        features, spans = out.features, out.spans
        lowered = title.lower()
        same = len(lowered) == len(title)
        prev_lemma, prev_start = None, 0
        for m in TOKEN_RE.finditer(lowered if same else title):
            word = m.group() if same else m.group().lower()
            lemma, _phrase, _english, skip, unigram = cached(word) or word_info(word)
            start, end = m.span()
            if skip:
                prev_lemma = None
                continue
            if unigram:
                features.append(TITLE_PREFIX + lemma)
                spans.append(("title", start, end))
            if prev_lemma is not None:
                features.append(f"{TITLE_PREFIX}{prev_lemma} {lemma}")
                spans.append(("title", prev_start, end))
            prev_lemma, prev_start = lemma, start

    def analyze(self, text: str, title: str = "") -> Analysis:
        """Features of a posting: lemma 1-2 grams of the text, of the title, and trait matches."""
        out = Analysis(units=posting_units(text))
        words, starts, ends = self._scan_text(text, out)
        if title:
            self._scan_title(title, out)
        if words:
            doc = self._doc(self.nlp.vocab, words=words)
            for match_id, start, end in self.matcher(doc):
                name = self._trait_ids[match_id]
                span = ("text", starts[start], ends[end - 1])
                out.trait_hits.append((name, *span))
                out.features.append(TRAIT_PREFIX + name)
                out.spans.append(span)
        return out

    def sentences(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the sentences of a text (see :func:`sentence_spans`)."""
        return sentence_spans(self.nlp, text)


def lemma_table() -> dict[str, str]:
    """spaCy's English lookup lemma table, as spacy-lookups-data ships it.

    It is the table spaCy's ``lemmatizer`` uses in ``lookup`` mode; read straight from the
    package's data file it loads in ~15 ms, where spaCy's hashed Lookups take ~100 ms.
    """
    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("spacy-lookups-data is not installed; run `pip install spacy-lookups-data`.")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "en_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


_LANGUAGES: dict[tuple, Language] = {}


def language_for(traits: list[Trait]) -> Language:
    """The process-wide Language for these traits (built on first use)."""
    key = tuple((t.name, t.phrases) for t in traits)
    if key not in _LANGUAGES:
        _LANGUAGES[key] = Language(traits)
    return _LANGUAGES[key]
