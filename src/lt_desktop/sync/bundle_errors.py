"""Why a bundle is refused, in words fit to show as they are.

``BundleRejected`` carries a ``RejectReason`` for callers that act differently on
each, and a one-line message naming the file; the helpers here word the refusals
that reading a bundle meets in more than one place.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from lt_desktop.domain.errors import LtError


class RejectReason(StrEnum):
    """Why a bundle was refused, for callers that act differently on each."""

    NOT_A_BUNDLE = "not_a_bundle"
    UNSUPPORTED_VERSION = "unsupported_version"
    MALFORMED_HEADER = "malformed_header"
    WRONG_RECIPIENT = "wrong_recipient"
    UNKNOWN_SENDER = "unknown_sender"
    SENDER_HAS_NEW_KEYS = "sender_has_new_keys"
    TOO_LARGE = "too_large"
    BAD_SIGNATURE = "bad_signature"
    DAMAGED_PAYLOAD = "damaged_payload"


class BundleRejected(LtError):
    """A bundle that must not be used, with a one-line reason fit to show as it is."""

    def __init__(self, reason: RejectReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def _malformed(path: Path, detail: str) -> BundleRejected:
    return BundleRejected(
        RejectReason.MALFORMED_HEADER, f"{path.name} is damaged or incomplete ({detail})."
    )


def _bad_signature(path: Path) -> BundleRejected:
    return BundleRejected(
        RejectReason.BAD_SIGNATURE,
        f"{path.name} has been changed, damaged or cut short since it was signed; "
        "it cannot be used.",
    )


def _damaged(path: Path, detail: str) -> BundleRejected:
    return BundleRejected(
        RejectReason.DAMAGED_PAYLOAD, f"{path.name} is signed but damaged ({detail})."
    )


def _changed_while_reading(path: Path) -> BundleRejected:
    return BundleRejected(
        RejectReason.BAD_SIGNATURE,
        f"{path.name} changed while it was being read; it cannot be used.",
    )
