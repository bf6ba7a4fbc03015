"""What a record's version was made on top of: the newest version of it each site made.

A record's ancestry is a version vector written as text: for every site that has
changed the record, the latest version that site made which this version builds on
(versions end with their site, so each names its own site). A version whose
ancestry holds, site by site, at least the versions of another's was made on top of
it, however many edits and sites lay in between. Neither holding the other's means
the two were made independently: a real conflict.

Records written before ancestries were kept have none; theirs is read from the
version and the one it replaced, which is all that is known of them.
"""

from __future__ import annotations

Ancestry = dict[str, str]  # site (as the version spells it) -> its newest version


def _site(version: str) -> str:
    return version.rsplit(".", 1)[-1]


def parse(text: str, version: str, previous_version: str | None = None) -> Ancestry:
    """The ancestry of ``version``, from its stored text (or, with none, its parent)."""
    entries: Ancestry = {}
    known = text.split() if text else [v for v in (previous_version,) if v]
    for item in (*known, version):
        site = _site(item)
        entries[site] = max(entries.get(site, ""), item)
    return entries


def format_ancestry(entries: Ancestry) -> str:
    return " ".join(entries[site] for site in sorted(entries))


def advanced(text: str, version: str, previous_version: str | None, new_version: str) -> str:
    """The ancestry of ``new_version``, made on top of ``version``."""
    entries = parse(text, version, previous_version)
    entries[_site(new_version)] = new_version
    return format_ancestry(entries)


def descends(newer: Ancestry, older: Ancestry) -> bool:
    """Whether ``newer`` was made on top of ``older`` (or is it)."""
    return all(newer.get(site, "") >= version for site, version in older.items())
