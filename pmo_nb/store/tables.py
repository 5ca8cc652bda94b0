"""The session's tables, declared once for both stores, and the SQL made from them.

Adding a table (or a column) to the session is one edit here: append a :class:`Table`
(or a :class:`Column`) with ``since`` set to the next schema version. Both stores create
it in new sessions and add it to older ones when they open them (:func:`migration`), and
:data:`SCHEMA_VERSION` follows by itself. A table with an ``entity`` can be changed
through :class:`~pmo_nb.store.Op` and so gets history and undo.

On PostgreSQL many workshops share one database: every table gets a leading
``workshop`` column (part of its key) and a hidden ``rowid`` that keeps insertion order
as SQLite's rowid does. The SQL here is what both dialects read alike (``ON CONFLICT``
upserts, ``?`` placeholders that the PostgreSQL store turns into ``%s``).

Examples
--------
>>> print(create_sql(TABLES[3], "sqlite"))  # doctest: +NORMALIZE_WHITESPACE
CREATE TABLE IF NOT EXISTS assignments (gap_id TEXT, service_id TEXT, contribution TEXT,
note TEXT, updated_at TEXT, PRIMARY KEY (gap_id, service_id))
>>> ENTITIES["assignment"]
('assignments', ('gap_id', 'service_id'), ('contribution', 'note', 'updated_at'))
"""

from __future__ import annotations

from dataclasses import dataclass

SQLITE, POSTGRES = "sqlite", "postgresql"
SCOPE = "workshop"  # the PostgreSQL column naming the workshop a row belongs to


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` is text, int, real or auto (an increasing row number)."""

    name: str
    kind: str = "text"
    default: str | None = None
    since: int = 1


@dataclass(frozen=True)
class Table:
    """One table of a session; ``key`` columns identify a row (``entity`` names it in ops)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    entity: str | None = None
    indexes: tuple[tuple[str, ...], ...] = ()
    since: int = 1

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(n for n in self.names if n not in self.key)


def _cols(spec: str) -> tuple[Column, ...]:
    """``"a b:int c:real"`` -> columns (text unless a kind follows the colon)."""
    return tuple(Column(*item.split(":")) for item in spec.split())


TABLES: tuple[Table, ...] = (
    Table("meta", _cols("key value"), key=("key",), entity="setting"),
    Table("gaps", _cols("gap_id pos:int aspect current_state future_state description size "
                        "priority pmo_role other_owner handover_note extra"),
          key=("gap_id",), entity="gap"),
    Table("services", _cols("service_id pos:int name category tier aspects description "
                            "cost:real lead_time_months:real origin extra"),
          key=("service_id",), entity="service"),
    Table("assignments", _cols("gap_id service_id contribution note updated_at"),
          key=("gap_id", "service_id"), entity="assignment"),
    Table("history", (*_cols("seq:auto step:int at who action entity key before after"),
                      Column("undone", "int", "0")), indexes=(("step",),)),
    # participants' votes (since 2): one open vote at a time; one ballot per participant
    # and gap (a new ballot replaces the earlier one); choice is JSON (service ids or a level)
    Table("votes", _cols("vote_id:int kind gap_ids named:int opened_at revealed_at closed_at"),
          key=("vote_id",), entity="vote", since=2),
    Table("ballots", _cols("vote_id:int participant gap_id choice at"),
          key=("vote_id", "participant", "gap_id"), entity="ballot", since=2),
    # a participant is one joiner (one device): names are unique in a session, a second
    # "Ann" joins as "Ann (2)"; device is a hash of the device's random id (since 3), by
    # which a page that reloads comes back as the same participant
    Table("participants", (*_cols("participant joined_at"), Column("device", since=3)),
          key=("participant",), entity="participant", since=2),
    # a follow-up assessment (since 4): the size the room gives a gap now (L, M, H or
    # closed; a gap without a row is unchanged) and why, and what became of each service committed
    # at the baseline (delivered, in progress, not started, dropped). The baseline itself
    # is a snapshot in the meta table (key "baseline", JSON), written when the follow-up
    # is created.
    Table("reassessments", _cols("gap_id size note at"), key=("gap_id",), entity="reassessment",
          since=4),
    Table("deliveries", _cols("service_id status at"), key=("service_id",), entity="delivery",
          since=4),
)
# history actions that undo() passes over (see Store.undo)
NOT_UNDONE = ("undo", "join", "ballot")
BY_NAME = {t.name: t for t in TABLES}
# entity -> (table, key columns, value columns): what an Op may change
ENTITIES = {t.entity: (t.name, t.key, t.values) for t in TABLES if t.entity}
SCHEMA_VERSION = max([t.since for t in TABLES] + [c.since for t in TABLES for c in t.columns])

_TYPES = {
    SQLITE: {"text": "TEXT", "int": "INTEGER", "real": "REAL",
             "auto": "INTEGER PRIMARY KEY AUTOINCREMENT"},
    POSTGRES: {"text": "TEXT", "int": "BIGINT", "real": "DOUBLE PRECISION",
               "auto": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY"},
}


def _column_sql(column: Column, dialect: str) -> str:
    default = f" DEFAULT {column.default}" if column.default is not None else ""
    return f"{column.name} {_TYPES[dialect][column.kind]}{default}"


def create_sql(table: Table, dialect: str) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for one table in one dialect."""
    scoped = dialect == POSTGRES
    parts = [_column_sql(c, dialect) for c in table.columns]
    if scoped:
        parts.insert(0, f"{SCOPE} TEXT NOT NULL")
        if not any(c.kind == "auto" for c in table.columns):
            parts.append("rowid BIGINT GENERATED ALWAYS AS IDENTITY")
    if table.key:
        parts.append(f"PRIMARY KEY ({', '.join(((SCOPE,) if scoped else ()) + table.key)})")
    return f"CREATE TABLE IF NOT EXISTS {table.name} ({', '.join(parts)})"


def index_sql(table: Table, dialect: str) -> list[str]:
    scope = (SCOPE,) if dialect == POSTGRES else ()
    return [f"CREATE INDEX IF NOT EXISTS {table.name}_{'_'.join(cols)} ON {table.name} "
            f"({', '.join(scope + cols)})" for cols in table.indexes]


def migration(dialect: str, from_version: int = 0) -> list[str]:
    """The statements that bring a session of ``from_version`` (0: none) to the current one."""
    statements = []
    for table in TABLES:
        if table.since > from_version:
            statements += [create_sql(table, dialect), *index_sql(table, dialect)]
            continue
        statements += [f"ALTER TABLE {table.name} ADD COLUMN {_column_sql(c, dialect)}"
                       for c in table.columns if c.since > from_version]
    return statements
