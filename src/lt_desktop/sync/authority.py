"""Which sites may create, change or delete each kind of record, checked record by record.

``outgoing.TRAVELS`` says which *tables* may go in each direction; that alone would let
a university send a consent for a learner the prison holds, or a tombstone that blanks
one of the prison's learners there. What a record is about decides who may write it:

- Every person has a **home side**: a prison-based person (``Person.base`` PRISON)
  belongs to the prison side, a university or community-based one to the university
  side. A site has every right over the records of its own side's people.
- About the **other side's** people a site may do only what its part in the programme
  needs, set out per kind of record in ``RULES`` with the reason beside each:

  ``ANY``
      create, change and delete (a university marks and certifies every learner;
      merges are made wherever two records of one person are found);
  ``NO_DELETE``
      create and change, never delete (a university's merge changes a prison-based
      person's record, but never removes them): a deletion is let by only when it
      was made on the person's side, of a record not made on this one (a
      transferred learner removed at the prison they left);
  ``RELAY``
      pass on what a site of the person's own side made — a transferred learner's
      course record the university forwards to the prison they moved to — but never
      a version made on the sender's side, nor a new version (a deletion included)
      made off this site's side of a record this side made;
  ``PASS``
      as ``RELAY``, but a record this side made may come back changed at another
      site of the person's side (a transfer this prison recorded, taken on at the
      prison the learner joined);
  ``OWN``
      create, and change or delete only what was not made on the receiver's side (a
      prison, or its classroom laptops, may correct the records it made of a
      university student in its classes, never what the university made);
  ``NEVER``
      nothing at all (research data of a prison-based learner never comes from a
      university).

- Programme records (partnerships and their stationery, courses, cohorts, sessions,
  groups, group projects, ceremonies, questions and questionnaires) are not about one
  person: both sides run the programme, so either may write them (``TRAVELS`` says which
  arrive).
- A person's **base** is changed only by their home side (moving them to the other
  side would lift them out of these rules), and a record's **origin** (the site
  that made it) never changes once it is here.

Who made a version is written in it (``storage.clock``: its last part is the site);
which side a site is on is known here for this site and its partners. A relayed
version made at a site not known here (another prison, seen only through the
university) counts as made on the person's side.

These checks apply between the two sides. Installations of one side (a second PC, a
classroom laptop and its education PC) are one site's own: a laptop is held to its
register marks by ``laptops``. A bundle holding one record these rules refuse is
refused whole, with a line naming the kind of record, its id and the rule, and
nothing of it is taken in.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.domain.vocabulary import PersonBase, SiteKind
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    ClassSession,
    Cohort,
    Course,
    GroupProject,
    Partnership,
    Person,
    Site,
    SyncedRecord,
)
from lt_desktop.sync.records import Incoming, PayloadInvalid, synced_models


class May(Enum):
    """What a site may do with a record about a person of the other side."""

    ANY = "create, change and delete"
    NO_DELETE = "create and change, never delete"
    RELAY = "pass on what the person's own side made"
    PASS = "pass on what any site of the person's side made"
    OWN = "change only what its own side made"
    NEVER = "nothing"


@dataclass(frozen=True)
class Rule:
    """Who a kind of record is about, and what each side may do with it about the
    other side's people."""

    #: The field naming the person, or the record the person is found through.
    about: tuple[str, str] | None
    #: What a university may do with it for a prison-based person.
    university: May
    #: What a prison may do with it for a university or community-based person.
    prison: May
    why: str


def _person(field: str = "person_id") -> tuple[str, str]:
    return (field, "people")


_ON_PLACE = ("membership_id", "memberships")

#: Every kind of record that travels between the two sides, and who may write it.
RULES: dict[str, Rule] = {
    "people": Rule(
        ("id", "people"),
        May.NO_DELETE,
        May.OWN,
        "A university's merge of two records of one learner makes a new version of the "
        "prison's learner; only the prison removes them.",
    ),
    "memberships": Rule(
        _person(),
        May.RELAY,
        May.OWN,
        "A place in a cohort is the home side's to give; the university forwards a "
        "transferred learner's places from the prison they left.",
    ),
    "membership_status_changes": Rule(
        _ON_PLACE,
        May.RELAY,
        May.OWN,
        "A learner's status (withdrawn, transferred, completed) is recorded by their home side.",
    ),
    "group_members": Rule(
        _ON_PLACE,
        May.RELAY,
        May.OWN,
        "Small groups are made where the class is taught.",
    ),
    "attendance": Rule(
        _person(),
        May.RELAY,
        May.OWN,
        "The register of a prison-based learner is taken at the prison; the university "
        "only forwards a transferred learner's marks.",
    ),
    "essays": Rule(
        _ON_PLACE,
        May.ANY,
        May.OWN,
        "The university marks every learner's essay, and may record one handed in there.",
    ),
    "essay_marks": Rule(
        ("essay_id", "essays"),
        May.ANY,
        May.OWN,
        "Marks and feedback are the university's for every learner.",
    ),
    "attachments": Rule(
        ("essay_id", "essays"),
        May.ANY,
        May.OWN,
        "A scan belongs with its essay.",
    ),
    "certificates": Rule(
        _ON_PLACE,
        May.ANY,
        May.OWN,
        "Certificates are issued for every learner who completes.",
    ),
    "consents": Rule(
        _person(),
        May.RELAY,
        May.OWN,
        "A prison-based learner's consent is recorded at the prison, from their paper form; "
        "the university only forwards a transferred learner's.",
    ),
    "stories": Rule(
        _person(),
        May.NEVER,
        May.OWN,
        "Research data of a prison-based learner is written at the prison.",
    ),
    "story_answers": Rule(
        ("story_id", "stories"),
        May.NEVER,
        May.OWN,
        "Research data of a prison-based learner is written at the prison.",
    ),
    "questionnaire_responses": Rule(
        _person(),
        May.NEVER,
        May.OWN,
        "Research data of a prison-based learner is written at the prison.",
    ),
    "questionnaire_answers": Rule(
        ("response_id", "questionnaire_responses"),
        May.NEVER,
        May.OWN,
        "Research data of a prison-based learner is written at the prison.",
    ),
    "interviews": Rule(
        _person(),
        May.NEVER,
        May.OWN,
        "Research data of a prison-based learner is written at the prison.",
    ),
    "transfers": Rule(
        _person(),
        May.PASS,
        May.OWN,
        "A transfer is recorded by the prison the learner leaves and taken on by the one "
        "they join; the university passes it between them.",
    ),
    "person_merges": Rule(
        _person(),
        May.ANY,
        May.ANY,
        "Two records of one person are made one wherever they are found.",
    ),
    "facilitator_training": Rule(
        _person(),
        May.OWN,
        May.OWN,
        "Either side may record a facilitator's training: the university trains its "
        "students and early-career academics to facilitate, the prison trains everyone "
        "who teaches inside (security, the regime). Each corrects only what it recorded.",
    ),
    "progressions": Rule(
        _person(),
        May.OWN,
        May.OWN,
        "What a learner goes on to do is recorded on both sides: the prison records "
        "mentoring and facilitating inside, the university keeps in touch after release. "
        "Each changes or removes only what its own side recorded.",
    ),
    "erasures": Rule(
        _person(),
        May.RELAY,
        May.RELAY,
        "A person is erased by their home side, and the erasure is passed on to every "
        "site; the other side never erases them for it. Checked as a deletion of the "
        "person (``Authority._check_erasure``).",
    ),
}

#: Programme records: about no one person, written by both sides.
PROGRAMME = frozenset(
    {
        "partnerships",
        "courses",
        "cohorts",
        "class_sessions",
        "readings",
        "small_groups",
        "group_projects",
        "project_groups",
        "graduation_events",
        "graduation_cohorts",
        "programme_items",
        "stationery",
        "story_questions",
        "questionnaire_templates",
        "questionnaire_items",
    }
)

#: Where the person a record is about is found, as (field, table) pairs per table.
_PERSON_OF: dict[str, tuple[str, str]] = {
    "memberships": ("person_id", "people"),
    "essays": _ON_PLACE,
    "stories": ("person_id", "people"),
    "questionnaire_responses": ("person_id", "people"),
}


def home_side(base: PersonBase) -> SiteKind:
    return SiteKind.PRISON if base is PersonBase.PRISON else SiteKind.UNIVERSITY


def _deletes(incoming: Incoming, local: SyncedRecord | None) -> bool:
    return incoming.deleted_at is not None and (local is None or local.deleted_at is None)


def _maker(version: str) -> uuid.UUID:
    return uuid.UUID(hex=version.rsplit(".", 1)[1])


Lookup = Callable[[type[SyncedRecord], uuid.UUID], SyncedRecord | None]


class Authority:
    """The checks for one partner's records, taken in at this site."""

    def __init__(
        self,
        session: Session,
        *,
        local_site_id: uuid.UUID,
        local_kind: SiteKind,
        sender_site_id: uuid.UUID,
        sender_kind: SiteKind,
        named_partnership: uuid.UUID | None = None,
    ) -> None:
        assert local_kind is not sender_kind, "one side's installations are one site's own"
        self._scope = (
            PartnershipScope(session, sender_site_id, named_partnership)
            if sender_kind is SiteKind.PRISON
            else None
        )
        self.sender_kind = sender_kind
        self.receiver_kind = local_kind
        sites = {site.id: site.kind for site in session.scalars(select(Site))}
        sites[local_site_id] = local_kind
        sites[sender_site_id] = sender_kind
        self._sides = sites
        self._homes: dict[uuid.UUID, SiteKind | None] = {}

    def check(self, incoming: Incoming, local: SyncedRecord | None, lookup: Lookup) -> None:
        """Refuse (by raising) a record the sender may not write here."""
        if local is not None and local.version == incoming.version:
            return  # nothing changes
        if local is not None and local.origin_site_id != incoming.origin_site_id:
            raise self._refusal(incoming, "names another site as where it was made than here")
        if self._scope is not None and not self._scope.admits(incoming):
            raise self._refusal(
                incoming, "belongs to a partnership other than the one this prison is paired for"
            )
        if incoming.table == "erasures":
            self._check_erasure(incoming, lookup)
            return
        rule = RULES.get(incoming.table)
        if rule is None:
            return  # a programme record, or one TRAVELS never lets through
        may = rule.university if self.sender_kind is SiteKind.UNIVERSITY else rule.prison
        rebases = isinstance(local, Person) and (
            incoming.fields.get("base", local.base) is not local.base
        )
        if not (self._in_question(may, incoming, local) or rebases):
            return
        home = self._home(incoming, local, lookup)
        if home is None or home is self.sender_kind:
            return  # the sender's own people (or not here yet: checked when taken in)
        if rebases:
            raise self._refusal(incoming, f"moves a {home.value}-based person to the other side")
        if may is May.NEVER:
            reason = f"is research data of a {home.value}-based person"
        elif _deletes(incoming, local):
            reason = f"deletes a record of a {home.value}-based person"
        elif may is not May.OWN and self._sides.get(_maker(incoming.version)) is self.sender_kind:
            reason = (
                f"was made at a {self.sender_kind.value} site about a {home.value}-based person"
            )
        else:
            reason = f"changes what a {home.value} site made of a {home.value}-based person"
        raise self._refusal(incoming, f"{reason}, which only a {home.value} site may do")

    def _check_erasure(self, incoming: Incoming, lookup: Lookup) -> None:
        """An erasure takes every record of a person here, so it is judged as a deletion
        of the person would be: from the other side, only passed on from a site of the
        person's own side, and never of a person this side made unless a site of this
        side made it. Of someone not held here it is not kept at all (``incoming``)."""
        person = lookup(Person, incoming.fields["person_id"])
        if not isinstance(person, Person):
            return
        home = home_side(person.base)
        if home is self.sender_kind:
            return
        maker_side = self._sides.get(_maker(incoming.version))
        ours = self._sides.get(person.origin_site_id) is self.receiver_kind
        if maker_side is self.sender_kind or (ours and maker_side is not self.receiver_kind):
            raise self._refusal(
                incoming,
                f"erases a {home.value}-based person, which only a {home.value} site may do",
            )

    def _in_question(self, may: May, incoming: Incoming, local: SyncedRecord | None) -> bool:
        """Whether the record is one ``may`` would refuse for the other side's people
        (whose it is is looked up only then: most records never need it)."""
        if may is May.ANY:
            return False
        if may is May.NEVER:
            return True
        if local is None and may is May.OWN:
            return False  # a prison may make any record of the people in its classes
        ours = local is not None and self._sides.get(local.origin_site_id) is self.receiver_kind
        if may is May.OWN:
            return ours
        maker_side = self._sides.get(_maker(incoming.version))
        made_by_sender_side = maker_side is self.sender_kind
        # A record this side made, given a new version at a site that is not on this
        # side: only a rule that lets the sender change it lets it by.
        ours_changed_elsewhere = ours and maker_side is not self.receiver_kind
        if may is May.NO_DELETE:
            return _deletes(incoming, local) and (made_by_sender_side or ours_changed_elsewhere)
        if may is May.PASS:
            return made_by_sender_side
        return made_by_sender_side or ours_changed_elsewhere

    def _refusal(self, incoming: Incoming, reason: str) -> PayloadInvalid:
        return PayloadInvalid(
            f"The bundle's {incoming.table.replace('_', ' ')} record {incoming.id.hex} "
            f"{reason}; nothing was imported."
        )

    def _home(
        self, incoming: Incoming, local: SyncedRecord | None, lookup: Lookup
    ) -> SiteKind | None:
        """The home side of the person ``incoming`` is about, as held here."""
        if incoming.table == "people":
            base = (
                getattr(local, "base", None) if local is not None else incoming.fields.get("base")
            )
            return None if base is None else home_side(base)
        rule = RULES[incoming.table]
        assert rule.about is not None
        field, table = rule.about
        target = incoming.fields.get(field)
        if target is None and local is not None:
            target = getattr(local, field, None)
        return None if target is None else self._home_of(table, target, lookup)

    def _home_of(self, table: str, record_id: uuid.UUID, lookup: Lookup) -> SiteKind | None:
        return _home_of(table, record_id, lookup, self._homes)


def _home_of(
    table: str, record_id: uuid.UUID, lookup: Lookup, known: dict[uuid.UUID, SiteKind | None]
) -> SiteKind | None:
    """The home side of the person the record ``record_id`` of ``table`` is about
    (``known`` remembers those found)."""
    if record_id in known:
        return known[record_id]
    record = lookup(synced_models()[table], record_id)
    home: SiteKind | None
    if record is None:
        home = None
    elif isinstance(record, Person):
        home = home_side(record.base)
    else:
        field, parent = _PERSON_OF[table]
        target = getattr(record, field, None)
        home = None if target is None else _home_of(parent, target, lookup, known)
    if home is not None:
        known[record_id] = home
    return home


@dataclass(frozen=True)
class LeftToOtherSide:
    """A clash this site may not settle: its choice would be a version made here,
    which the other side refuses (``Authority.check``), and every later bundle from
    here with it."""

    side: SiteKind
    why: str


def who_settles(
    session: Session,
    table: str,
    record: SyncedRecord,
    *,
    here: SiteKind,
    here_site_id: uuid.UUID,
    removes_or_moves: bool,
) -> LeftToOtherSide | None:
    """Whether a clash over ``record`` must be settled on the other side (None: here
    may). ``removes_or_moves``: one of the two versions removes the record or moves
    the person to the other side, which only the person's own side may do."""
    rule = RULES.get(table)
    if rule is None:
        return None  # a programme record: either side may write it
    may = rule.university if here is SiteKind.UNIVERSITY else rule.prison
    if may is May.ANY:
        return None

    def lookup(model: type[SyncedRecord], record_id: uuid.UUID) -> SyncedRecord | None:
        return session.get(model, record_id, execution_options={INCLUDE_DELETED: True})

    if isinstance(record, Person):
        home: SiteKind | None = home_side(record.base)
    else:
        assert rule.about is not None
        field, parent = rule.about
        target = getattr(record, field, None)
        home = None if target is None else _home_of(parent, target, lookup, {})
    if home is None or home is here:
        return None
    if may is May.NO_DELETE and not removes_or_moves:
        return None
    if may is May.OWN and not removes_or_moves:
        origin = session.get(Site, record.origin_site_id)
        if record.origin_site_id == here_site_id or origin is None or origin.kind is here:
            return None  # what this side made, it may change
    return LeftToOtherSide(home, rule.why)


#: The programme's records, by the field that places them in a partnership and the set
#: of ``PartnershipScope`` it must be in; the record's own id joins ``adds``.
_PLACED: dict[str, tuple[str, str, str | None]] = {
    "courses": ("partnership_id", "partnerships", "courses"),
    "cohorts": ("course_id", "courses", "cohorts"),
    "class_sessions": ("cohort_id", "cohorts", "sessions"),
    "memberships": ("cohort_id", "cohorts", None),
    "small_groups": ("cohort_id", "cohorts", None),
    "group_projects": ("cohort_id", "cohorts", "projects"),
    "project_groups": ("project_id", "projects", None),
    "attendance": ("session_id", "sessions", None),
    "readings": ("session_id", "sessions", None),
    "stationery": ("partnership_id", "partnerships", None),
}


class PartnershipScope:
    """A university working with several prisons keeps each prison's partnership apart
    (``pairing.partnerships_for``): the one its pairing names, or else those the
    prison started. A prison sends only its own, so a course, cohort, session, place,
    group, project, register mark or stationery of another partnership from it is
    refused: it could only be a hostile prison's (``selection.Selection`` never sends one)."""

    def __init__(
        self, session: Session, sender_site_id: uuid.UUID, named: uuid.UUID | None
    ) -> None:
        self._sender, self._named = sender_site_id, named
        partnerships = (
            {named}
            if named is not None
            else set(
                session.scalars(
                    select(Partnership.id)
                    .where(Partnership.origin_site_id == sender_site_id)
                    .execution_options(**{INCLUDE_DELETED: True})
                )
            )
        )
        courses = set(
            session.scalars(
                select(Course.id)
                .where(Course.partnership_id.in_(partnerships))
                .execution_options(**{INCLUDE_DELETED: True})
            )
        )
        cohorts = set(
            session.scalars(
                select(Cohort.id)
                .where(Cohort.course_id.in_(courses))
                .execution_options(**{INCLUDE_DELETED: True})
            )
        )
        sessions = set(
            session.scalars(
                select(ClassSession.id)
                .where(ClassSession.cohort_id.in_(cohorts))
                .execution_options(**{INCLUDE_DELETED: True})
            )
        )
        projects = set(
            session.scalars(
                select(GroupProject.id)
                .where(GroupProject.cohort_id.in_(cohorts))
                .execution_options(**{INCLUDE_DELETED: True})
            )
        )
        self._sets: dict[str, set[uuid.UUID]] = {
            "partnerships": partnerships,
            "courses": courses,
            "cohorts": cohorts,
            "sessions": sessions,
            "projects": projects,
        }

    def admits(self, incoming: Incoming) -> bool:
        if incoming.table == "partnerships":
            if self._named is None and incoming.origin_site_id == self._sender:
                self._sets["partnerships"].add(incoming.id)  # one the prison starts
            return incoming.id in self._sets["partnerships"]
        placed = _PLACED.get(incoming.table)
        if placed is None:
            return True
        field, within, adds = placed
        if incoming.fields.get(field) not in self._sets[within]:
            return False
        if adds is not None:
            self._sets[adds].add(incoming.id)
        return True
