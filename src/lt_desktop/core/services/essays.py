"""Reflective essays as the coordinator and education staff handle them: receiving
them, scans included; allocating markers; moderating; revealing who wrote what.

Markers never come through here: they use ``MarkingService``, which knows essays by
candidate number only.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.people import names_told_apart
from lt_desktop.core.services.settings import MODERATION_THRESHOLD, read_setting
from lt_desktop.domain.errors import NotFound, ValidationError
from lt_desktop.domain.roles import Permission, Role
from lt_desktop.domain.vocabulary import (
    AttachmentKind,
    MarkPosition,
    MembershipRole,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Attachment,
    Cohort,
    Essay,
    EssayMark,
    GroupMember,
    Membership,
    User,
    utc_now,
)

CANDIDATE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SCAN_TYPES = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "application/pdf": (b"%PDF-",),
}
MAX_SCAN_BYTES = 25 * 1024 * 1024
_WORD = re.compile(r"\b[\w'’-]+\b")


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def new_candidate_number() -> str:
    """Random, so it says nothing about the writer: not their name, base or order."""
    return "C" + "".join(secrets.choice(CANDIDATE_ALPHABET) for _ in range(7))


def media_type_of(data: bytes) -> str | None:
    for media_type, signatures in SCAN_TYPES.items():
        if any(data.startswith(signature) for signature in signatures):
            return media_type
    return None


@dataclass(frozen=True)
class MarkInfo:
    position: MarkPosition
    marker_id: uuid.UUID | None
    marker_name: str
    score: float | None
    feedback: str
    locked: bool


@dataclass(frozen=True)
class EssayRow:
    """An essay as staff see it: with its writer, and every mark."""

    id: uuid.UUID
    membership_id: uuid.UUID
    candidate_number: str
    student_name: str
    title: str
    word_count: int
    submitted_on: date | None
    late: bool
    extension_note: str
    scans: int
    marks: dict[MarkPosition, MarkInfo]
    moderation_needed: bool
    identities_revealed: bool

    @property
    def status(self) -> str:
        agreed = self.marks.get(MarkPosition.AGREED)
        if agreed is not None and agreed.score is not None:
            return f"Agreed {agreed.score:g}"
        if self.moderation_needed:
            return "For moderation"
        given = [m for p, m in self.marks.items() if p is not MarkPosition.AGREED]
        done = sum(1 for m in given if m.score is not None)
        if not given:
            return "Awaiting markers"
        return f"{done} of {len(given)} marks in"


@dataclass(frozen=True)
class ScanInfo:
    id: uuid.UUID
    filename: str
    media_type: str
    size: int


@dataclass(frozen=True)
class PackScan:
    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True)
class PackEssay:
    """An essay as it goes to a marker on paper: by candidate number only."""

    candidate_number: str
    title: str
    text: str
    word_count: int
    position: MarkPosition | None
    scans: list[PackScan]


@dataclass(frozen=True)
class MarkingPack:
    course_title: str
    cohort_name: str
    partnership_name: str
    marker_name: str
    essays: list[PackEssay]


@dataclass(frozen=True)
class FeedbackSheet:
    """One student's result, once identities have been revealed."""

    student_name: str
    course_title: str
    cohort_name: str
    partnership_name: str
    candidate_number: str
    title: str
    agreed_score: float
    agreed_feedback: str
    marker_feedback: list[str]
    credits: int | None


@dataclass(frozen=True)
class Allocation:
    allocated: int
    per_marker: dict[str, int]
    not_allocated: list[str]  # candidate numbers no marker could take


class EssayService(Service):
    def list_essays(self, cohort_id: uuid.UUID) -> list[EssayRow]:
        self._require(Permission.MANAGE_ESSAYS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            return _essay_rows(session, cohort_id)

    def students_without_essay(self, cohort_id: uuid.UUID) -> list[tuple[uuid.UUID, str]]:
        """(membership id, name) of the cohort's students with no essay yet; two of the
        same name are told apart by their short references."""
        self._require(Permission.MANAGE_ESSAYS)
        with self._store.read() as session:
            have = set(session.scalars(select(Essay.membership_id)))
            students = [
                m
                for m in session.scalars(
                    select(Membership).where(
                        Membership.cohort_id == cohort_id,
                        Membership.role == MembershipRole.STUDENT,
                    )
                )
                if m.id not in have
            ]
            names = names_told_apart((m.person_id, m.person.display_name) for m in students)
            return [(m.id, names[m.person_id]) for m in students]

    def record_essay(
        self,
        membership_id: uuid.UUID,
        *,
        title: str,
        text: str = "",
        submitted_on: date | None = None,
        late: bool = False,
        extension_note: str = "",
    ) -> EssayRow:
        """Record a student's essay (typed, or a title for a scanned one), or update it."""
        self._require(Permission.MANAGE_ESSAYS)
        with self._store.write() as session:
            membership = get_or_not_found(session, Membership, membership_id, "membership")
            if membership.role is not MembershipRole.STUDENT:
                raise ValidationError("Only students write the reflective essay.")
            essay = session.scalars(
                select(Essay).where(Essay.membership_id == membership_id)
            ).first()
            if essay is None:
                essay = Essay(membership_id=membership_id, candidate_number=_unused_number(session))
                session.add(essay)
            elif _any_mark_given(session, essay.id):
                raise ValidationError(
                    "This essay has been marked; its text can no longer be changed."
                )
            essay.title = title.strip()
            essay.text = text
            essay.word_count = count_words(text)
            essay.submitted_on = submitted_on
            essay.late, essay.extension_note = late, extension_note.strip()
            session.flush()
            return _essay_rows(session, membership.cohort_id, only=essay.id)[0]

    def attach_scan(self, essay_id: uuid.UUID, filename: str, data: bytes) -> ScanInfo:
        """Keep a scan or photo of a handwritten essay inside the encrypted store."""
        self._require(Permission.MANAGE_ESSAYS)
        media_type = media_type_of(data)
        if media_type is None:
            raise ValidationError("A scan must be a PNG or JPEG picture, or a PDF.")
        if len(data) > MAX_SCAN_BYTES:
            raise ValidationError("That scan is larger than 25 MB; scan at a lower resolution.")
        with self._store.write() as session:
            get_or_not_found(session, Essay, essay_id, "essay")
            scan = Attachment(
                kind=AttachmentKind.ESSAY_SCAN,
                filename=filename.strip() or "scan",
                media_type=media_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
                essay_id=essay_id,
            )
            session.add(scan)
            session.flush()
            return ScanInfo(scan.id, scan.filename, scan.media_type, scan.size)

    def scans(self, essay_id: uuid.UUID) -> list[ScanInfo]:
        self._require(Permission.MANAGE_ESSAYS)
        with self._store.read() as session:
            return scans_of(session, essay_id)

    def scan_data(self, scan_id: uuid.UUID) -> bytes:
        self._require(Permission.MANAGE_ESSAYS)
        with self._store.read() as session:
            return get_or_not_found(session, Attachment, scan_id, "scan").data

    # -- markers --------------------------------------------------------------------------

    def markers(self) -> list[tuple[uuid.UUID, str]]:
        """The accounts that may mark: (user id, name)."""
        self._require(Permission.MANAGE_ESSAYS)
        with self._store.read() as session:
            return [
                (u.id, u.display_name)
                for u in session.scalars(
                    select(User)
                    .where(User.role == Role.MARKER, User.disabled.is_(False))
                    .order_by(User.display_name)
                )
            ]

    def allocate_markers(
        self,
        cohort_id: uuid.UUID,
        marker_ids: list[uuid.UUID],
        *,
        avoid_own_groups: bool = True,
    ) -> Allocation:
        """Give every essay without markers a first and a second marker, spreading the
        load; a marker never takes both marks of one essay, and (if asked) never marks a
        student from a small group they work with."""
        self._require(Permission.MANAGE_ESSAYS)
        if len(set(marker_ids)) < 2:
            raise ValidationError("Choose at least two markers: each essay is marked twice.")
        with self._store.write() as session:
            self._require_cohort_visible(session, cohort_id)
            markers = [get_or_not_found(session, User, m, "marker") for m in marker_ids]
            if any(m.role is not Role.MARKER for m in markers):
                raise ValidationError("Only marker accounts can be allocated essays.")
            essays = session.scalars(
                select(Essay)
                .join(Membership, Membership.id == Essay.membership_id)
                .where(Membership.cohort_id == cohort_id)
                .order_by(Essay.candidate_number)
            ).all()
            load: Counter[uuid.UUID] = Counter()
            for marker_id, count in session.execute(
                select(EssayMark.marker_id, func.count())
                .where(EssayMark.marker_id.in_(marker_ids))
                .group_by(EssayMark.marker_id)
            ):
                if marker_id is not None:
                    load[marker_id] = count
            conflicts = _marker_groups(session, markers) if avoid_own_groups else {}
            student_groups = _student_groups(session, cohort_id) if avoid_own_groups else {}
            marks_of: dict[uuid.UUID, dict[MarkPosition, EssayMark]] = defaultdict(dict)
            for mark in session.scalars(
                select(EssayMark).where(EssayMark.essay_id.in_([e.id for e in essays]))
            ):
                marks_of[mark.essay_id][mark.position] = mark
            allocated, refused = 0, []
            for essay in essays:
                existing = marks_of[essay.id]
                taken = {m.marker_id for m in existing.values()}
                for position in (MarkPosition.FIRST, MarkPosition.SECOND):
                    held = existing.get(position)
                    if held is not None and (held.marker_id is not None or held.score is not None):
                        continue  # allocated already, or marked on paper
                    groups = student_groups.get(essay.membership_id, set())
                    eligible = [
                        m
                        for m in markers
                        if m.id not in taken and not (conflicts.get(m.id, set()) & groups)
                    ]
                    if not eligible:
                        refused.append(essay.candidate_number)
                        break
                    chosen = min(eligible, key=lambda m: (load[m.id], m.display_name))
                    mark = existing.get(position) or EssayMark(essay_id=essay.id, position=position)
                    mark.marker_id, mark.marker_name = chosen.id, chosen.display_name
                    session.add(mark)
                    load[chosen.id] += 1
                    taken.add(chosen.id)
                    allocated += 1
            self._audit(session, "essays.allocated", "cohort", cohort_id, marks=allocated)
            names = {m.id: m.display_name for m in markers}
            return Allocation(
                allocated,
                {names[i]: n for i, n in load.items() if i in names},
                sorted(set(refused)),
            )

    def enter_mark(
        self,
        candidate_number: str,
        position: MarkPosition,
        score: float | None,
        feedback: str = "",
        *,
        reason: str = "",
    ) -> EssayRow:
        """Enter a mark from a paper mark sheet (or agree the mark, with AGREED).

        An agreed mark is locked once given; changing it needs a reason, which the
        audit log keeps."""
        self._require(Permission.MANAGE_ESSAYS)
        score = check_score(score)
        with self._store.write() as session:
            essay = _essay_by_number(session, candidate_number)
            mark = session.scalars(
                select(EssayMark).where(
                    EssayMark.essay_id == essay.id, EssayMark.position == position
                )
            ).first()
            if mark is not None and mark.locked:
                if not reason.strip():
                    raise ValidationError(
                        "The agreed mark is locked. Give a reason to change it; it is recorded."
                    )
            if mark is None:
                mark = EssayMark(essay_id=essay.id, position=position)
                session.add(mark)
            before = mark.score
            mark.score, mark.feedback = score, feedback.strip()
            mark.submitted_at = utc_now()
            if position is MarkPosition.AGREED:
                mark.marker_id, mark.marker_name = self.actor.user_id, self.actor.display_name
                mark.locked = True
                essay.moderation_needed = False
            else:
                flag_for_moderation(session, essay)
            self._audit(
                session,
                "mark.entered" if before is None else "mark.changed",
                "essay",
                essay.id,
                candidate=candidate_number,
                position=position.value,
                **({"reason": reason.strip()} if before is not None else {}),
            )
            membership = session.get(Membership, essay.membership_id)
            assert membership is not None
            session.flush()
            return _essay_rows(session, membership.cohort_id, only=essay.id)[0]

    def marking_pack(self, cohort_id: uuid.UUID, marker_id: uuid.UUID | None = None) -> MarkingPack:
        """The essays a marker without the app marks on paper (all of the cohort's when no
        marker is named): candidate numbers, titles, texts and scans, nothing more."""
        self._require(Permission.MANAGE_ESSAYS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
            marker_name = ""
            if marker_id is not None:
                marker_name = get_or_not_found(session, User, marker_id, "marker").display_name
            essays = []
            for row in _essay_rows(session, cohort_id):
                position = next(
                    (
                        p
                        for p, m in row.marks.items()
                        if p is not MarkPosition.AGREED and m.marker_id == marker_id
                    ),
                    None,
                )
                if marker_id is not None and position is None:
                    continue
                essay = session.get(Essay, row.id)
                assert essay is not None
                scans = [
                    PackScan(
                        blind_scan_name(essay.candidate_number, n, a.media_type),
                        a.media_type,
                        a.data,
                    )
                    for n, a in enumerate(
                        session.scalars(
                            select(Attachment)
                            .where(Attachment.essay_id == essay.id)
                            .order_by(Attachment.created_at)
                        ),
                        start=1,
                    )
                ]
                essays.append(
                    PackEssay(
                        essay.candidate_number,
                        essay.title,
                        essay.text,
                        essay.word_count,
                        position,
                        scans,
                    )
                )
            return MarkingPack(
                cohort.course.title,
                cohort.name,
                cohort.course.partnership.name,
                marker_name,
                essays,
            )

    def feedback_sheet(self, essay_id: uuid.UUID) -> FeedbackSheet:
        self._require(Permission.MANAGE_ESSAYS)
        with self._store.read() as session:
            essay = get_or_not_found(session, Essay, essay_id, "essay")
            membership = get_or_not_found(session, Membership, essay.membership_id, "membership")
            self._require_cohort_visible(session, membership.cohort_id)
            if not essay.identities_revealed:
                raise ValidationError(
                    "Agree the mark and reveal identities before writing feedback sheets."
                )
            return _feedback_sheet(session, essay, membership)

    def feedback_sheets(self, cohort_id: uuid.UUID) -> list[FeedbackSheet]:
        """A sheet for every student whose essay is agreed and revealed, by name."""
        self._require(Permission.MANAGE_ESSAYS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            sheets = []
            for row in _essay_rows(session, cohort_id):
                agreed = row.marks.get(MarkPosition.AGREED)
                if not row.identities_revealed or agreed is None or agreed.score is None:
                    continue
                essay = get_or_not_found(session, Essay, row.id, "essay")
                membership = get_or_not_found(
                    session, Membership, essay.membership_id, "membership"
                )
                sheets.append(_feedback_sheet(session, essay, membership))
            return sorted(sheets, key=lambda sheet: sheet.student_name.casefold())

    def reveal_identities(self, cohort_id: uuid.UUID) -> int:
        """Once marks are agreed, show markers' results against names. Returns how many."""
        self._require(Permission.MANAGE_ESSAYS)
        with self._store.write() as session:
            count = 0
            for row in _essay_rows(session, cohort_id):
                agreed = row.marks.get(MarkPosition.AGREED)
                if agreed is None or agreed.score is None:
                    continue
                essay = session.get(Essay, row.id)
                if essay is not None and not essay.identities_revealed:
                    essay.identities_revealed = True
                    count += 1
            self._audit(session, "essays.revealed", "cohort", cohort_id, essays=count)
            return count


def _unused_number(session: Session) -> str:
    while True:
        number = new_candidate_number()
        clash = session.scalar(
            select(Essay.id)
            .where(Essay.candidate_number == number)
            .execution_options(**{INCLUDE_DELETED: True})
        )
        if clash is None:
            return number


def _any_mark_given(session: Session, essay_id: uuid.UUID) -> bool:
    return any(
        m.score is not None
        for m in session.scalars(select(EssayMark).where(EssayMark.essay_id == essay_id))
    )


def check_score(score: float | None, *, missing: str = "Give the mark, from 0 to 100.") -> float:
    """The mark, once it is one: an empty mark field is no mark at all, never 0."""
    if score is None:
        raise ValidationError(missing)
    if not 0 <= score <= 100:
        raise ValidationError("A mark is between 0 and 100.")
    return score


def _essay_by_number(session: Session, candidate_number: str) -> Essay:
    essay = session.scalars(
        select(Essay).where(Essay.candidate_number == candidate_number.strip().upper())
    ).first()
    if essay is None:
        raise NotFound(f"No essay has the candidate number {candidate_number.strip()}.")
    return essay


def flag_for_moderation(session: Session, essay: Essay) -> None:
    marks = {
        m.position: m.score
        for m in session.scalars(select(EssayMark).where(EssayMark.essay_id == essay.id))
    }
    first, second = marks.get(MarkPosition.FIRST), marks.get(MarkPosition.SECOND)
    if first is not None and second is not None:
        threshold = float(read_setting(session, MODERATION_THRESHOLD))
        essay.moderation_needed = abs(first - second) > threshold


def _feedback_sheet(session: Session, essay: Essay, membership: Membership) -> FeedbackSheet:
    marks = {
        m.position: m
        for m in session.scalars(select(EssayMark).where(EssayMark.essay_id == essay.id))
    }
    agreed = marks.get(MarkPosition.AGREED)
    if agreed is None or agreed.score is None:
        raise ValidationError("This essay has no agreed mark yet.")
    cohort = membership.cohort
    return FeedbackSheet(
        student_name=membership.person.display_name,
        course_title=cohort.course.title,
        cohort_name=cohort.name,
        partnership_name=cohort.course.partnership.name,
        candidate_number=essay.candidate_number,
        title=essay.title,
        agreed_score=agreed.score,
        agreed_feedback=agreed.feedback,
        marker_feedback=[
            m.feedback
            for p, m in sorted(marks.items())
            if p is not MarkPosition.AGREED and m.feedback
        ],
        credits=cohort.course.credits if cohort.course.accredited else None,
    )


_SCAN_SUFFIXES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def blind_scan_name(candidate_number: str, number: int, media_type: str) -> str:
    """What a scan is called wherever markers see it.

    Staff name scans when they attach them, and a name such as "smith-essay.pdf" would
    tell a blind marker who wrote the essay, so markers only ever see this one.
    """
    return f"{candidate_number}-scan-{number}{_SCAN_SUFFIXES.get(media_type, '')}"


def scans_of(
    session: Session, essay_id: uuid.UUID, *, blind_as: str | None = None
) -> list[ScanInfo]:
    """The essay's scans in the order attached; named by candidate number when `blind_as`."""
    return attached_scans(session, Attachment.essay_id == essay_id, blind_as=blind_as)


def attached_scans(
    session: Session, belongs: ColumnElement[bool], *, blind_as: str | None = None
) -> list[ScanInfo]:
    """The scans ``belongs`` picks (an essay's, an application's) in the order attached;
    named by ``blind_as`` (a candidate number, a reference) and their place when given."""
    return [
        ScanInfo(
            a.id,
            a.filename if blind_as is None else blind_scan_name(blind_as, n, a.media_type),
            a.media_type,
            a.size,
        )
        for n, a in enumerate(
            session.scalars(select(Attachment).where(belongs).order_by(Attachment.created_at)),
            start=1,
        )
    ]


def _essay_rows(
    session: Session, cohort_id: uuid.UUID, *, only: uuid.UUID | None = None
) -> list[EssayRow]:
    query = (
        select(Essay, Membership)
        .join(Membership, Membership.id == Essay.membership_id)
        .where(Membership.cohort_id == cohort_id)
        .order_by(Essay.candidate_number)
    )
    if only is not None:
        query = query.where(Essay.id == only)
    pairs = session.execute(query).all()
    ids = [essay.id for essay, _ in pairs]
    marks: dict[uuid.UUID, dict[MarkPosition, MarkInfo]] = {}
    for m in session.scalars(select(EssayMark).where(EssayMark.essay_id.in_(ids))):
        marks.setdefault(m.essay_id, {})[m.position] = MarkInfo(
            m.position, m.marker_id, m.marker_name, m.score, m.feedback, m.locked
        )
    scans = Counter(
        session.scalars(select(Attachment.essay_id).where(Attachment.essay_id.in_(ids)))
    )
    return [
        EssayRow(
            id=essay.id,
            membership_id=essay.membership_id,
            candidate_number=essay.candidate_number,
            student_name=membership.person.display_name,
            title=essay.title,
            word_count=essay.word_count,
            submitted_on=essay.submitted_on,
            late=essay.late,
            extension_note=essay.extension_note,
            scans=scans.get(essay.id, 0),
            marks=marks.get(essay.id, {}),
            moderation_needed=essay.moderation_needed,
            identities_revealed=essay.identities_revealed,
        )
        for essay, membership in pairs
    ]


def _marker_groups(session: Session, markers: list[User]) -> dict[uuid.UUID, set[uuid.UUID]]:
    """The small groups each marker works with (through the person they are)."""
    result: dict[uuid.UUID, set[uuid.UUID]] = {}
    for marker in markers:
        if marker.person_id is None:
            continue
        result[marker.id] = set(
            session.scalars(
                select(GroupMember.group_id)
                .join(Membership, Membership.id == GroupMember.membership_id)
                .where(Membership.person_id == marker.person_id)
            )
        )
    return result


def _student_groups(session: Session, cohort_id: uuid.UUID) -> dict[uuid.UUID, set[uuid.UUID]]:
    result: dict[uuid.UUID, set[uuid.UUID]] = {}
    for membership_id, group_id in session.execute(
        select(GroupMember.membership_id, GroupMember.group_id)
        .join(Membership, Membership.id == GroupMember.membership_id)
        .where(Membership.cohort_id == cohort_id)
    ):
        result.setdefault(membership_id, set()).add(group_id)
    return result
