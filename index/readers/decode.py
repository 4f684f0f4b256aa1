"""Bytes to text: UTF-8 when it is, a detected encoding when it is not, and binary files refused."""

from __future__ import annotations

from charset_normalizer import from_bytes

from ..articles import Problem


def looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def decode_bytes(data: bytes, where: str) -> tuple[str | None, Problem | None]:
    """The text of ``data``, and a problem to report when it was not plain UTF-8 (or could not be read)."""
    if looks_binary(data):
        return None, Problem(where, "binary file, not text (skipped)")
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data[:1_000_000]))
    # Short texts fit several single-byte encodings equally well; Western European text, the commonest
    # non-UTF-8 news we meet, is taken as cp1252 whenever that is one of the fits.
    best = next((m for m in matches if "cp1252" in m.could_be_from_charset), matches[0] if matches else None)
    if best is None or best.encoding is None:
        text = data.decode("utf-8", errors="replace")
        return text, Problem(where, "not valid UTF-8 and no encoding detected; bad bytes replaced", skipped=False)
    encoding = "cp1252" if "cp1252" in best.could_be_from_charset else best.encoding
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        text = data.decode("utf-8", errors="replace")
        return text, Problem(where, "not valid UTF-8; bad bytes replaced", skipped=False)
    return text, Problem(where, f"not UTF-8; read as {encoding}", skipped=False)
