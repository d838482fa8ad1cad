"""A long-running server must not grow: classifying with evidence keeps spaCy's string store flat."""

import json

from .conftest import ROOT


def corpus_texts(n):
    texts = []
    for path in sorted((ROOT / "corpus" / "examples").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            texts.append(json.loads(line)["text"])
            if len(texts) == n:
                return texts
    return texts


def test_serve_classify_with_evidence_keeps_the_string_store_flat(model):
    strings = model.language.nlp.vocab.strings
    texts = corpus_texts(300)
    model.classify(texts[0], evidence=True)
    before = set(strings)
    results = [model.classify(t, evidence=True) for t in texts]
    # The words of the postings never stay (the store grew by over 10,000 strings over these
    # postings when they did); a few stand-ins of a new length or a new punctuation mark may.
    new = set(strings) - before
    assert len(new) < 100
    assert all(set(s) <= {"x"} or set(s) <= {"\n"} or len(s) == 1 for s in new), sorted(new)[:10]
    assert all(r.evidence for r in results[:20])  # sentences were still made and shown
