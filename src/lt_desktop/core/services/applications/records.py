"""Recording applications: typed or scanned, listed and ranked, with the cohort's places."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.core.names import checked_name
from lt_desktop.core.services.applications.assessment import Assessment, assessments_of
from lt_desktop.core.services.applications.common import (
    HIGHEST_SCORE,
    ApplicationsPart,
    application_reference,
)
from lt_desktop.core.services.applications.rubric import rubric_criteria
from lt_desktop.core.services.applications.scans import scans_of
from lt_desktop.core.services.base import get_or_not_found
from lt_desktop.core.services.essays import MAX_SCAN_BYTES, ScanInfo, media_type_of
from lt_desktop.core.services.people import unused_research_id
from lt_desktop.core.services.programme import Balance, balances
from lt_desktop.domain.errors import NotFound, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ApplicationDecision, AttachmentKind, PersonBase
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import Application, ApplicationScore, Attachment, Cohort, Person


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
class NewApplicant:
    """Someone applying who is not yet among the site's people."""

    given_name: str
    family_name: str
    base: PersonBase


class RecordsPart(ApplicationsPart):
    """Recording and listing applications, and a cohort's places."""

    def list_applications(self, cohort_id: uuid.UUID) -> list[ApplicationRow]:
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            return application_rows(session, cohort_id)

    def application(self, application_id: uuid.UUID) -> ApplicationDetail:
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.read() as session:
            application = self._get(session, application_id)
            criteria = rubric_criteria(session)
            return ApplicationDetail(
                row=application_rows(session, application.cohort_id, only=application.id)[0],
                motivation_statement=application.motivation_statement,
                heard_about=application.heard_about,
                availability=application.availability,
                adjustments=application.adjustments,
                scans=scans_of(session, application.id),
                assessments=assessments_of(session, criteria, application_id=application.id).get(
                    application.id, []
                ),
                most_score=HIGHEST_SCORE * len(criteria),
            )

    def places(self, cohort_id: uuid.UUID) -> Places:
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            return places_of(session, get_or_not_found(session, Cohort, cohort_id, "cohort"))

    def scan_data(self, scan_id: uuid.UUID) -> bytes:
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.read() as session:
            scan = get_or_not_found(session, Attachment, scan_id, "scan")
            if scan.application_id is None:
                raise NotFound("That scan is not part of an application.")
            return scan.data

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
            return application_rows(session, cohort_id, only=application.id)[0]

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
            if statement != application.motivation_statement and has_scores(
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
            return application_rows(session, application.cohort_id, only=application.id)[0]

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


def rank_key(row: ApplicationRow) -> tuple[float, date, str]:
    """Best assessed first; unassessed last; then the earliest received."""
    return (-row.score if row.score is not None else float("inf"), row.received_on, row.sort_name)


def places_of(session: Session, cohort: Cohort) -> Places:
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


def has_scores(session: Session, application_id: uuid.UUID) -> bool:
    return (
        session.scalar(
            select(ApplicationScore.id)
            .where(ApplicationScore.application_id == application_id)
            .limit(1)
        )
        is not None
    )


def application_rows(
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
    assessments = assessments_of(
        session,
        rubric_criteria(session),
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
