"""Bytes to text, in one place for every reader: byte-order marks, UTF-8, then detection.

A posting file is decoded whole (:func:`decode`); a listing file is judged from its first
megabyte (:func:`sample_encoding`) and then streamed. Both read the same BOM table, longest mark
first, so a UTF-32 file (whose mark begins like UTF-16's) is never read as UTF-16.
"""

from __future__ import annotations

import codecs

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
    "iso8859_15", "mac_roman", "mac_latin2", "cp850", "cp437",
}
UNICODE_HINT = "re-export the file as UTF-8, or pass --encoding (e.g. --encoding cp1252)"


def bom_encoding(data: bytes) -> str | None:
    """The encoding that ``data``'s byte-order mark names, or None when it has none."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding
    return None


def decode(data: bytes, source: str) -> str:
    """Decode bytes to text: BOM, then UTF-8, then detection. Raises InputError on binary data."""
    encoding = bom_encoding(data)
    if encoding is not None:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            raise InputError(f"{source}: the file starts with a {encoding} byte-order mark but "
                             f"is not valid {encoding}; re-save it as UTF-8.") from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{source}: this looks like a binary file, not a job posting; give a "
                         ".txt, .md, .html or .json file.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
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
    is the whole file (else it may end inside a multi-byte character)."""
    encoding = bom_encoding(sample)
    if encoding is not None:
        return encoding
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 3 and not complete:
            return "utf-8"  # the sample ends inside a multi-byte character
    encoding = guess_encoding(sample)
    if encoding is None:
        raise InputError(f"{source}: cannot tell how this file is encoded; {UNICODE_HINT}.")
    return encoding


def guess_encoding(data: bytes) -> str | None:
    """The legacy encoding of bytes that are not UTF-8 (None when they look binary)."""
    from charset_normalizer import from_bytes  # only legacy-encoded input pays for this import

    best = from_bytes(data).best()
    if best is None:
        return None
    return "cp1252" if best.encoding in _LATIN_GUESSES else best.encoding
