"""readings: a session's readings (title, author, pages and an optional PDF kept in the
store) as records of their own; each line a session held in its two reading fields
becomes one

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08

A session's two free-text lines (``reading_1``, ``reading_2``) are superseded, not
dropped: records from older versions still carry them. Each line that holds text
becomes a reading whose id is drawn from the session's id and the line's number, with
the session's version, origin, times and change number, so two sites upgrading the same
session make the same reading, and neither sends it to the other as new.
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ENVELOPE = (
    sa.column("id", sa.Uuid()),
    sa.column("created_at", sa.DateTime()),
    sa.column("updated_at", sa.DateTime()),
    sa.column("origin_site_id", sa.Uuid()),
    sa.column("version", sa.String()),
    sa.column("previous_version", sa.String()),
    sa.column("ancestry", sa.Text()),
    sa.column("change_seq", sa.Integer()),
    sa.column("deleted_at", sa.DateTime()),
)
_sessions = sa.table(
    "class_sessions",
    sa.column("reading_1", sa.Text()),
    sa.column("reading_2", sa.Text()),
    *_ENVELOPE,
)
_readings = sa.table(
    "readings",
    sa.column("session_id", sa.Uuid()),
    sa.column("position", sa.Integer()),
    sa.column("title", sa.String()),
    sa.column("author", sa.String()),
    sa.column("pages", sa.String()),
    sa.column("pdf_filename", sa.String()),
    sa.column("pdf_size", sa.Integer()),
    sa.column("pdf_sha256", sa.String()),
    *(sa.column(c.name, c.type) for c in _ENVELOPE),
)


def reading_id(session_id: uuid.UUID, line: int) -> uuid.UUID:
    """The id of the reading made from a session's line 1 or 2, the same at every site."""
    return uuid.uuid5(session_id, f"reading-{line}")


def upgrade() -> None:
    op.create_table(
        "readings",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("author", sa.String(length=300), nullable=False),
        sa.Column("pages", sa.String(length=100), nullable=False),
        sa.Column("pdf_filename", sa.String(length=255), nullable=False),
        sa.Column("pdf_size", sa.Integer(), nullable=False),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=False),
        sa.Column("pdf_data", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("previous_version", sa.String(length=64), nullable=True),
        sa.Column("ancestry", sa.Text(), nullable=False),
        sa.Column("change_seq", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["class_sessions.id"],
            name=op.f("fk_readings_session_id_class_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readings")),
    )
    with op.batch_alter_table("readings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_readings_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_readings_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_readings_version"), ["version"], unique=False)
    _readings_from_session_lines(op.get_bind())


def _readings_from_session_lines(connection: sa.Connection) -> None:
    rows = []
    for session in connection.execute(sa.select(_sessions)).mappings():
        lines = [text.strip() for text in (session["reading_1"], session["reading_2"])]
        for position, (line, title) in enumerate(
            (n, text) for n, text in enumerate(lines, start=1) if text
        ):
            rows.append(
                {
                    "id": reading_id(session["id"], line),
                    "session_id": session["id"],
                    "position": position,
                    "title": title[:500],
                    "author": "",
                    "pages": "",
                    "pdf_filename": "",
                    "pdf_size": 0,
                    "pdf_sha256": "",
                    "created_at": session["created_at"],
                    "updated_at": session["updated_at"],
                    "origin_site_id": session["origin_site_id"],
                    "version": session["version"],
                    "previous_version": None,
                    "ancestry": session["version"],
                    "change_seq": session["change_seq"],
                    "deleted_at": session["deleted_at"],
                }
            )
    if rows:
        connection.execute(_readings.insert(), rows)


def downgrade() -> None:
    # The sessions' reading lines were never cleared, so nothing else needs putting back.
    with op.batch_alter_table("readings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_readings_version"))
        batch_op.drop_index(batch_op.f("ix_readings_session_id"))
        batch_op.drop_index(batch_op.f("ix_readings_change_seq"))

    op.drop_table("readings")
