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

from lt_desktop.core.services.applications.assessment import (
    ASSESSMENT_NOTE,
    ASSESSORS_PER_APPLICATION,
    ApplicationToAssess,
    Assessment,
    AssessmentItem,
    AssessmentPart,
    assessments_of,
)
from lt_desktop.core.services.applications.common import (
    HIGHEST_SCORE,
    LOWEST_SCORE,
    ApplicationsPart,
    and_list,
    application_reference,
)
from lt_desktop.core.services.applications.decisions import (
    DECISIONS,
    DECLINE_REASONS,
    OPEN_DECISIONS,
    REPLY_ONCE_STARTED,
    REPLY_WITHIN,
    WITHDRAWABLE,
    DecisionsPart,
    FreePlacesOffered,
)
from lt_desktop.core.services.applications.letters import ApplicationLetter, LettersPart
from lt_desktop.core.services.applications.records import (
    ApplicationDetail,
    ApplicationRow,
    NewApplicant,
    Places,
    RecordsPart,
    application_rows,
    has_scores,
    places_of,
    rank_key,
)
from lt_desktop.core.services.applications.rubric import (
    DEFAULT_RUBRIC,
    CriterionInfo,
    RubricPart,
    criterion_info,
    default_criterion_id,
    ensure_default_rubric,
    rubric_criteria,
)
from lt_desktop.core.services.applications.scans import blind_scan_name, scans_of
from lt_desktop.core.services.applications.service import ApplicationService

__all__ = [
    "ASSESSMENT_NOTE",
    "ASSESSORS_PER_APPLICATION",
    "ApplicationDetail",
    "ApplicationLetter",
    "ApplicationRow",
    "ApplicationService",
    "ApplicationToAssess",
    "ApplicationsPart",
    "Assessment",
    "AssessmentItem",
    "AssessmentPart",
    "CriterionInfo",
    "DECISIONS",
    "DECLINE_REASONS",
    "DEFAULT_RUBRIC",
    "DecisionsPart",
    "FreePlacesOffered",
    "HIGHEST_SCORE",
    "LOWEST_SCORE",
    "LettersPart",
    "NewApplicant",
    "OPEN_DECISIONS",
    "Places",
    "REPLY_ONCE_STARTED",
    "REPLY_WITHIN",
    "RecordsPart",
    "RubricPart",
    "WITHDRAWABLE",
    "and_list",
    "application_reference",
    "application_rows",
    "assessments_of",
    "blind_scan_name",
    "criterion_info",
    "default_criterion_id",
    "ensure_default_rubric",
    "has_scores",
    "places_of",
    "rank_key",
    "rubric_criteria",
    "scans_of",
]
