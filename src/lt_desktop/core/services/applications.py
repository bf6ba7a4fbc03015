"""Applications to a cohort: one process for everyone, judged on motivation to learn.

Staff record applications (typed, or the paper form scanned into the store), one or
two assessors score each statement against the site's rubric, and staff decide:
offer, waiting list, or decline with a kind reason. Accepting an offer enrols the
person in the cohort in the same transaction.

Nothing here tells one applicant from another by where they are based. The cohort's
balance of prison- and university-based students is given as numbers only, and the
waiting list is drawn on so the numbers stay even; the prison-only details (such as
the security clearance to attend) stay in ``PrisonDetails`` on the prison's site.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.core.names import checked_name
from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.essays import (
    MAX_SCAN_BYTES,
    ScanInfo,
    media_type_of,
)
from lt_desktop.core.services.memberships import MembershipService
from lt_desktop.core.services.people import unused_research_id
from lt_desktop.core.services.programme import Balance, balances
from lt_desktop.core.services.settings import BLIND_ASSESSMENT, read_setting
from lt_desktop.domain.errors import NotFound, PermissionDenied, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ApplicationDecision,
    AttachmentKind,
    MembershipRole,
    MembershipStatus,
    PersonBase,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Application,
    ApplicationScore,
    Attachment,
    Cohort,
    Person,
    RubricCriterion,
)

LOWEST_SCORE, HIGHEST_SCORE = 1, 5
#: How many assessors read each statement.
ASSESSORS_PER_APPLICATION = 2
#: How long an applicant is asked to take to answer an offer.
REPLY_WITHIN = timedelta(days=14)
REPLY_ONCE_STARTED = timedelta(days=7)

#: What staff may decide; the applicant's own answers come through ``answer_offer``.
DECISIONS = (
    ApplicationDecision.OFFERED,
    ApplicationDecision.WAITING_LIST,
    ApplicationDecision.DECLINED,
)
#: Decisions staff may still change: nothing the applicant has answered yet.
OPEN_DECISIONS = frozenset({ApplicationDecision.PENDING, *DECISIONS})
#: Where an applicant may still withdraw from: not yet turned down, nor in the cohort.
WITHDRAWABLE = frozenset(
    {ApplicationDecision.PENDING, ApplicationDecision.OFFERED, ApplicationDecision.WAITING_LIST}
)

#: The rubric a new site starts with. Administrators change it to suit themselves.
DEFAULT_RUBRIC: list[tuple[str, str]] = [
    (
        "Wish to learn",
        "Does the statement show a wish to learn for its own sake: curiosity, questions the "
        "person would like to explore? 1: little sign of it. 3: some clear signs. 5: it "
        "runs through the whole statement.",
    ),
    (
        "Learning with others",
        "Does the person want to learn with and from people whose lives are different from "
        "their own, listening as well as speaking? 1: not mentioned. 3: welcomed. 5: a "
        "large part of why they are applying.",
    ),
    (
        "Commitment to the course",
        "Has the person thought about what taking part asks of them (a session every week, "
        "reading, a reflective essay) and how they will make room for it? 1: not yet. "
        "3: some thought. 5: a clear plan.",
    ),
    (
        "What the course could open up",
        "Does the statement say what the person hopes the course will open up for them or "
        "for others? 1: not yet clear. 3: a hope is named. 5: a thought-through hope.",
    ),
]
#: Said wherever the rubric is shown: what an assessor must not weigh.
ASSESSMENT_NOTE = (
    "Score the motivation to learn that the statement shows. Previous qualifications, "
    "spelling and handwriting do not count, for or against."
)
#: Reasons staff may choose from when they decline; every one is meant to be read by the
#: applicant, so each is kind, plain and true of many people.
DECLINE_REASONS = [
    "We had many more applications than places this time, so we could not offer a place "
    "to everyone who applied.",
    "The days and times of the sessions do not fit with the times you told us you are free.",
    "We think another course would suit what you hope to learn better, and we would be glad "
    "to talk with you about it.",
]

_DEFAULT_RUBRIC_NAMESPACE = uuid.UUID("6f1d3c0e-5a4b-4c8e-9f2a-1b7d0e3c5a91")
_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def default_criterion_id(position: int) -> uuid.UUID:
    """The same on every site, so a default rubric made at two sites is one rubric."""
    return uuid.uuid5(_DEFAULT_RUBRIC_NAMESPACE, f"default-rubric-{position}")


def application_reference(application_id: uuid.UUID) -> str:
    """What an application is called where names are hidden. Drawn from its random id,
    so it says nothing about the applicant or the order applications came in."""
    bits = application_id.int >> 88  # the first 40 bits, all random in a version-4 id
    return "A-" + "".join(_REFERENCE_ALPHABET[(bits >> shift) & 31] for shift in range(35, -1, -5))


def blind_scan_name(reference: str, number: int, media_type: str) -> str:
    suffix = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
    return f"{reference}-scan-{number}{suffix.get(media_type, '')}"


# -- what the services hand out ----------------------------------------------------------


@dataclass(frozen=True)
class CriterionInfo:
    id: uuid.UUID
    position: int
    name: str
    guidance: str
    active: bool


@dataclass(frozen=True)
class Assessment:
    """One assessor's scores for one application."""

    assessor_id: uuid.UUID | None
    assessor_name: str
    scores: dict[uuid.UUID, int]
    notes: dict[uuid.UUID, str]
    total: int
    complete: bool


@dataclass(frozen=True)
class ApplicationRow:
    """An application as staff see it in the list."""

    id: uuid.UUID
    cohort_id: uuid.UUID
    person_id: uuid.UUID
    reference: str
    name: str
    sort_name: str
    received_on: date
    decision: ApplicationDecision
    decision_reason: str
    decided_on: date | None
    answered_on: date | None
    assessors: int
    score: float | None  # the mean of the complete assessments' totals
    scans: int

    @property
    def search_text(self) -> str:
        return f"{self.name} {self.sort_name} {self.reference}".casefold()


@dataclass(frozen=True)
class ApplicationDetail:
    row: ApplicationRow
    motivation_statement: str
    heard_about: str
    availability: str
    adjustments: str
    scans: list[ScanInfo]
    assessments: list[Assessment]
    most_score: int


@dataclass(frozen=True)
class Places:
    """A cohort's places and its balance: students enrolled, and offers not yet answered."""

    cohort_id: uuid.UUID
    capacity: int
    taken: Balance
    offered: Balance

    @property
    def target(self) -> int:
        """Equal numbers from each side: half the places each."""
        return self.capacity // 2

    @property
    def promised(self) -> Balance:
        """Taken and offered together: what the cohort will look like if every offer is
        accepted."""
        return Balance(
            self.taken.prison + self.offered.prison,
            self.taken.university + self.offered.university,
            self.taken.community + self.offered.community,
        )

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.promised.total)

    def describe(self) -> str:
        promised = self.promised
        words = [
            f"{self.capacity} places: {self.taken.total} taken, {self.offered.total} offered "
            f"and waiting for an answer, {self.free} free.",
            f"Taken and offered: {promised.prison} prison-based and {promised.university} "
            f"university-based"
            + (f", {promised.community} from the community" if promised.community else "")
            + f"; the aim is {self.target} and {self.target}.",
        ]
        if not promised.is_balanced:
            more = "university" if promised.difference > 0 else "prison"
            words.append(f"{abs(promised.difference)} more {more}-based would balance it.")
        return " ".join(words)


@dataclass(frozen=True)
class AssessmentItem:
    """An application in an assessor's list: a name only when assessment is not blind."""

    id: uuid.UUID
    reference: str
    name: str | None
    received_on: date
    my_total: int | None
    assessors: int


@dataclass(frozen=True)
class ApplicationToAssess:
    """What an assessor reads. With blind assessment on, the statement and its scans and
    nothing else: no name, nor anything that might say where the person is based."""

    id: uuid.UUID
    reference: str
    blind: bool
    name: str | None
    motivation_statement: str
    heard_about: str | None
    availability: str | None
    adjustments: str | None
    scans: list[ScanInfo]
    criteria: list[CriterionInfo]
    mine: Assessment | None
    other_assessors: int
    open: bool

    @property
    def may_score(self) -> bool:
        return self.open and (
            self.mine is not None or self.other_assessors < ASSESSORS_PER_APPLICATION
        )


@dataclass(frozen=True)
class FreePlacesOffered:
    offered: list[ApplicationRow]
    still_free: int
    still_waiting: int
    #: Places left free because no one waiting would keep the numbers even.
    held_for_balance: int = 0


@dataclass(frozen=True)
class NewApplicant:
    """Someone applying who is not yet among the site's people."""

    given_name: str
    family_name: str
    base: PersonBase


@dataclass(frozen=True)
class ApplicationLetter:
    """What a letter about an application says. Deliberately nothing about where the
    person is based, and none of the prison-only details."""

    kind: ApplicationDecision
    name: str
    first_name: str
    course_title: str
    cohort_name: str
    partnership_name: str
    starts_on: date
    ends_on: date
    written_on: date
    reply_by: date | None
    reason: str
    signed_by: str


# -- the rubric -----------------------------------------------------------------------------


def ensure_default_rubric(session: Session) -> None:
    """Store the default rubric the first time a rubric is needed for writing."""
    if session.scalar(
        select(RubricCriterion.id).limit(1).execution_options(**{INCLUDE_DELETED: True})
    ):
        return
    session.add_all(_default_criteria())
    session.flush()


def _default_criteria() -> list[RubricCriterion]:
    return [
        RubricCriterion(
            id=default_criterion_id(position),
            position=position,
            name=name,
            guidance=guidance,
            active=True,
        )
        for position, (name, guidance) in enumerate(DEFAULT_RUBRIC, start=1)
    ]


def _criteria(session: Session, *, include_inactive: bool = False) -> list[RubricCriterion]:
    """The rubric in order; until a site first writes one, the default (not yet stored)."""
    stored = session.scalars(
        select(RubricCriterion).order_by(RubricCriterion.position, RubricCriterion.name)
    ).all()
    if not stored and not session.scalar(
        select(RubricCriterion.id).limit(1).execution_options(**{INCLUDE_DELETED: True})
    ):
        stored = _default_criteria()
    return [c for c in stored if include_inactive or c.active]


def _criterion_info(c: RubricCriterion) -> CriterionInfo:
    return CriterionInfo(c.id, c.position, c.name, c.guidance, c.active)


# -- the service ----------------------------------------------------------------------------


class ApplicationService(Service):
    # -- reading, for staff ---------------------------------------------------------------

    def blind_assessment(self) -> bool:
        self._require_any(Permission.ASSESS_APPLICATIONS, Permission.MANAGE_APPLICATIONS)
        with self._store.read() as session:
            return bool(read_setting(session, BLIND_ASSESSMENT))

    def rubric(self, *, include_inactive: bool = False) -> list[CriterionInfo]:
        self._require_any(
            Permission.ASSESS_APPLICATIONS,
            Permission.MANAGE_APPLICATIONS,
            Permission.MANAGE_SETTINGS,
        )
        with self._store.read() as session:
            return [
                _criterion_info(c) for c in _criteria(session, include_inactive=include_inactive)
            ]

    def list_applications(self, cohort_id: uuid.UUID) -> list[ApplicationRow]:
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            return _rows(session, cohort_id)

    def application(self, application_id: uuid.UUID) -> ApplicationDetail:
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.read() as session:
            application = self._get(session, application_id)
            criteria = _criteria(session)
            return ApplicationDetail(
                row=_rows(session, application.cohort_id, only=application.id)[0],
                motivation_statement=application.motivation_statement,
                heard_about=application.heard_about,
                availability=application.availability,
                adjustments=application.adjustments,
                scans=_scans(session, application.id),
                assessments=_assessments(session, criteria, application_id=application.id).get(
                    application.id, []
                ),
                most_score=HIGHEST_SCORE * len(criteria),
            )

    def places(self, cohort_id: uuid.UUID) -> Places:
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            return _places(session, get_or_not_found(session, Cohort, cohort_id, "cohort"))

    def scan_data(self, scan_id: uuid.UUID) -> bytes:
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.read() as session:
            scan = get_or_not_found(session, Attachment, scan_id, "scan")
            if scan.application_id is None:
                raise NotFound("That scan is not part of an application.")
            return scan.data

    # -- recording ------------------------------------------------------------------------

    def record_application(
        self,
        cohort_id: uuid.UUID,
        *,
        person_id: uuid.UUID | None = None,
        new_person: NewApplicant | None = None,
        received_on: date | None = None,
        motivation_statement: str = "",
        heard_about: str = "",
        availability: str = "",
        adjustments: str = "",
    ) -> ApplicationRow:
        """Record an application, typed or from the paper form; someone not yet among the
        site's people is added to them in the same step."""
        self._require(Permission.MANAGE_APPLICATIONS)
        if (person_id is None) == (new_person is None):
            raise ValidationError("Choose who is applying, or give a new applicant's name.")
        if new_person is not None:
            self._require(Permission.EDIT_PEOPLE)
            if not new_person.given_name.strip() or not new_person.family_name.strip():
                raise ValidationError("Fill in both the given name and the family name.")
            checked_name(new_person.given_name, "The given name")
            checked_name(new_person.family_name, "The family name")
        with self._store.write() as session:
            self._require_cohort_visible(session, cohort_id)
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            if new_person is not None:
                person = Person(
                    given_name=new_person.given_name.strip(),
                    family_name=new_person.family_name.strip(),
                    base=new_person.base,
                    research_id=unused_research_id(session),
                )
                session.add(person)
                session.flush()
            else:
                assert person_id is not None
                person = get_or_not_found(session, Person, person_id, "person")
                applied = session.scalar(
                    select(Application.id)
                    .where(Application.cohort_id == cohort_id, Application.person_id == person.id)
                    .execution_options(**{INCLUDE_DELETED: True})
                )
                if applied is not None:
                    raise ValidationError(
                        f"{person.display_name} has already applied to this cohort."
                    )
            application = Application(
                cohort_id=cohort_id,
                person_id=person.id,
                received_on=received_on or date.today(),
                motivation_statement=motivation_statement.strip(),
                heard_about=heard_about.strip(),
                availability=availability.strip(),
                adjustments=adjustments.strip(),
                decision=ApplicationDecision.PENDING,
            )
            session.add(application)
            session.flush()
            self._audit(
                session,
                "application.recorded",
                "application",
                application.id,
                reference=application_reference(application.id),
                new_person=new_person is not None,
            )
            return _rows(session, cohort_id, only=application.id)[0]

    def update_application(
        self,
        application_id: uuid.UUID,
        *,
        received_on: date,
        motivation_statement: str,
        heard_about: str = "",
        availability: str = "",
        adjustments: str = "",
    ) -> ApplicationRow:
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.write() as session:
            application = self._get(session, application_id)
            statement = motivation_statement.strip()
            if statement != application.motivation_statement and _has_scores(
                session, application.id
            ):
                raise ValidationError(
                    "This statement has been assessed, so it can no longer be changed."
                )
            application.received_on = received_on
            application.motivation_statement = statement
            application.heard_about = heard_about.strip()
            application.availability = availability.strip()
            application.adjustments = adjustments.strip()
            self._audit(
                session,
                "application.changed",
                "application",
                application.id,
                reference=application_reference(application.id),
            )
            session.flush()
            return _rows(session, application.cohort_id, only=application.id)[0]

    def attach_scan(self, application_id: uuid.UUID, filename: str, data: bytes) -> ScanInfo:
        """Keep a scan or photo of the paper application form inside the encrypted store."""
        self._require(Permission.MANAGE_APPLICATIONS)
        media_type = media_type_of(data)
        if media_type is None:
            raise ValidationError("A scan must be a PNG or JPEG picture, or a PDF.")
        if len(data) > MAX_SCAN_BYTES:
            raise ValidationError("That scan is larger than 25 MB; scan at a lower resolution.")
        with self._store.write() as session:
            application = self._get(session, application_id)
            scan = Attachment(
                kind=AttachmentKind.APPLICATION_SCAN,
                filename=filename.strip() or "scan",
                media_type=media_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
                application_id=application.id,
            )
            session.add(scan)
            session.flush()
            return ScanInfo(scan.id, scan.filename, scan.media_type, scan.size)

    # -- assessing ------------------------------------------------------------------------

    def assessment_list(self, cohort_id: uuid.UUID) -> list[AssessmentItem]:
        """The cohort's applications waiting for a decision, for an assessor; by reference
        only when assessment is blind."""
        self._require(Permission.ASSESS_APPLICATIONS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            blind = bool(read_setting(session, BLIND_ASSESSMENT))
            criteria = _criteria(session)
            pairs = session.execute(
                select(Application, Person)
                .join(Person, Person.id == Application.person_id)
                .where(
                    Application.cohort_id == cohort_id,
                    Application.decision == ApplicationDecision.PENDING,
                )
            ).all()
            assessments = _assessments(session, criteria, cohort_id=cohort_id)
            items = []
            for application, person in pairs:
                given = assessments.get(application.id, [])
                mine = next((a for a in given if self._is_mine(a)), None)
                items.append(
                    AssessmentItem(
                        id=application.id,
                        reference=application_reference(application.id),
                        name=None if blind else person.display_name,
                        received_on=application.received_on,
                        my_total=mine.total if mine is not None else None,
                        assessors=len(given),
                    )
                )
            # Blind lists go by reference, which follows no order of names or arrival.
            items.sort(
                key=lambda i: i.reference if blind else (i.received_on, i.name or "", i.reference)
            )
            return items

    def open_for_assessment(self, application_id: uuid.UUID) -> ApplicationToAssess:
        self._require(Permission.ASSESS_APPLICATIONS)
        with self._store.read() as session:
            return self._to_assess(session, self._get(session, application_id))

    def assessment_scan(self, application_id: uuid.UUID, scan_id: uuid.UUID) -> bytes:
        self._require(Permission.ASSESS_APPLICATIONS)
        with self._store.read() as session:
            application = self._get(session, application_id)
            scan = session.get(Attachment, scan_id)
            if scan is None or scan.application_id != application.id or scan.is_deleted:
                # Refused alike whether the scan is another application's or none at all.
                raise PermissionDenied("That scan is not part of this application.")
            return scan.data

    def score(
        self,
        application_id: uuid.UUID,
        scores: Mapping[uuid.UUID, int],
        notes: Mapping[uuid.UUID, str] | None = None,
    ) -> ApplicationToAssess:
        """This assessor's scores, one for every criterion of the rubric. They can be
        changed until a decision is made; no more than two assessors score a statement."""
        self._require(Permission.ASSESS_APPLICATIONS)
        notes = notes or {}
        with self._store.write() as session:
            application = self._get(session, application_id)
            if application.decision is not ApplicationDecision.PENDING:
                raise ValidationError(
                    "A decision has been made on this application, so its scores are final."
                )
            ensure_default_rubric(session)
            criteria = {c.id: c for c in _criteria(session)}
            if not criteria:
                raise ValidationError("The rubric has no criteria; ask an administrator.")
            unknown = set(scores) - set(criteria)
            if unknown:
                raise ValidationError("The rubric has changed; open the application again.")
            missing = [c.name for c in criteria.values() if c.id not in scores]
            if missing:
                raise ValidationError(f"Give a score for {_and_list(missing)}.")
            for value in scores.values():
                if not LOWEST_SCORE <= value <= HIGHEST_SCORE:
                    raise ValidationError(f"Each score is from {LOWEST_SCORE} to {HIGHEST_SCORE}.")
            given = _assessments(session, criteria.values(), application_id=application.id).get(
                application.id, []
            )
            if not any(self._is_mine(a) for a in given) and len(given) >= (
                ASSESSORS_PER_APPLICATION
            ):
                raise ValidationError(
                    f"This application has been assessed by {ASSESSORS_PER_APPLICATION} "
                    "people already."
                )
            rows: dict[uuid.UUID, ApplicationScore] = {}
            for row in session.scalars(
                select(ApplicationScore).where(ApplicationScore.application_id == application.id)
            ):
                mine = row.assessor_id == self.actor.user_id or (
                    row.assessor_id is None and row.assessor_name == self.actor.display_name
                )
                if mine:
                    rows[row.criterion_id] = row
                elif row.assessor_name == self.actor.display_name:
                    raise ValidationError(
                        "Another assessor with your name has scored this application; ask an "
                        "administrator to tell your two accounts apart by name."
                    )
            changed = bool(rows)
            for criterion_id, value in scores.items():
                score = rows.get(criterion_id)
                if score is None:
                    score = ApplicationScore(
                        application_id=application.id, criterion_id=criterion_id
                    )
                    session.add(score)
                score.assessor_id = self.actor.user_id
                score.assessor_name = self.actor.display_name
                score.score = int(value)
                score.notes = notes.get(criterion_id, "").strip()
            session.flush()
            self._audit(
                session,
                "application.rescored" if changed else "application.scored",
                "application",
                application.id,
                reference=application_reference(application.id),
                total=sum(int(v) for v in scores.values()),
            )
            return self._to_assess(session, application)

    # -- deciding -------------------------------------------------------------------------

    def decide(
        self,
        application_id: uuid.UUID,
        decision: ApplicationDecision,
        *,
        reason: str = "",
        on: date | None = None,
    ) -> ApplicationRow:
        """Offer a place, put on the waiting list, or decline with a reason the applicant
        reads in their letter. Until the applicant answers, a decision can be changed."""
        self._require(Permission.MANAGE_APPLICATIONS)
        if decision not in DECISIONS:
            raise ValidationError(
                "Choose to offer a place, to put on the waiting list, or to decline."
            )
        if decision is ApplicationDecision.DECLINED and not reason.strip():
            raise ValidationError(
                "Give a reason for declining; it goes in the letter, so keep it kind and plain."
            )
        with self._store.write() as session:
            application = self._get(session, application_id)
            self._decide(session, application, decision, reason=reason, on=on or date.today())
            session.flush()
            return _rows(session, application.cohort_id, only=application.id)[0]

    def answer_offer(
        self, application_id: uuid.UUID, *, accepted: bool, on: date | None = None
    ) -> ApplicationRow:
        """The applicant's answer. Accepting enrols them in the cohort as a student in the
        same transaction: both happen, or neither does."""
        self._require(Permission.MANAGE_APPLICATIONS)
        when = on or date.today()
        with self._store.write() as session:
            application = self._get(session, application_id)
            if application.decision is not ApplicationDecision.OFFERED:
                raise ValidationError("Only an offer of a place can be accepted or declined.")
            if application.decided_on is not None and when < application.decided_on:
                raise ValidationError("An answer cannot be dated before the offer was made.")
            application.answered_on = when
            if accepted:
                membership = MembershipService(self._store, self.actor).enrol_in(
                    session,
                    application.cohort_id,
                    application.person_id,
                    role=MembershipRole.STUDENT,
                    status=MembershipStatus.ACTIVE,
                    on=when,
                    reason="Accepted the offer of a place",
                )
                application.decision = ApplicationDecision.ACCEPTED
                self._audit(
                    session,
                    "application.offer_accepted",
                    "application",
                    application.id,
                    reference=application_reference(application.id),
                    membership=str(membership.id),
                )
            else:
                application.decision = ApplicationDecision.OFFER_DECLINED
                self._audit(
                    session,
                    "application.offer_declined",
                    "application",
                    application.id,
                    reference=application_reference(application.id),
                )
            session.flush()
            return _rows(session, application.cohort_id, only=application.id)[0]

    def withdraw(self, application_id: uuid.UUID, *, on: date | None = None) -> ApplicationRow:
        """The applicant no longer wishes to take part (before taking up a place)."""
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.write() as session:
            application = self._get(session, application_id)
            if application.decision not in WITHDRAWABLE:
                raise ValidationError(
                    "Only an application still waiting for a decision or an answer can be "
                    "withdrawn; a student who has started leaves through the cohort."
                )
            application.decision = ApplicationDecision.WITHDRAWN
            application.answered_on = on or date.today()
            self._audit(
                session,
                "application.withdrawn",
                "application",
                application.id,
                reference=application_reference(application.id),
            )
            session.flush()
            return _rows(session, application.cohort_id, only=application.id)[0]

    def offer_free_places(
        self, cohort_id: uuid.UUID, *, on: date | None = None
    ) -> FreePlacesOffered:
        """Offer every free place to the waiting list, best assessed first, in a way that
        keeps the numbers even.

        Each place goes to the highest-ranked person waiting whose place leaves the prison-
        and university-based numbers (taken and offered) no more than one apart. A place no
        such person can take stays free for staff to decide."""
        self._require(Permission.MANAGE_APPLICATIONS)
        when = on or date.today()
        with self._store.write() as session:
            self._require_cohort_visible(session, cohort_id)
            cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
            places = _places(session, cohort)
            counts = {
                PersonBase.PRISON: places.promised.prison,
                PersonBase.UNIVERSITY: places.promised.university,
            }
            waiting = [
                row
                for row in sorted(_rows(session, cohort_id), key=rank_key)
                if row.decision is ApplicationDecision.WAITING_LIST
            ]
            bases = dict(
                session.execute(
                    select(Person.id, Person.base).where(
                        Person.id.in_([row.person_id for row in waiting])
                    )
                ).all()
            )
            offered: list[ApplicationRow] = []
            free, held = places.free, 0
            while free and waiting:
                chosen = next(
                    (row for row in waiting if _keeps_balance(counts, bases[row.person_id])),
                    None,
                )
                if chosen is None:
                    held = free
                    break
                waiting.remove(chosen)
                application = self._get(session, chosen.id)
                self._decide(
                    session,
                    application,
                    ApplicationDecision.OFFERED,
                    reason="",
                    on=when,
                    from_waiting_list=True,
                )
                base = bases[chosen.person_id]
                if base in counts:
                    counts[base] += 1
                free -= 1
                offered.append(chosen)
            session.flush()
            fresh = {row.id: row for row in _rows(session, cohort_id)}
            return FreePlacesOffered(
                offered=[fresh[row.id] for row in offered],
                still_free=free,
                still_waiting=len(waiting),
                held_for_balance=held,
            )

    # -- letters --------------------------------------------------------------------------

    def letter(self, application_id: uuid.UUID) -> ApplicationLetter:
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.read() as session:
            return self._letter(session, self._get(session, application_id))

    def letters(
        self, cohort_id: uuid.UUID, decision: ApplicationDecision
    ) -> list[ApplicationLetter]:
        """A letter for everyone in the cohort with this decision, in name order."""
        self._require(Permission.MANAGE_APPLICATIONS)
        if decision not in DECISIONS:
            raise ValidationError("Letters are written for offers, the waiting list and declines.")
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            applications = session.scalars(
                select(Application)
                .join(Person, Person.id == Application.person_id)
                .where(Application.cohort_id == cohort_id, Application.decision == decision)
                .order_by(Person.family_name, Person.given_name)
            ).all()
            return [self._letter(session, a) for a in applications]

    # -- the rubric (administrators) ------------------------------------------------------

    def add_criterion(self, name: str, guidance: str = "") -> CriterionInfo:
        self._require(Permission.MANAGE_SETTINGS)
        _check_criterion(name)
        with self._store.write() as session:
            ensure_default_rubric(session)
            last = session.scalar(select(func.max(RubricCriterion.position))) or 0
            criterion = RubricCriterion(
                position=last + 1, name=name.strip(), guidance=guidance.strip(), active=True
            )
            session.add(criterion)
            session.flush()
            self._audit(session, "rubric.changed", "rubric_criterion", criterion.id, added=True)
            return _criterion_info(criterion)

    def change_criterion(
        self, criterion_id: uuid.UUID, *, name: str, guidance: str, active: bool
    ) -> CriterionInfo:
        """Reword a criterion or stop using it. Criteria are never deleted: scores already
        given keep what they were given against."""
        self._require(Permission.MANAGE_SETTINGS)
        _check_criterion(name)
        with self._store.write() as session:
            ensure_default_rubric(session)
            criterion = get_or_not_found(session, RubricCriterion, criterion_id, "criterion")
            criterion.name, criterion.guidance = name.strip(), guidance.strip()
            criterion.active = active
            self._audit(session, "rubric.changed", "rubric_criterion", criterion.id, active=active)
            return _criterion_info(criterion)

    def move_criterion(self, criterion_id: uuid.UUID, step: int) -> list[CriterionInfo]:
        """Move a criterion up (-1) or down (+1) the rubric; returns the whole rubric."""
        self._require(Permission.MANAGE_SETTINGS)
        with self._store.write() as session:
            ensure_default_rubric(session)
            order = list(_criteria(session, include_inactive=True))
            index = next((i for i, c in enumerate(order) if c.id == criterion_id), None)
            if index is None:
                raise NotFound("That criterion no longer exists.")
            target = min(max(index + step, 0), len(order) - 1)
            order.insert(target, order.pop(index))
            for position, criterion in enumerate(order, start=1):
                criterion.position = position
            self._audit(session, "rubric.changed", "rubric_criterion", criterion_id, moved=step)
            return [_criterion_info(c) for c in order]

    # -- inside -----------------------------------------------------------------------------

    def _get(self, session: Session, application_id: uuid.UUID) -> Application:
        application = get_or_not_found(session, Application, application_id, "application")
        self._require_cohort_visible(session, application.cohort_id)
        return application

    def _is_mine(self, assessment: Assessment) -> bool:
        if assessment.assessor_id is not None:
            return assessment.assessor_id == self.actor.user_id
        return assessment.assessor_name == self.actor.display_name

    def _decide(
        self,
        session: Session,
        application: Application,
        decision: ApplicationDecision,
        *,
        reason: str,
        on: date,
        from_waiting_list: bool = False,
    ) -> None:
        if application.decision not in OPEN_DECISIONS:
            raise ValidationError(
                f"This application is closed ({application.decision.label.lower()}); its "
                "decision can no longer change."
            )
        if application.decision is decision:
            raise ValidationError(f"The decision is already: {decision.label.lower()}.")
        if decision is ApplicationDecision.OFFERED:
            cohort = get_or_not_found(session, Cohort, application.cohort_id, "cohort")
            if _places(session, cohort).free <= 0:
                raise ValidationError(
                    f"All {cohort.capacity} places are taken or offered. Put this application "
                    "on the waiting list, or make the cohort larger first."
                )
        before = application.decision
        application.decision = decision
        application.decided_on = on
        application.decision_reason = (
            reason.strip() if decision is ApplicationDecision.DECLINED else ""
        )
        session.flush()
        self._audit(
            session,
            "application.decided",
            "application",
            application.id,
            reference=application_reference(application.id),
            decision=decision.value,
            before=before.value,
            **({"from_waiting_list": True} if from_waiting_list else {}),
        )

    def _to_assess(self, session: Session, application: Application) -> ApplicationToAssess:
        blind = bool(read_setting(session, BLIND_ASSESSMENT))
        criteria = _criteria(session)
        given = _assessments(session, criteria, application_id=application.id).get(
            application.id, []
        )
        mine = next((a for a in given if self._is_mine(a)), None)
        reference = application_reference(application.id)
        person = None if blind else session.get(Person, application.person_id)
        return ApplicationToAssess(
            id=application.id,
            reference=reference,
            blind=blind,
            name=None if person is None else person.display_name,
            motivation_statement=application.motivation_statement,
            heard_about=None if blind else application.heard_about,
            availability=None if blind else application.availability,
            adjustments=None if blind else application.adjustments,
            scans=_scans(session, application.id, blind_as=reference if blind else None),
            criteria=[_criterion_info(c) for c in criteria],
            mine=mine,
            other_assessors=sum(1 for a in given if a is not mine),
            open=application.decision is ApplicationDecision.PENDING,
        )

    def _letter(self, session: Session, application: Application) -> ApplicationLetter:
        if application.decision not in DECISIONS:
            raise ValidationError(
                "Letters are written once the application is offered a place, put on the "
                "waiting list or declined."
            )
        person = get_or_not_found(session, Person, application.person_id, "person")
        cohort = get_or_not_found(session, Cohort, application.cohort_id, "cohort")
        written_on = application.decided_on or date.today()
        reply_by = None
        if application.decision is ApplicationDecision.OFFERED:
            if written_on < cohort.starts_on:  # an answer before the first session
                reply_by = max(
                    written_on + timedelta(days=1),
                    min(written_on + REPLY_WITHIN, cohort.starts_on - timedelta(days=1)),
                )
            else:  # a place freed once the course is under way: a week to answer
                reply_by = written_on + REPLY_ONCE_STARTED
        return ApplicationLetter(
            kind=application.decision,
            name=person.display_name,
            first_name=person.preferred_name or person.given_name,
            course_title=cohort.course.title,
            cohort_name=cohort.name,
            partnership_name=cohort.course.partnership.name,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            written_on=written_on,
            reply_by=reply_by,
            reason=application.decision_reason,
            signed_by=self.actor.display_name,
        )


# -- helpers --------------------------------------------------------------------------------


def rank_key(row: ApplicationRow) -> tuple[float, date, str]:
    """Best assessed first; unassessed last; then the earliest received."""
    return (-row.score if row.score is not None else float("inf"), row.received_on, row.sort_name)


def _keeps_balance(counts: Mapping[PersonBase, int], base: PersonBase) -> bool:
    if base not in counts:
        return True  # neither side: the difference does not move
    other = PersonBase.UNIVERSITY if base is PersonBase.PRISON else PersonBase.PRISON
    return counts[base] + 1 - counts[other] <= 1


def _places(session: Session, cohort: Cohort) -> Places:
    taken = balances(session, [cohort.id]).get(cohort.id, Balance())
    offered: dict[str, int] = {}
    for base, count in session.execute(
        select(Person.base, func.count())
        .join(Application, Application.person_id == Person.id)
        .where(
            Application.cohort_id == cohort.id,
            Application.decision == ApplicationDecision.OFFERED,
        )
        .group_by(Person.base)
    ):
        offered[PersonBase(base).value] = count
    return Places(cohort.id, cohort.capacity, taken, Balance(**offered))


def _has_scores(session: Session, application_id: uuid.UUID) -> bool:
    return (
        session.scalar(
            select(ApplicationScore.id)
            .where(ApplicationScore.application_id == application_id)
            .limit(1)
        )
        is not None
    )


def _assessments(
    session: Session,
    criteria: Iterable[RubricCriterion],
    *,
    cohort_id: uuid.UUID | None = None,
    application_id: uuid.UUID | None = None,
) -> dict[uuid.UUID, list[Assessment]]:
    """The assessments of a cohort's applications (or of one), one per assessor, counted
    against the rubric as it is now."""
    active = {c.id for c in criteria}
    query = select(
        ApplicationScore.application_id,
        ApplicationScore.assessor_id,
        ApplicationScore.assessor_name,
        ApplicationScore.criterion_id,
        ApplicationScore.score,
        ApplicationScore.notes,
    )
    if cohort_id is not None:
        query = query.join(Application, Application.id == ApplicationScore.application_id).where(
            Application.cohort_id == cohort_id
        )
    if application_id is not None:
        query = query.where(ApplicationScore.application_id == application_id)
    grouped: dict[uuid.UUID, dict[tuple[uuid.UUID | None, str], list[tuple[Any, ...]]]] = (
        defaultdict(lambda: defaultdict(list))
    )
    for found, assessor_id, assessor_name, *score in session.execute(query):
        grouped[found][(assessor_id, assessor_name)].append(tuple(score))
    result: dict[uuid.UUID, list[Assessment]] = {}
    for found, by_assessor in grouped.items():
        assessments = []
        for (assessor_id, assessor_name), scores in by_assessor.items():
            counted = [(c, value, note) for c, value, note in scores if c in active]
            assessments.append(
                Assessment(
                    assessor_id=assessor_id,
                    assessor_name=assessor_name,
                    scores={c: value for c, value, _ in counted},
                    notes={c: note for c, _, note in counted if note},
                    total=sum(value for _, value, _ in counted),
                    complete=bool(active) and {c for c, _, _ in counted} == active,
                )
            )
        assessments.sort(key=lambda a: a.assessor_name.casefold())
        result[found] = assessments
    return result


def _rows(
    session: Session, cohort_id: uuid.UUID, *, only: uuid.UUID | None = None
) -> list[ApplicationRow]:
    query = (
        select(
            Application.id,
            Application.person_id,
            Application.received_on,
            Application.decision,
            Application.decision_reason,
            Application.decided_on,
            Application.answered_on,
            Person.given_name,
            Person.preferred_name,
            Person.family_name,
        )
        .join(Person, Person.id == Application.person_id)
        .where(Application.cohort_id == cohort_id)
    )
    if only is not None:
        query = query.where(Application.id == only)
    found = session.execute(query).all()
    assessments = _assessments(
        session,
        _criteria(session),
        cohort_id=cohort_id if only is None else None,
        application_id=only,
    )
    scan_query = (
        select(Attachment.application_id, func.count())
        .join(Application, Application.id == Attachment.application_id)
        .where(Application.cohort_id == cohort_id)
        .group_by(Attachment.application_id)
    )
    scans = dict(session.execute(scan_query).all())
    rows = []
    for (
        application_id,
        person_id,
        received_on,
        decision,
        reason,
        decided_on,
        answered_on,
        given,
        preferred,
        family,
    ) in found:
        first = preferred or given
        given_by = assessments.get(application_id, [])
        complete = [a.total for a in given_by if a.complete]
        rows.append(
            ApplicationRow(
                id=application_id,
                cohort_id=cohort_id,
                person_id=person_id,
                reference=application_reference(application_id),
                name=f"{first} {family}".strip(),
                sort_name=f"{family}, {first}",
                received_on=received_on,
                decision=decision,
                decision_reason=reason,
                decided_on=decided_on,
                answered_on=answered_on,
                assessors=len(given_by),
                score=sum(complete) / len(complete) if complete else None,
                scans=scans.get(application_id, 0),
            )
        )
    rows.sort(key=lambda r: (r.received_on, r.sort_name.casefold()))
    return rows


def _scans(
    session: Session, application_id: uuid.UUID, *, blind_as: str | None = None
) -> list[ScanInfo]:
    return [
        ScanInfo(
            a.id,
            a.filename if blind_as is None else blind_scan_name(blind_as, n, a.media_type),
            a.media_type,
            a.size,
        )
        for n, a in enumerate(
            session.scalars(
                select(Attachment)
                .where(Attachment.application_id == application_id)
                .order_by(Attachment.created_at)
            ),
            start=1,
        )
    ]


def _check_criterion(name: str) -> None:
    if not name.strip():
        raise ValidationError("Give the criterion a name.")
    if len(name.strip()) > 200:
        raise ValidationError("A criterion's name is limited to 200 characters.")


def _and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
