"""The demo's essays and their marks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from lt_desktop.core import demo_text as text
from lt_desktop.core.demo.base import (
    LEFT_EARLY,
    DemoBuilderBase,
    DemoCohort,
)
from lt_desktop.core.services.essays import count_words, new_candidate_number
from lt_desktop.domain.vocabulary import (
    MarkPosition,
    MembershipRole,
)
from lt_desktop.storage import models as m


class EssaysAndMarks(DemoBuilderBase):
    """Writes students' essays and marks them."""

    # -- essays and marks ----------------------------------------------------------------

    def _essays(self, cohort: DemoCohort, *, finished: bool) -> None:
        deadline = cohort.row.ends_on - timedelta(days=7)
        students = [
            (mem, p)
            for mem, p in cohort.members
            if mem.role is MembershipRole.STUDENT and mem.status not in LEFT_EARLY
        ]
        for index, (membership, _) in enumerate(students):
            if not finished and index % 2:
                continue  # half of the running cohort has handed in so far
            body = " ".join(self.rng.choice(text.ESSAY_SENTENCES) for _ in range(90))
            late = self.rng.random() < 0.08
            essay = m.Essay(
                id=uuid.uuid4(),
                membership_id=membership.id,
                candidate_number=new_candidate_number(),
                title=self.rng.choice(text.ESSAY_TITLES),
                text=body,
                word_count=count_words(body),
                submitted_on=deadline + timedelta(days=3 if late else -self.rng.randint(0, 5)),
                late=late,
                extension_note="Extension agreed for healthcare appointments." if late else "",
            )
            self.session.add(essay)
            self.session.flush()
            first = round(self.rng.gauss(64, 6))
            second = first + self.rng.choice([-6, -4, -2, 0, 2, 3, 5, 12])
            marks: list[tuple[MarkPosition, str, int | None]] = [
                (MarkPosition.FIRST, "Marker A", first),
                (MarkPosition.SECOND, "Marker B", second),
            ]
            if finished:
                marks.append((MarkPosition.AGREED, "Moderation", round((first + second) / 2)))
                essay.moderation_needed = abs(first - second) >= 10
                essay.identities_revealed = True
            elif index % 4 == 0:
                marks = marks[:1]
            else:
                # Waiting for the demo marker's account (first) and a paper marker.
                marks = [
                    (MarkPosition.FIRST, self.marker_name or "Marker A", None),
                    (MarkPosition.SECOND, "Marker B", None),
                ]
            for position, marker, score in marks:
                self.session.add(
                    m.EssayMark(
                        essay_id=essay.id,
                        position=position,
                        marker_id=self.marker_id if marker == self.marker_name else None,
                        marker_name=marker,
                        score=score,
                        feedback=self.rng.choice(text.FEEDBACK) if score else "",
                        submitted_at=(
                            datetime.combine(cohort.row.ends_on, time(12), UTC) if score else None
                        ),
                        locked=position is MarkPosition.AGREED,
                    )
                )
