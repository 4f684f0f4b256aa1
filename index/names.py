"""Well-known English nicknames of first names ("Jim" of "James"), from the ``nicknames`` package: a
hand-curated list kept by its authors, not one written for any corpus."""

from __future__ import annotations

from functools import cache

from nicknames import NickNamer


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


def formal_names_of(first_name: str) -> set[str]:
    """The formal first names a nickname stands for, lower-cased: "Jim" -> {"james"}; none for a name
    that is no known nickname."""
    return set(_nicknamer().canonicals_of(first_name.casefold()))
