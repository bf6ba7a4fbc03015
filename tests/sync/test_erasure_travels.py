"""An erasure reaches every site that holds any of the person, and holds there.

Ben Price, a prison-based learner at HMP Northfield (A), writes a story the
University of Eastbridge (U) is sent under his consent, is marked on Northfield's
classroom laptop (L), and moves to HMP Southgate (B), which takes him on. Then
Northfield erases him while the laptop and Southgate still hold marks of him with
notes they have not sent. The sites exchange in a random order, old bundles turn up
again, and finally everything is exchanged until quiet. Afterwards not one store
holds his name or any of his words, in any table, and no bundle a site wrote once it
held the erasure carries them either.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text

from lt_desktop.core.services.register import Mark
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import AttendanceStatus, ConsentScope, PersonBase
from lt_desktop.storage.models import AuditEntry, Erasure, Person
from lt_desktop.sync.bundle import open_bundle
from lt_desktop.sync.pairing import _known_sender, identity
from tests.sync.test_network import (
    EDGES,
    NAMES,
    SITES,
    A,
    B,
    L,
    Network,
    Template,
    U,
    network_from,
)
from tests.sync.test_network import template as template  # the four seeded sites

STORY = "The heron on the chapel wall watched our whole group talk about fairness"
NOTES = {
    A: "Came in late from the gym, happy to stay after",
    B: "Asked for the reading list for his cousin",
    L: "Left to see the nurse about his wrist",
}
#: A laptop's change to a mark the erasure also changed: the two clash.
CLASHING_NOTE = "Told me about his sister, who visits on Thursdays"


@dataclass(frozen=True)
class Needles:
    person_id: uuid.UUID
    research_id: str
    words: tuple[str, ...]


def _store_hits(workspace: Workspace, needles: Iterable[str]) -> list[str]:
    """Every table of the store, every text and bytes value, searched for each needle."""
    found = []
    with workspace.store.read() as session:
        connection = session.connection()
        tables = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table'")
        ).scalars()
        for table in list(tables):
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", "ignore")
                    if isinstance(value, str):
                        found += [f"{table}: {n}" for n in needles if n.lower() in value.lower()]
    return found


def _bundle_hits(
    network: Network, recipient: str, bundle: Path, needles: Iterable[str]
) -> list[str]:
    workspace = network.workspaces[recipient]
    with workspace.store.read() as session:
        opened = open_bundle(
            bundle,
            me=identity(session, workspace.store),
            sender_keys=lambda site_id: _known_sender(session, site_id),
            max_plaintext_bytes=1 << 30,
        )
        plain = b"".join(opened.chunks()).decode("utf-8", "ignore").lower()
    return [f"{bundle.name}: {n}" for n in needles if n.lower() in plain]


def _holds_erasure(workspace: Workspace, person_id: uuid.UUID) -> bool:
    with workspace.store.read() as session:
        return session.scalar(select(Erasure.id).where(Erasure.person_id == person_id)) is not None


def _ben_everywhere(network: Network) -> Needles:
    """Ben's course record, at all four sites: a story under consent, marks with notes,
    and a move to Southgate."""
    seed = network.seed
    ben = seed.north_people[1]
    north = network.workspaces[A]
    for scope in (ConsentScope.STORIES, ConsentScope.SHARE_WITH_UNIVERSITY):
        network.change(A, lambda w, s=scope: w.consent.record(ben, s, given_on=date(2026, 9, 7)))
    network.change(
        A,
        lambda w: w.stories.save(
            seed.north_sessions[0], ben, text=STORY, answers={}, written_on=date(2026, 9, 7)
        ),
    )
    network.change(
        A,
        lambda w: w.register.mark(
            seed.north_sessions[1], ben, Mark(AttendanceStatus.LATE, note=NOTES[A])
        ),
    )
    network.settle()
    network.change(A, lambda w: w.people.transfer(ben, to=NAMES[B]))
    network.settle()
    network.change(B, lambda w: w.people.take_on(ben, seed.south_cohort))
    network.settle()
    with north.store.read() as session:
        person = session.get(Person, ben)
        assert person is not None
        research_id = person.research_id
    needles = Needles(
        ben, research_id, ("Ben Price", "Price", STORY, CLASHING_NOTE, *NOTES.values())
    )
    return needles


@pytest.mark.parametrize("order", [11, 29])
def test_an_erasure_reaches_every_site_and_every_later_bundle(
    template: Template, order: int
) -> None:
    with network_from(template) as network:
        seed = network.seed
        ben = _ben_everywhere(network)
        # Before: each site holds some of him, and the searches find it.
        assert _store_hits(network.workspaces[U], [STORY])
        assert _store_hits(network.workspaces[B], ["Price"])
        assert _store_hits(network.workspaces[L], ["Price"])
        # Marks with notes not yet sent, at the laptop and at Southgate.
        network.change(
            L,
            lambda w: w.register.mark(
                seed.north_sessions[2], ben.person_id, Mark(AttendanceStatus.LATE, note=NOTES[L])
            ),
        )
        network.change(
            B,
            lambda w: w.register.mark(
                seed.south_sessions[1], ben.person_id, Mark(AttendanceStatus.LATE, note=NOTES[B])
            ),
        )
        network.change(
            L,
            lambda w: w.register.mark(
                seed.north_sessions[0],
                ben.person_id,
                Mark(AttendanceStatus.LATE, note=CLASHING_NOTE),
            ),
        )
        assert _store_hits(network.workspaces[B], [NOTES[B]])

        network.workspaces[A].erasure.erase(ben.person_id)
        assert _store_hits(network.workspaces[A], ben.words) == []

        # What the laptop and Southgate wrote before they heard reaches sites that have
        # heard: Northfield, and the university once Northfield's bundle is in.
        network.exchange(L, A)
        network.exchange(A, U)
        network.exchange(B, U)
        for site in (A, U):
            assert _store_hits(network.workspaces[site], ben.words) == [], site

        rng = random.Random(order)
        written_holding: list[tuple[str, Path]] = []
        for _ in range(24):
            sender, recipient = rng.choice(EDGES)
            holding = _holds_erasure(network.workspaces[sender], ben.person_id)
            if rng.random() < 0.2 and network.stick[(sender, recipient)]:
                # An old bundle turns up again.
                bundle = rng.choice(network.stick[(sender, recipient)])
                if bundle.exists():
                    network.take_in(recipient, bundle)
                continue
            bundle = network.export(sender, recipient)
            if holding:
                written_holding.append((recipient, bundle))
            network.take_in(recipient, bundle)
        network.settle()
        for sender, recipient in EDGES:
            written_holding.append((recipient, network.export(sender, recipient)))

        for site in SITES:
            workspace = network.workspaces[site]
            assert _holds_erasure(workspace, ben.person_id), site
            assert _store_hits(workspace, ben.words) == [], site
            with workspace.store.read() as session:
                assert session.get(Person, ben.person_id) is None, site
        bundle_hits = [
            hit
            for recipient, bundle in written_holding
            for hit in _bundle_hits(network, recipient, bundle, ben.words)
        ]
        assert bundle_hits == []
        assert len(written_holding) > len(EDGES)
        # Each site that knows him by his research id audits the erasure under it, so
        # its backups made before are known to hold him.
        for site in (A, U, B):
            with network.workspaces[site].store.read() as session:
                erased = session.scalars(
                    select(AuditEntry.subject_id).where(AuditEntry.action == "person.erased")
                ).all()
            assert ben.research_id in erased, site
        # The others are untouched.
        for site, person_id in ((A, seed.north_people[0]), (B, seed.south_people[0])):
            with network.workspaces[site].store.read() as session:
                assert session.get(Person, person_id) is not None


def test_a_university_student_is_erased_at_the_university_and_reaches_the_laptop(
    template: Template,
) -> None:
    with network_from(template) as network:
        dana = network.seed.north_people[2]
        with network.workspaces[A].store.read() as session:
            person = session.get(Person, dana)
            assert person is not None and person.base is PersonBase.UNIVERSITY
        # The prison is not Dana's home side: it is told where to ask.
        with pytest.raises(ValidationError, match="erased at the university"):
            network.workspaces[A].erasure.erase(dana)
        network.workspaces[U].erasure.erase(dana)
        network.settle()
        for site in SITES:
            assert _store_hits(network.workspaces[site], ["Dana Shaw", "Shaw"]) == [], site


def test_the_university_is_told_to_ask_the_prison(template: Template) -> None:
    with network_from(template) as network:
        ben = network.seed.north_people[1]
        with pytest.raises(ValidationError, match="Ask the prison to erase them"):
            network.workspaces[U].erasure.preview(ben)
        with pytest.raises(ValidationError, match="Ask the prison to erase them"):
            network.workspaces[U].erasure.erase(ben)
        assert _store_hits(network.workspaces[U], ["Price"])
