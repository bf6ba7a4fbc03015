"""The Documents screen: ``screen`` (choosing what to make, for whom and where),
``kinds`` (each document the screen makes), ``figures`` and ``charts`` (the Cohort
figures tab)."""

from __future__ import annotations

from lt_desktop.ui.screens.documents.screen import DocumentsScreen

__all__ = ["DocumentsScreen"]
