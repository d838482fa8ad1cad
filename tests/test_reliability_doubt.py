"""Honest doubt (issue 10): a posting that is not English, or has too few words the model knows,
gets a note saying the label is a guess. `doubt_notes` is a pure function; where the prediction
is assembled, a note also sets needs_review."""

import json

import pytest

from classifier.explain.doubt import (NOT_ENGLISH, TOO_FEW_KNOWN, doubt_notes, english_share,
                                      english_words, known_words)
from classifier.training.corpus import DEFAULT_CORPUS

FRENCH = ("Nous recherchons un chef de projet expérimenté pour piloter le déploiement de notre nouvelle "
          "plateforme logistique. Vous serez responsable du budget, du planning et de la coordination "
          "des équipes techniques et métiers. Vous animerez les comités de pilotage.")
GERMAN = ("Wir suchen einen erfahrenen Projektleiter für die Einführung unserer neuen Logistikplattform. "
          "Sie verantworten Budget, Zeitplan und die Koordination der technischen Teams und der "
          "Fachbereiche. Sie leiten die Lenkungsausschüsse und berichten an die Geschäftsführung.")
GIBBERISH = ("florp zandu quimble vorst ekkle moop trandle wisp oggle frambit zorknel pliv quandor slee "
             "brop unkel vish tarn gleeb morvik snarf plo drent waffik yurl")
KERNEL = ("Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) "
          "12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1")


def counts(model, text):
    """(English function words, words) and (known, words) of a text, as prediction counts them."""
    analysis = model.language.analyze(text)
    return english_words(analysis), known_words(analysis, model.linear.score(analysis))


def notes_for(model, text):
    return doubt_notes(*counts(model, text))


@pytest.mark.parametrize("text", [FRENCH, GERMAN], ids=["french", "german"])
def test_non_english_posting_gets_a_note(model, text):
    notes = notes_for(model, text)
    english, _known = counts(model, text)
    assert notes[0] == NOT_ENGLISH.format(share=english_share(english))
    assert notes[0].startswith("the text does not read as English (")


@pytest.mark.parametrize("text", [GIBBERISH, KERNEL], ids=["gibberish", "proc-version"])
def test_too_few_known_words_gets_a_note(model, text):
    _english, (count, total) = counts(model, text)
    notes = notes_for(model, text)
    assert TOO_FEW_KNOWN.format(known=count, total=total, share=count / total) in notes


def test_no_corpus_example_gets_a_note(model):
    texts = [json.loads(line)["text"] for path in sorted((DEFAULT_CORPUS / "examples").glob("*.jsonl"))
             for line in path.read_text(encoding="utf-8").splitlines()]
    flagged = [t[:60] for t in texts if notes_for(model, t)]
    assert flagged == []


def test_a_short_english_posting_is_not_doubted_for_its_language(model):
    text = "Project manager for our warehouse automation; own the plan and the budget."
    english, _known = counts(model, text)
    assert english_share(english) is None  # too short to judge the language
    assert notes_for(model, text) == []


def test_empty_analysis_is_doubted():
    assert doubt_notes((0, 0), (0, 0)) == [TOO_FEW_KNOWN.format(known=0, total=0, share=0.0)]
