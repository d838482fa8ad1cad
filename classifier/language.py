"""Language processing: the features the model sees, and the sentences an explanation shows.

Features come from a fast regular-expression tokenizer and spaCy's English lookup lemma table
(spacy-lookups-data), so training and prediction use exactly the same features at a cost close
to a plain vectorizer's. Role traits are matched by spaCy's PhraseMatcher over those same lemmas.
Sentences for evidence come from the spaCy pipeline (blank "en" + sentencizer), run only where
they are shown. One :class:`Language` is built per process and set of traits, then reused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .traits import Trait

TOKEN_RE = re.compile(r"[^\W_]+(?:[-'’&][^\W_]+)*")
TITLE_PREFIX = "title:"
TRAIT_PREFIX = "trait:"
BLOCKS = ("text", "title", "trait")  # each block of the feature vector is normalised on its own


def block_of(term: str) -> int:
    """Which block a feature belongs to: 0 text n-gram, 1 title n-gram, 2 trait match."""
    if term.startswith(TITLE_PREFIX):
        return 1
    if term.startswith(TRAIT_PREFIX):
        return 2
    return 0
_LEMMA_CACHE_LIMIT = 500_000


@dataclass
class Analysis:
    """A posting's features, each with where it came from (field, start, end), and its trait hits."""

    features: list[str] = field(default_factory=list)
    spans: list[tuple[str, int, int]] = field(default_factory=list)
    trait_hits: list[tuple[str, str, int, int]] = field(default_factory=list)


class Language:
    """spaCy pipeline, lemma table and trait matcher for one set of traits."""

    def __init__(self, traits: list[Trait]):
        import spacy
        from spacy.lang.en.stop_words import STOP_WORDS
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        nlp = spacy.blank("en")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.add_pipe("sentencizer")
        nlp.initialize()
        self.nlp = nlp
        self._doc = Doc
        self._table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        self._cache: dict[str, str] = {}
        self._stop = frozenset(STOP_WORDS)
        self.traits = {t.name: t for t in traits}
        self.matcher = PhraseMatcher(nlp.vocab)
        for trait in traits:
            patterns = [Doc(nlp.vocab, words=self.lemmas(p)) for p in trait.phrases]
            self.matcher.add(trait.name, [p for p in patterns if len(p)])
        self._trait_ids = {nlp.vocab.strings[t.name]: t.name for t in traits}

    def lemma(self, word: str) -> str:
        lemma = self._cache.get(word)
        if lemma is None:
            if len(self._cache) > _LEMMA_CACHE_LIMIT:
                self._cache.clear()
            lemma = self._cache[word] = self._table.get(word, word)
        return lemma

    def tokens(self, text: str) -> list[tuple[str, int, int]]:
        """(lemma, start, end) for every word of the text."""
        lemma = self.lemma
        return [(lemma(m.group().lower()), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]

    def lemmas(self, text: str) -> list[str]:
        return [t[0] for t in self.tokens(text)]

    def _ngrams(self, toks, field_name: str, prefix: str, out: Analysis) -> None:
        stop = self._stop
        prev = None
        for tok in toks:
            lemma, start, end = tok
            keep = not lemma.isdigit()
            if keep and lemma not in stop and len(lemma) > 1:
                out.features.append(prefix + lemma)
                out.spans.append((field_name, start, end))
            if prev is not None and keep and prev[0] not in stop and lemma not in stop:
                out.features.append(f"{prefix}{prev[0]} {lemma}")
                out.spans.append((field_name, prev[1], end))
            prev = tok if keep else None

    def analyze(self, text: str, title: str = "") -> Analysis:
        """Features of a posting: lemma 1-2 grams of the text, of the title, and trait matches."""
        out = Analysis()
        toks = self.tokens(text)
        self._ngrams(toks, "text", "", out)
        if title:
            self._ngrams(self.tokens(title), "title", TITLE_PREFIX, out)
        if toks:
            doc = self._doc(self.nlp.vocab, words=[t[0] for t in toks])
            for match_id, start, end in self.matcher(doc):
                name = self._trait_ids[match_id]
                span = ("text", toks[start][1], toks[end - 1][2])
                out.trait_hits.append((name, *span))
                out.features.append(TRAIT_PREFIX + name)
                out.spans.append(span)
        return out

    def sentences(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the sentences (and of separate lines, such as bullets) of a text."""
        doc = self.nlp(text, disable=["lemmatizer"])
        spans = []
        for sent in doc.sents:
            offset = sent.start_char
            for part in re.split(r"(\n+)", sent.text):
                stripped = part.strip()
                if stripped and not part.startswith("\n"):
                    start = offset + part.index(stripped[0])
                    spans.append((start, start + len(stripped)))
                offset += len(part)
        return spans


_LANGUAGES: dict[tuple, Language] = {}


def language_for(traits: list[Trait]) -> Language:
    """The process-wide Language for these traits (built on first use)."""
    key = tuple((t.name, t.phrases) for t in traits)
    if key not in _LANGUAGES:
        _LANGUAGES[key] = Language(traits)
    return _LANGUAGES[key]
