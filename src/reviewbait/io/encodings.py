"""Input encodings: a BOM, a given codec, or UTF-8; undecodable bytes replaced and counted, or refused."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from reviewbait.errors import BatchError

_UTF8_BOM = codecs.BOM_UTF8


# --------------------------------------------------------------------------- encodings


def _is_byte_safe(encoding: str) -> bool:
    """True when every byte below 0x80 is always that ASCII character (UTF-8, Latin-1, cp1252...).

    Then quotes, delimiters and line breaks can be found in the raw bytes and the records
    copied unchanged; other encodings (UTF-16) are transcoded to UTF-8 and back.
    """
    name = codecs.lookup(encoding).name
    if name in ("utf-8", "utf-8-sig", "ascii"):
        return True
    try:
        ascii_ok = bytes(range(128)).decode(encoding) == "".join(map(chr, range(128)))
    except UnicodeDecodeError:
        return False
    return ascii_ok and len(bytes(range(256)).decode(encoding, errors="replace")) == 256


@dataclass
class _Encoding:
    codec: str  # what the work bytes are decoded with
    bom: bytes  # written back at the start of a byte-preserved output
    transcode: str | None  # original codec when the input was transcoded to UTF-8


def _utf16_by_bom(head: bytes) -> _Encoding | None:
    """UTF-16 with its byte order kept: a big-endian file is written back big-endian."""
    if head.startswith(codecs.BOM_UTF16_LE) and not head.startswith(codecs.BOM_UTF32_LE):
        return _Encoding("utf-8", codecs.BOM_UTF16_LE, "utf-16-le")
    if head.startswith(codecs.BOM_UTF16_BE):
        return _Encoding("utf-8", codecs.BOM_UTF16_BE, "utf-16-be")
    return None


def _resolve_encoding(given: str | None, head: bytes) -> _Encoding:
    if given is None:
        if head.startswith(_UTF8_BOM):
            return _Encoding("utf-8", _UTF8_BOM, None)
        return _utf16_by_bom(head) or _Encoding("utf-8", b"", None)
    try:
        name = codecs.lookup(given).name
    except LookupError:
        raise BatchError(f"unknown encoding {given!r} (--encoding); try utf-8, cp1252, latin-1 or utf-16") from None
    if name in ("utf-8", "utf-8-sig"):
        return _Encoding("utf-8", _UTF8_BOM if head.startswith(_UTF8_BOM) else b"", None)
    if name == "utf-16":
        return _utf16_by_bom(head) or _Encoding("utf-8", b"", name)
    if _is_byte_safe(name):
        return _Encoding(name, b"", None)
    return _Encoding("utf-8", b"", name)


class _Replacements:
    """Counts undecodable bytes and remembers the first line that had some."""

    def __init__(self) -> None:
        self.count = 0
        self.first_line: int | None = None

    def add(self, count: int, line: int) -> None:
        self.count += count
        if self.first_line is None:
            self.first_line = line


def _strict_error(line: int, encoding: str, exc: UnicodeDecodeError) -> BatchError:
    bad = exc.object[exc.start : exc.end]
    return BatchError(
        f"line {line}: bytes {bad.hex(' ')} are not valid {encoding}; pass the file's encoding "
        "(e.g. --encoding cp1252 or --encoding latin-1), or drop --strict to replace undecodable bytes"
    )


def _decode_replacing(raw: bytes, encoding: str, line: int, strict: bool, replaced: _Replacements) -> str:
    """Decode ``raw``, replacing undecodable bytes with U+FFFD and counting them."""
    parts: list[str] = []
    position = 0
    while True:
        try:
            parts.append(raw[position:].decode(encoding))
            break
        except UnicodeDecodeError as exc:
            if strict:
                raise _strict_error(line + raw[: position + exc.start].count(b"\n"), encoding, exc) from None
            parts.append(raw[position : position + exc.start].decode(encoding) + "\ufffd")
            replaced.add(exc.end - exc.start, line + raw[: position + exc.start].count(b"\n"))
            position += exc.end
    return "".join(parts)
