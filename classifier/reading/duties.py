"""A posting's parts: what the job asks the person to do, told apart from what surrounds it.

Real postings wrap a few duty sentences in company introduction, benefits, pay, equal-opportunity
and how-to-apply text. The label must follow the duties, so a posting is cut into units (a line,
or a sentence of a long line: headings, bullets, sentences) by :func:`units`.

:func:`read_parts` names each unit's kind by rule: a duty-bearing kind (``duties``,
``requirements``, ``summary``) or a surrounding kind (``company``, ``benefits``, ``pay``,
``equal_opportunity``, ``application``, ``legal``). Headings decide for the units under them; a
unit's own wording decides where there is no heading, or where it plainly belongs elsewhere (a
pay sentence inside "The role" is still pay). These rules are precise under headings and weak
elsewhere, so they are not what the model decides with: training uses them, with the team's
bank of surrounding passages, to teach the model's duty reader (a linear decision per unit over
the model's own features, see ``model/reader.py``), which generalises to unheaded text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DUTY_KINDS = ("duties", "requirements", "summary")
SURROUNDING_KINDS = ("company", "benefits", "pay", "equal_opportunity", "application", "legal")


@dataclass(frozen=True)
class Part:
    """One unit of a posting: its kind and its character span in the text."""

    kind: str
    start: int
    end: int

    @property
    def is_duty(self) -> bool:
        return self.kind in DUTY_KINDS


def _words(*phrases: str) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.IGNORECASE)


# What a heading names. Order matters: the first kind whose pattern matches wins.
_HEADINGS = (
    ("equal_opportunity", _words(r"equal (?:employment )?opportunit\w*", r"eeo", r"divers\w+", r"inclusi\w+",
                                 r"accessib\w+", r"reasonable adjustments?", r"accommodations?",
                                 r"non-?discrimination", r"belonging")),
    ("benefits", _words(r"benefits?", r"perks?", r"what we offer", r"we offer", r"what'?s in it for you",
                        r"why (?:join|work)\w*(?: \w+){0,3}", r"rewards?", r"our offer", r"what you(?:'ll)? get",
                        r"life at \w+", r"working (?:here|with us|for us)", r"wellbeing")),
    ("pay", _words(r"salary", r"pay(?: range| scale| band)?", r"compensation", r"remuneration",
                   r"package", r"rate")),
    ("application", _words(r"how to apply", r"apply", r"applications?", r"next steps?", r"interviews?",
                           r"(?:hiring|recruitment|selection|application) process", r"closing date",
                           r"contacts?", r"required documents", r"how you will be evaluated",
                           r"additional information", r"further information", r"help", r"timeline")),
    ("legal", _words(r"conditions of employment", r"security clearance", r"clearance", r"right to work",
                     r"visa", r"sponsorship", r"disclosure", r"dbs", r"safeguarding", r"privacy",
                     r"data protection", r"gdpr", r"background checks?", r"legal", r"disclaimer",
                     r"fraud", r"notice")),
    ("company", _words(r"about (?:us|the company|the organi[sz]ation|the employer|the trust|our \w+|\w+)",
                       r"who we are", r"our (?:company|story|mission|values|culture|purpose|client)",
                       r"the company", r"company (?:description|overview|profile)", r"employer details",
                       r"our team", r"mission", r"values", r"culture", r"the organi[sz]ation")),
    ("requirements", _words(r"requirements?", r"qualifications?", r"skills?", r"experience", r"what you bring",
                            r"what we(?:'re| are) looking for", r"about you", r"who you are", r"you have",
                            r"your profile", r"profile", r"person specification", r"essential", r"desirable",
                            r"must haves?", r"nice to haves?", r"competenc\w+", r"education",
                            r"you might be a (?:good )?fit", r"ideal candidate", r"knowledge",
                            r"bonus points", r"preferred", r"minimum", r"criteria")),
    ("duties", _words(r"responsibilit\w+", r"duties", r"what you(?:'ll| will) do", r"what you(?:'ll| will) be doing",
                      r"the role", r"your role", r"role", r"job (?:purpose|summary|description|overview)",
                      r"accountabilities", r"day[- ]to[- ]day", r"your tasks", r"tasks", r"the job",
                      r"position (?:summary|overview|description)", r"the opportunity", r"in this role",
                      r"your mission", r"key (?:areas|deliverables|objectives)", r"main purpose",
                      r"overview", r"summary", r"the position", r"scope", r"impact")),
)

# Wording that marks a unit as surrounding text wherever it stands.
_CUES = (
    ("equal_opportunity", _words(r"equal (?:employment )?opportunit\w*", r"regardless of", r"sexual orientation",
                                 r"gender identity", r"national origin", r"protected (?:veteran|characteristic)\w*",
                                 r"veteran status", r"marital", r"religion", r"disabilit\w+", r"under-?represented",
                                 r"discriminat\w+", r"reasonable (?:adjustments?|accommodations?)",
                                 r"diverse (?:workforce|backgrounds?|team)", r"inclusive (?:workplace|employer|culture)",
                                 r"disability confident", r"all qualified applicants")),
    ("benefits", _words(r"pension", r"401\(?k\)?", r"dental", r"vision (?:insurance|cover\w*)", r"annual leave",
                        r"paid time off", r"pto", r"holidays?", r"health (?:insurance|cover\w*|care plan)",
                        r"medical (?:insurance|cover\w*)", r"life (?:insurance|assurance)", r"parental leave",
                        r"maternity", r"paternity", r"gym", r"wellbeing", r"well-being", r"stock options",
                        r"equity", r"bonus", r"childcare", r"cycle to work", r"season ticket", r"discounts?",
                        r"flexible working", r"hybrid working", r"remote[- ]first", r"learning budget",
                        r"employee assistance", r"sick pay", r"perks?", r"benefits?")),
    ("pay", _words(r"salary", r"per annum", r"per hour", r"p\.?a\.?", r"pay (?:range|scale|band)",
                   r"compensation", r"remuneration", r"day rate", r"ir35", r"base pay", r"[£$€]\s?\d[\d,.]*k?",
                   r"\d[\d,.]*\s?(?:k|gbp|usd|eur)", r"band \d\w?", r"agenda for change")),
    ("application", _words(r"apply", r"applications?", r"applicants?", r"cv", r"résumé", r"resume",
                           r"cover letter", r"closing date", r"shortlist\w*", r"interviews?", r"click",
                           r"submit", r"recruit\w*", r"hiring process", r"get in touch", r"contact us",
                           r"email us", r"vacancy", r"job reference", r"candidates? (?:will|may|must|should)")),
    ("legal", _words(r"background checks?", r"criminal record", r"dbs", r"right to work", r"visa",
                     r"sponsor\w*", r"security clearance", r"clearance", r"data protection", r"privacy",
                     r"gdpr", r"e-verify", r"drug (?:test|screen)\w*", r"citizenship", r"u\.s\. citizens?",
                     r"safeguarding", r"rehabilitation of offenders", r"fraud\w*", r"at-will")),
)

# Wording that speaks of the job itself: a unit with it is never surrounding text by heading alone.
_JOB = _words(r"you(?:'ll| will| would)", r"the (?:role|post ?holder|successful (?:candidate|applicant)|position|job)",
              r"this (?:role|position|post|job)", r"responsible for", r"your (?:role|responsibilities|day)")
# ... nor by its cues alone, if it has a duty verb too.
_ROLE = _words(r"you(?:'ll| will| would)", r"the (?:role|post ?holder|successful (?:candidate|applicant)|position|job)",
               r"this (?:role|position|post|job)", r"responsib\w+", r"your (?:role|responsibilities|day)",
               r"(?:we are|we're) (?:looking|seeking|hiring|recruiting)", r"looking for an?", r"seeking an?",
               r"manage\w*", r"lead\w*", r"own\w*", r"deliver\w*", r"plan\w*", r"define\w*", r"prioriti[sz]\w*",
               r"experience (?:in|of|with)", r"ensure\w*", r"coordinat\w+", r"oversee\w*", r"develop\w*")
# Company introduction without a heading: "we"/"our" statements that say nothing of the job.
_COMPANY = _words(r"we are (?:a|an|the|one)", r"we're (?:a|an|the|one)", r"founded", r"headquarter\w*",
                  r"our (?:mission|vision|values|purpose|story|customers|clients|products|people|company|culture)",
                  r"employees", r"offices? (?:in|across)", r"award-winning", r"leading (?:provider|supplier)",
                  r"world'?s (?:leading|largest)", r"fortune \d+", r"(?:is|are) (?:a|an|the) (?:leading|global|fast)",
                  r"since (?:1[89]|20)\d\d", r"we (?:help|serve|build|make|provide|believe|exist)")

_BULLET = re.compile(r"^[ \t]*(?:[-•*·▪‣◦–]|\d+[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_INLINE_HEADING = re.compile(r"^\s*([A-Z][^.!?:\n]{1,60}?)\s*:\s+(?=\S)")
HEADING_MAX_WORDS = 6  # "Main duties of the job", "What you'll be doing": a longer line is prose


def _heading_kind(line: str) -> str | None:
    words = line.strip(" \t#*:-–|").strip()
    if not words or len(words.split()) > HEADING_MAX_WORDS or words.endswith((".", "!", "?", ",", ";")):
        return None
    if words[0].islower():  # a heading starts with a capital; "and budget" is a wrapped line
        return None
    for kind, pattern in _HEADINGS:
        if pattern.search(words):
            return kind
    return None


def _cue_kind(unit: str) -> str | None:
    for kind, pattern in _CUES:
        if pattern.search(unit) and not _ROLE.search(unit):
            return kind
    if _COMPANY.search(unit) and not _ROLE.search(unit):
        return "company"
    return None


def units(text: str) -> list[tuple[int, int]]:
    """The character spans of a posting's units, in text order."""
    return [(start, end) for start, end, _ in _units(text)]


_LOWER_START = re.compile(r"[ \t]*[a-z(]")


def _lines(text: str):
    """(start, end) of each logical line: a line break before a lower-case word, after a line
    with no closing punctuation, is a soft wrap inside a sentence and does not end the line."""
    pos = 0
    for m in re.finditer(r"\r?\n", text):
        before = text[pos:m.start()].rstrip(" \t")
        soft = before and before[-1] not in ".!?:;" and _LOWER_START.match(text, m.end())
        if not soft:
            yield pos, m.start()
            pos = m.end()
    yield pos, len(text)


def _units(text: str):
    """(start, end, is_line_start) of every logical line, or of each sentence of a long one."""
    for line_start, line_end in _lines(text):
        body = text[line_start:line_end]
        core = body.lstrip()
        if not core:
            continue
        at = line_start + len(body) - len(core)
        core = core.rstrip()
        begin = 0
        for m in _SENTENCE_END.finditer(core):
            yield at + begin, at + m.start(), begin == 0
            begin = m.end()
        yield at + begin, at + len(core), begin == 0


def read_parts(text: str) -> list[Part]:
    """Every unit of the posting (as :func:`units` cuts it) with its kind by rule, in text order."""
    parts: list[Part] = []
    section: str | None = None
    for start, end, line_start in _units(text):
        unit = text[start:end]
        stripped = _BULLET.sub("", unit)
        heading = _heading_kind(stripped) if line_start else None
        if heading is not None:
            section = heading
            parts.append(Part(heading, start, end))
            continue
        inline = _INLINE_HEADING.match(stripped)
        if inline and _heading_kind(inline.group(1)):
            section = _heading_kind(inline.group(1))
        cue = _cue_kind(unit)
        if section in SURROUNDING_KINDS:
            if _JOB.search(unit) and section not in ("equal_opportunity", "legal"):
                kind = "summary"
            else:
                kind = cue or section
        elif cue is not None:
            kind = cue
        else:
            kind = section or "summary"
        parts.append(Part(kind, start, end))
    return parts
