"""Small pieces the Applications views are built from: dates, scores, tables and text boxes."""

from __future__ import annotations

from datetime import date
from typing import Any

from lt_desktop.ui.qt import QAbstractItemView, QHeaderView, QPlainTextEdit, QTableView


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def row_table(model: Any, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    return view


def read_only_text(name: str, height: int | None = None) -> QPlainTextEdit:
    field = QPlainTextEdit()
    field.setReadOnly(True)
    field.setTabChangesFocus(True)
    field.setAccessibleName(name)
    if height is not None:
        field.setFixedHeight(height)
    return field
