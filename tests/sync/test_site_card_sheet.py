from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from lt_desktop.documents.site_card_sheet import write_site_card_sheet
from lt_desktop.documents.template import PaperSize
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.sync.identity import FingerprintMalformed, SiteIdentity, fingerprint


@pytest.mark.parametrize("paper", list(PaperSize))
def test_the_sheet_shows_the_site_and_its_fingerprint(
    tmp_path: Path, prison: SiteIdentity, paper: PaperSize
) -> None:
    peer = prison.public()
    target = tmp_path / "site-card.pdf"
    write_site_card_sheet(target, peer, fingerprint(peer), made_on=date(2026, 3, 2), paper=paper)

    reader = PdfReader(target)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "HMP Grendon" in text
    assert "prison site" in text
    for group in fingerprint(peer).split():
        assert group in text
    assert str(peer.site_id) in text
    assert "over the phone" in text
    assert "holds no secrets" in text


def test_a_loosely_typed_fingerprint_is_shown_in_groups(
    tmp_path: Path, university: SiteIdentity
) -> None:
    peer = university.public()
    digits = fingerprint(peer).replace(" ", "")
    target = tmp_path / "sheet.pdf"
    write_site_card_sheet(target, peer, digits)
    text = PdfReader(target).pages[0].extract_text()
    for group in fingerprint(peer).split():
        assert group in text


def test_names_are_printed_as_written(tmp_path: Path) -> None:
    site = SiteIdentity.generate(name="Brisbane <Women's> & Co", kind=SiteKind.PRISON)
    target = tmp_path / "sheet.pdf"
    write_site_card_sheet(target, site.public(), fingerprint(site.public()))
    assert "Brisbane <Women's> & Co" in PdfReader(target).pages[0].extract_text()


def test_a_sheet_is_not_made_from_a_broken_fingerprint(
    tmp_path: Path, prison: SiteIdentity
) -> None:
    with pytest.raises(FingerprintMalformed):
        write_site_card_sheet(tmp_path / "sheet.pdf", prison.public(), "12345")
    assert not (tmp_path / "sheet.pdf").exists()
