"""What printed documents and everyday CSV lists are made from.

Each method gathers what one document shows and nothing more, so a renderer cannot
print what it was never given: certificates and registers carry names and roles but
never where a person is based; the graduation guest list names the student who
invited each guest but holds no prison number; the cohort report holds counts and
means only. Prison-only details are never read here.

One module per kind of document: ``certificates``, ``registers`` (and attendance),
``handouts`` (a session and its readings), ``graduation_lists``, ``cohort_report`` and
``csv_exports``; ``common`` holds what
they share. ``DocumentService`` is all of them together, as ``workspace.documents``.
"""

from __future__ import annotations

from lt_desktop.core.services.documents.certificates import CertificateIssuing
from lt_desktop.core.services.documents.cohort_report import CohortReports
from lt_desktop.core.services.documents.csv_exports import CsvExports
from lt_desktop.core.services.documents.graduation_lists import GraduationLists
from lt_desktop.core.services.documents.handouts import Handouts
from lt_desktop.core.services.documents.registers import RegisterDocuments
from lt_desktop.domain.roles import Permission


class DocumentService(
    CertificateIssuing, RegisterDocuments, GraduationLists, CohortReports, CsvExports, Handouts
):
    def require_printing(self) -> None:
        """Refuse now if this account may not print, for callers that look a cohort or a
        person up first: the refusal is then the one thing said."""
        self._require(Permission.PRINT_DOCUMENTS)
