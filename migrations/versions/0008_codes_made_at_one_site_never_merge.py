"""certificates, people, essays: a certificate's serial, a research ID or a candidate
number no longer makes two records one; certificates merged into another for sharing
its serial are put back from the conflict list

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

Each site numbered its certificates LT-<year>-0001 upwards, so two prisons sending
to one university gave it pairs of certificates with one serial, and the serial was
taken for what the certificate is: one of each pair was merged away (deleted, and
listed as a conflict). Research IDs and candidate numbers are random codes made at
one site, which another site may make too for someone else. From this revision none
of them is unique in the store: each is an index, and the code stays as printed.
"""

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_certificates = sa.table(
    "certificates",
    sa.column("id", sa.Uuid()),
    sa.column("membership_id", sa.Uuid()),
    sa.column("serial", sa.String()),
    sa.column("issued_on", sa.Date()),
    sa.column("event_id", sa.Uuid()),
    sa.column("created_at", sa.DateTime()),
    sa.column("updated_at", sa.DateTime()),
    sa.column("origin_site_id", sa.Uuid()),
    sa.column("version", sa.String()),
    sa.column("previous_version", sa.String()),
    sa.column("ancestry", sa.Text()),
    sa.column("change_seq", sa.Integer()),
    sa.column("deleted_at", sa.DateTime()),
)
_merged = sa.table(
    "merged_records",
    sa.column("record_id", sa.Uuid()),
    sa.column("table_name", sa.String()),
    sa.column("merged_into", sa.Uuid()),
)
_conflicts = sa.table(
    "sync_conflicts",
    sa.column("id", sa.Uuid()),
    sa.column("table_name", sa.String()),
    sa.column("lost_version", sa.String()),
    sa.column("lost_values", sa.Text()),
)


#: (table, column) of every code made at one site, as of this revision.
CODES = (
    ("certificates", "serial"),
    ("essays", "candidate_number"),
    ("people", "research_id"),
)


def upgrade() -> None:
    for table, column in CODES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f"uq_{table}_{column}"), type_="unique")
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)
    _put_back_merged_certificates(op.get_bind())


def downgrade() -> None:
    # Refused, and the store left as it is, while two records share a code.
    for table, column in CODES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_{column}"))
            batch_op.create_unique_constraint(batch_op.f(f"uq_{table}_{column}"), [column])


def _put_back_merged_certificates(connection: sa.Connection) -> None:
    """Each certificate merged away here comes back as it was when it was merged, from
    its line in the conflict list, and travels again to every partner (another site
    may have merged it away too). Certificates link to nothing that names them, so
    nothing else moves. One whose cohort place or graduation is not here (which never
    happens short of damage) stays in the conflict list."""
    merged = connection.execute(
        sa.select(_merged.c.record_id).where(_merged.c.table_name == "certificates")
    ).scalars()
    lost = {record_id.hex: record_id for record_id in merged}
    if not lost:
        return
    lines: dict[str, tuple[str, dict[str, Any]]] = {}
    listings: dict[str, list[uuid.UUID]] = {}
    for conflict_id, version, values in connection.execute(
        sa.select(_conflicts.c.id, _conflicts.c.lost_version, _conflicts.c.lost_values).where(
            _conflicts.c.table_name == "certificates"
        )
    ):
        try:
            line = json.loads(values)
        except ValueError:
            continue
        record_id = line.get("id") if isinstance(line, dict) else None
        if record_id not in lost:
            continue
        listings.setdefault(record_id, []).append(conflict_id)
        if record_id not in lines or version > lines[record_id][0]:
            lines[record_id] = (version, line)
    change_seq: int | None = None
    for record_id, (_version, line) in lines.items():
        fields = line["f"]
        membership_id = _survivor(connection, "memberships", fields["membership_id"])
        event_id = (
            _survivor(connection, "graduation_events", fields["event_id"])
            if fields.get("event_id")
            else None
        )
        if membership_id is None or (fields.get("event_id") and event_id is None):
            continue
        if change_seq is None:
            connection.execute(sa.text("UPDATE change_counter SET value = value + 1 WHERE id = 1"))
            change_seq = connection.execute(
                sa.text("SELECT value FROM change_counter WHERE id = 1")
            ).scalar_one()
        connection.execute(
            _certificates.insert().values(
                id=lost[record_id],
                membership_id=membership_id,
                serial=fields["serial"],
                issued_on=date.fromisoformat(fields["issued_on"]),
                event_id=event_id,
                created_at=_utc(line["c"]),
                updated_at=_utc(line["u"]),
                origin_site_id=uuid.UUID(line["o"]),
                version=line["v"],
                previous_version=line.get("pv"),
                ancestry=line.get("a") or "",
                change_seq=change_seq,
                deleted_at=_utc(line["x"]) if line.get("x") else None,
            )
        )
        # Every listing of it goes: it is kept now, not lost.
        connection.execute(sa.delete(_conflicts).where(_conflicts.c.id.in_(listings[record_id])))
        connection.execute(sa.delete(_merged).where(_merged.c.record_id == lost[record_id]))


def _survivor(connection: sa.Connection, table: str, value: str) -> uuid.UUID | None:
    """The record a line's link names, here: itself, or what it was merged into."""
    record_id = uuid.UUID(value)
    into = connection.execute(
        sa.select(_merged.c.merged_into).where(_merged.c.record_id == record_id)
    ).scalar()
    record_id = into or record_id
    held = connection.execute(
        sa.text(f"SELECT 1 FROM {table} WHERE id = :id"), {"id": record_id.hex}
    ).scalar()
    return record_id if held else None


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC).replace(tzinfo=None)
