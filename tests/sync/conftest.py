"""Three sites that know each other: a prison, its university, and a third site."""

from __future__ import annotations

import pytest

from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.sync.identity import SiteIdentity


@pytest.fixture(scope="session")
def prison() -> SiteIdentity:
    return SiteIdentity.generate(name="HMP Grendon", kind=SiteKind.PRISON)


@pytest.fixture(scope="session")
def university() -> SiteIdentity:
    return SiteIdentity.generate(name="University of Cambridge", kind=SiteKind.UNIVERSITY)


@pytest.fixture(scope="session")
def other_site() -> SiteIdentity:
    return SiteIdentity.generate(name="Leeds Beckett University", kind=SiteKind.UNIVERSITY)
