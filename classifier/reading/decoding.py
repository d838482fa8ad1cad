"""Bytes to text, in one place for every reader: byte-order marks, UTF-8, then detection.

A posting file is decoded whole (:func:`decode`); a listing file is judged from its first
megabyte (:func:`sample_encoding`) and then streamed. Both read the same BOM table, longest mark
first, so a UTF-32 file (whose mark begins like UTF-16's) is never read as UTF-16.

UTF-8 is preferred: a file with any valid multi-byte UTF-8 in it is read as UTF-8, and only the
byte runs that are not UTF-8 are re-read as cp1252 (:func:`repair`), so a stray Windows byte in an
otherwise UTF-8 export changes that one run, never the cells around it.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from ..errors import InputError

# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
# Detection cannot tell the Western single-byte code pages apart on a few accented letters;
# job postings in them are overwhelmingly Windows-1252, so any of these guesses is read as cp1252.
_LATIN_GUESSES = {
    "cp1250", "cp1252", "cp1254", "cp1257", "latin_1", "iso8859_1", "iso8859_2", "iso8859_9",
    "iso8859_15", "mac_roman", "mac_latin2", "cp850", "cp437", "cp775",
}
UNICODE_HINT = "re-export the file as UTF-8, or pass --encoding (e.g. --encoding cp1252)"
_WESTERN_PUNCTUATION = set("–—‘’‚“”„•…€™«»°£¥§¶·×÷¡¿©®±²³¹¼½¾\u00a0")
_SURROGATES = re.compile("[\udc80-\udcff]+")


def bom_encoding(data: bytes) -> str | None:
    """The encoding that ``data``'s byte-order mark names, or None when it has none."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when ``data`` is mostly ASCII-range UTF-16 without a mark (one
    NUL in every pair of bytes, always on the same side), else None."""
    head = data[:8192]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) >= 0.9 * len(zeros) and other.count(0) <= 0.02 * len(other):
            return encoding
    return None


def repair(value: str) -> tuple[str, bool]:
    """Text read with ``errors="surrogateescape"``: each run of undecodable bytes re-read as
    cp1252 (the rest of the text is kept exactly); True when anything was re-read."""
    if value.isascii() or not _SURROGATES.search(value):
        return value, False
    return _SURROGATES.sub(lambda m: m.group().encode("utf-8", "surrogateescape")
                           .decode("cp1252", errors="replace"), value), True


def _has_utf8_multibyte(text: str) -> bool:
    """Text decoded with surrogateescape holds a character that took several UTF-8 bytes."""
    return any(ord(c) > 127 and not 0xDC80 <= ord(c) <= 0xDCFF for c in text)


def _western(data: bytes) -> bool:
    """Reading ``data`` as cp1252 gives sparse Latin accents and typography, as Western text
    has (Cyrillic or Greek code pages read this way give runs of accented capitals instead)."""
    text = data.decode("cp1252", errors="replace")
    high = [c for c in text if ord(c) > 127]
    if not high:
        return True
    latin = sum(c in _WESTERN_PUNCTUATION or unicodedata.name(c, "").startswith("LATIN") for c in high)
    letters = sum(c.isalpha() for c in text)
    return latin >= 0.9 * len(high) and len(high) <= 0.3 * max(letters, 1)


def decode(data: bytes, source: str) -> str:
    """Decode bytes to text: BOM, then UTF-8 (with any non-UTF-8 runs read as cp1252), then
    detection. Raises InputError on binary data."""
    encoding = bom_encoding(data)
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            raise InputError(f"{source}: the file starts with a {encoding} byte-order mark but "
                             f"is not valid {encoding}; re-save it as UTF-8.") from None
    encoding = utf16_without_bom(data)
    if encoding is not None:
        return data.decode(encoding, errors="replace")
    if b"\x00" in data[:8192]:
        raise InputError(f"{source}: this looks like a binary file, not a job posting; give a "
                         ".txt, .md, .html or .json file.")
    text = data.decode("utf-8", errors="surrogateescape")
    if text.isascii() or not _SURROGATES.search(text):
        return text
    if _has_utf8_multibyte(text):
        return repair(text)[0]
    encoding = guess_encoding(data)
    if encoding is None:
        raise InputError(f"{source}: cannot tell how this file's text is encoded (it may be "
                         "binary); re-save it as UTF-8 text.")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode("latin-1")


def sample_encoding(sample: bytes, source: str, complete: bool) -> str:
    """The encoding of a streamed file judged from its first bytes; ``complete`` when the sample
    is the whole file (else it may end inside a multi-byte character). UTF-8 whenever the sample
    holds valid multi-byte UTF-8: the reader then repairs the runs that are not."""
    encoding = bom_encoding(sample) or utf16_without_bom(sample)
    if encoding is not None:
        return encoding
    if not complete:
        sample = sample[:len(sample) - 3]  # it may end inside a multi-byte character
    text = sample.decode("utf-8", errors="surrogateescape")
    if not _SURROGATES.search(text) or _has_utf8_multibyte(text):
        return "utf-8"
    encoding = guess_encoding(sample)
    if encoding is None:
        raise InputError(f"{source}: cannot tell how this file is encoded; {UNICODE_HINT}.")
    return encoding


def guess_encoding(data: bytes) -> str | None:
    """The legacy encoding of bytes that are not UTF-8 (None when they look binary); Western
    text is read as cp1252."""
    if _western(data):
        return "cp1252"
    from charset_normalizer import from_bytes  # only legacy-encoded input pays for this import

    best = from_bytes(data).best()
    if best is None:
        return None
    return "cp1252" if best.encoding in _LATIN_GUESSES else best.encoding
