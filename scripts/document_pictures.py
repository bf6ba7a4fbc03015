"""Print each programme document from a fresh demo store and keep a picture of its first
page in docs/documents/ (pdftoppm, from poppler-utils, makes the pictures).

    .venv/bin/python scripts/document_pictures.py [--keep FOLDER]

Run it after changing a document, then look at the pictures. ``--keep`` also keeps
the PDFs, every page, in FOLDER.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

os.environ.setdefault("LT_DESKTOP_TEST_KDF", "cheap")  # the demo's key slot is not the point

from lt_desktop.core.demo import build_demo_store  # noqa: E402
from lt_desktop.core.sign_in import sign_in  # noqa: E402
from lt_desktop.documents.certificates import write_certificates  # noqa: E402
from lt_desktop.documents.cohort_report import write_cohort_report  # noqa: E402
from lt_desktop.documents.graduation import write_guest_list, write_programme  # noqa: E402
from lt_desktop.documents.recovery_sheet import write_recovery_sheet  # noqa: E402
from lt_desktop.documents.registers import (  # noqa: E402
    write_attendance_summary,
    write_register_sheet,
)
from lt_desktop.documents.site_card_sheet import write_site_card_sheet  # noqa: E402
from lt_desktop.domain.vocabulary import SiteKind  # noqa: E402
from lt_desktop.storage.recovery_key import RecoveryKey  # noqa: E402
from lt_desktop.sync.identity import read_site_card  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "documents"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keep", type=Path, help="also keep the PDFs here")
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        raise SystemExit("pdftoppm is needed (poppler-utils).")
    with tempfile.TemporaryDirectory(prefix="lt-documents-") as scratch:
        folder = Path(scratch) / "demo"
        pdfs = Path(args.keep) if args.keep else Path(scratch) / "pdf"
        pdfs.mkdir(parents=True, exist_ok=True)
        build_demo_store(folder, site_kind=SiteKind.PRISON)
        with sign_in(folder, "demo", "demo") as workspace:
            documents = workspace.documents
            cohorts = sorted(workspace.programme.list_cohorts(), key=lambda c: c.starts_on)
            finished, running = cohorts[0], cohorts[-1]
            next_session = next(
                s for s in workspace.programme.list_sessions(running.id) if not s.marks_taken
            )
            (event,) = documents.list_events()
            write_certificates(
                pdfs / "certificate.pdf", documents.issue_certificates(finished.id).certificates
            )
            write_register_sheet(
                pdfs / "register-blank.pdf", documents.register_sheet(next_session.id)
            )
            write_attendance_summary(
                pdfs / "attendance-summary.pdf", documents.attendance_summary(finished.id)
            )
            write_guest_list(pdfs / "guest-list.pdf", documents.guest_list(event.id))
            write_programme(pdfs / "programme.pdf", documents.graduation_programme(event.id))
            write_cohort_report(pdfs / "cohort-report.pdf", documents.cohort_report(finished.id))
            card, fingerprint = workspace.sync.site_card()
            write_site_card_sheet(pdfs / "site-card-sheet.pdf", read_site_card(card), fingerprint)
            # A key made for the picture: the demo store's own was shown once and not kept.
            write_recovery_sheet(
                pdfs / "recovery-sheet.pdf",
                site_name=workspace.store.site.name,
                recovery_key=str(RecoveryKey.generate()),
            )
        OUT.mkdir(parents=True, exist_ok=True)
        for pdf in sorted(pdfs.glob("*.pdf")):
            target = OUT / pdf.stem
            subprocess.run(
                ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"]
                + [str(pdf), str(target)],
                check=True,
            )
            print(f"{target}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
