"""A partnership's stationery through the services: who signs its certificates, whether
the prison does, its logo (a checked PNG or JPEG kept in the encrypted store) and its
return address, set by those who run the programme."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from lt_desktop.core.services.stationery import MAX_LOGO_BYTES
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.storage.models import Stationery


def picture(kind: str, size: tuple[int, int] = (300, 100)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 60, 90)).save(buffer, kind)
    return buffer.getvalue()


def _partnership(workspace: Workspace) -> object:
    return workspace.programme.add_partnership(
        name="Testbridge Learning Together",
        prison_name="HMP Testbridge",
        university_name="University of Testbridge",
    ).id


def test_a_partnership_starts_plain_and_its_stationery_is_set(workspace: Workspace) -> None:
    partnership = _partnership(workspace)
    plain = workspace.stationery.stationery(partnership)  # type: ignore[arg-type]
    assert not plain.prison_signature_on_certificates
    assert plain.logo is None and plain.return_address == ""
    # Unless the prison signs, the university signs alone.
    assert [s.signs_for for s in plain.signatories()] == ["University of Testbridge"]

    saved = workspace.stationery.set_stationery(
        partnership,  # type: ignore[arg-type]
        prison_signature_on_certificates=True,
        university_signatory="  Dr   Ada Quill ",
        university_signatory_title="Academic Lead",
        prison_signatory="Sam Reed",
        prison_signatory_title="Head of Learning",
        return_address=" Learning Together \n\n PO Box 1 \nTestbridge TB1 1AA ",
    )
    assert saved.return_address_lines == ["Learning Together", "PO Box 1", "Testbridge TB1 1AA"]
    assert [(s.name, s.title, s.signs_for) for s in saved.signatories()] == [
        ("Dr Ada Quill", "Academic Lead", "University of Testbridge"),
        ("Sam Reed", "Head of Learning", "HMP Testbridge"),
    ]
    assert workspace.stationery.stationery(partnership) == saved  # type: ignore[arg-type]
    (entry,) = workspace.audit.entries(action="stationery.changed")
    assert entry.details == {"prison_signs": True}


def test_a_logo_is_checked_kept_in_the_store_and_removed(workspace: Workspace) -> None:
    partnership = _partnership(workspace)
    png = picture("PNG")
    logo = workspace.stationery.set_logo(partnership, png).logo  # type: ignore[arg-type]
    assert logo is not None and (logo.media_type, logo.width, logo.height) == (
        "image/png",
        300,
        100,
    )
    with workspace.store.read() as session:
        (row,) = session.query(Stationery).all()
        assert row.logo == png and row.logo_type == "image/png"
    jpeg = workspace.stationery.set_logo(partnership, picture("JPEG")).logo  # type: ignore[arg-type]
    assert jpeg is not None and jpeg.media_type == "image/jpeg"
    # Setting the signatories keeps the logo.
    kept = workspace.stationery.set_stationery(
        partnership,  # type: ignore[arg-type]
        prison_signature_on_certificates=False,
        university_signatory="Dr Ada Quill",
    )
    assert kept.logo is not None
    assert workspace.stationery.remove_logo(partnership).logo is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (picture("GIF"), "A logo must be a PNG or JPEG picture."),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "That file is not a picture LT Desktop can read"),
        (b"%PDF-1.7 a document", "That file is not a picture LT Desktop can read"),
        (picture("PNG", (12, 12)), "a logo needs between 16 and 4,000 pixels along each side"),
        (picture("PNG", (4100, 20)), "a logo needs between 16 and 4,000 pixels along each side"),
        (b"\x89PNG" + b"\0" * MAX_LOGO_BYTES, "a logo may be at most 1 MB"),
    ],
    ids=["gif", "broken png", "pdf", "too small", "too wide", "too large"],
)
def test_a_logo_that_will_not_do_is_refused_plainly(
    workspace: Workspace, data: bytes, said: str
) -> None:
    partnership = _partnership(workspace)
    with pytest.raises(ValidationError, match=said):
        workspace.stationery.set_logo(partnership, data)  # type: ignore[arg-type]
    assert workspace.stationery.stationery(partnership).logo is None  # type: ignore[arg-type]


def test_limits_on_what_is_typed(workspace: Workspace) -> None:
    partnership = _partnership(workspace)
    with pytest.raises(ValidationError, match="university signatory's name is limited"):
        workspace.stationery.set_stationery(
            partnership,  # type: ignore[arg-type]
            prison_signature_on_certificates=False,
            university_signatory="x" * 201,
        )
    with pytest.raises(ValidationError, match="limited to 6 lines"):
        workspace.stationery.set_stationery(
            partnership,  # type: ignore[arg-type]
            prison_signature_on_certificates=False,
            return_address="\n".join("line" for _ in range(7)),
        )


@pytest.mark.parametrize("username", ["facilitator", "marker", "researcher"])
def test_only_those_who_run_the_programme_set_it(demo_dir: Path, username: str) -> None:
    with sign_in(demo_dir, "demo", "demo") as demo:
        partnership = demo.programme.list_partnerships()[0].id
    with sign_in(demo_dir, username, "demo") as other:
        for call in (
            lambda: other.stationery.stationery(partnership),
            lambda: other.stationery.set_stationery(
                partnership, prison_signature_on_certificates=True
            ),
            lambda: other.stationery.set_logo(partnership, picture("PNG")),
            lambda: other.stationery.remove_logo(partnership),
        ):
            with pytest.raises(PermissionDenied):
                call()
    with sign_in(demo_dir, "demo", "demo") as demo:
        assert not demo.stationery.stationery(partnership).prison_signature_on_certificates
