"""Stores for the fault tests, each made once and copied for every kill."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from lt_desktop.core import demo_text
from lt_desktop.core.services.people import new_research_id
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import MembershipRole, MembershipStatus, PersonBase
from lt_desktop.storage import models as m
from tests.cli.conftest import small_disk  # noqa: F401 - a real small disk, shared
from tests.faults.support import copy_store
from tests.helpers.personal_data import PersonalData, personal_data

DEMO_USER, DEMO_PASSWORD = "demo", "demo"
#: Students added to one cohort, so that marking its register is a large save.
EXTRA_STUDENTS = 3000


@dataclass(frozen=True)
class BigStore:
    folder: Path
    session_id: uuid.UUID  # a session of the big cohort with no one marked yet
    expected: int  # how many people its register expects
    personal: PersonalData


@pytest.fixture(scope="session")
def big_store(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> BigStore:
    """The demo store with thousands more students in a cohort whose later sessions
    have no register taken yet."""
    folder = copy_store(_demo_template, tmp_path_factory.mktemp("big") / "store")
    rng = random.Random(9)
    with sign_in(folder, DEMO_USER, DEMO_PASSWORD) as workspace:
        unmarked = [
            (cohort, session)
            for cohort in workspace.programme.list_cohorts()
            for session in workspace.programme.list_sessions(cohort.id)
            if not session.is_cancelled and not workspace.register.register(session.id).counts()
        ]
        cohort, session = unmarked[-1]
        # Made in one transaction: through the services it would take minutes.
        with workspace.store.write() as db:
            for number in range(EXTRA_STUDENTS):
                person_id = uuid.uuid4()
                db.add(
                    m.Person(
                        id=person_id,
                        given_name=rng.choice(demo_text.GIVEN_NAMES),
                        family_name=f"{rng.choice(demo_text.FAMILY_NAMES)}-Vale{number:04d}",
                        base=rng.choice(list(PersonBase)),
                        research_id=new_research_id(),
                    )
                )
                db.add(
                    m.Membership(
                        cohort_id=cohort.id,
                        person_id=person_id,
                        role=MembershipRole.STUDENT,
                        status=MembershipStatus.ACTIVE,
                        status_since=cohort.starts_on,
                        joined_on=cohort.starts_on,
                    )
                )
        expected = len(workspace.register.register(session.id).lines)
        personal = personal_data(workspace)
    return BigStore(folder, session.id, expected, personal)
