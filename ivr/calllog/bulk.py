"""Many rows in one INSERT whose SQL never changes: the rows travel as one JSON parameter.

SQLAlchemy's executemany with RETURNING ("insertmanyvalues") renders a VALUES
tuple per row, so the statement's text and its parameters grow with the batch:
SQLite prepares it again for every new batch size, psycopg parses it again
every time (its cache skips statements of more than 50 parameters), and every
value of every row goes through SQLAlchemy's per-row processing. Here a batch
is one parameter, a JSON array of rows, which the database unpacks itself
(SQLite's ``json_each``, PostgreSQL's ``json_array_elements``) into an
``INSERT .. SELECT .. ON CONFLICT (key) DO NOTHING RETURNING``, whose SQL
depends only on the table and the dialect: built once, prepared once. On
SQLite the calls already stored are left out before their values are read
(reading them costs SQLite more than the insert). ``insert_values`` takes rows
already in the payload's form (the drain's events: their texts come from the
spool lines), which spares the work per value.

The values stored are the ones SQLAlchemy's own binding gives: on SQLite the
column types' bind processors make the text of times and dates, the 0/1 of a
boolean and the JSON column's text (so a row is byte for byte what a Core
insert stores); on PostgreSQL each value is cast to its column's type.
"""

from __future__ import annotations

import functools
import json
import operator
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Dialect

from ivr.db import database

OLDEST_SQLITE = (3, 38)  # for json_each without JSON1 being compiled in by choice


def insert(connection: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]],
           key: str, returning: Sequence[str], *, often_taken: bool = False) -> list[sa.Row]:
    """Insert ``rows`` (every column but an autoincrementing id) unless their ``key`` is
    taken; return the ``returning`` columns of the rows inserted, in no particular order.
    ``often_taken``: many keys are (a batch's calls), so on SQLite a row's key is looked up
    before its values are read."""
    if not rows:
        return []
    verb = "claim" if often_taken else "insert"
    return _execute(connection, (verb, table, key, None, tuple(returning)), rows).all()


def insert_values(connection: Connection, table: sa.Table, values: Sequence[Sequence[Any]],
                  key: str, returning: Sequence[str]) -> list[sa.Row] | None:
    """``insert`` of rows given as the statement reads them, which costs no work per value:
    each row a list in the table's column order (its autoincrementing id left out), a time
    as the text of naive UTC with microseconds ('2026-12-02 17:00:00.000000', what SQLAlchemy
    writes on SQLite and PostgreSQL casts back), JSON as ``json.dumps`` writes it. Only for
    tables of text, integers, times and JSON; None when the rows cannot go so (an older
    SQLite, a NUL, times or JSON bound otherwise): then ``insert`` them."""
    if not values:
        return []
    if not _values_ok(connection.dialect, table):
        return None
    statement, _, _ = _statement(connection.dialect, "insert", table, key, None,
                                 tuple(returning))
    text = _PAYLOAD.encode(values)
    if "\\u0000" in text:
        return None
    return connection.execute(statement, {"rows": text}).all()


def add(connection: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]],
        column: str) -> None:
    """Insert ``rows`` (every column), or add their ``column`` to that of the row of the
    same primary key. Rows are written in the order given (the order locks are taken)."""
    if rows:
        _execute(connection, ("add", table, column, None, ()), rows)


def update(connection: Connection, table: sa.Table, rows: Sequence[Mapping[str, Any]],
           key: str) -> None:
    """Set the columns of each of ``rows`` (all of them: the same names in every row) in
    the row of ``table`` whose ``key`` column is the row's ``key``."""
    if rows:
        names = (key, *sorted(name for name in rows[0] if name != key))
        _execute(connection, ("update", table, key, names, ()), rows)


def among(connection: Connection, column: sa.Column,
          values: Sequence[Any]) -> sa.ColumnElement[bool]:
    """``column IN (values)`` with the values as one JSON parameter (SQL of a fixed size).

    On PostgreSQL as ``= ANY(ARRAY(..))``: the array is worked out first and the
    column's index searched for each value, whatever the planner thinks of a JSON
    function's row count.
    """
    dialect = connection.dialect
    if not json_ok(dialect):
        return column.in_(list(values))
    quote = dialect.identifier_preparer.quote
    name = f"{quote(column.table.name)}.{quote(column.name)}"
    if dialect.name == "sqlite":
        sql = f"{name} IN (SELECT value FROM json_each(:among))"
    else:
        sql = (f"{name} = ANY(ARRAY(SELECT CAST(value AS {column.type.compile(dialect)}) "
               "FROM json_array_elements_text(CAST(:among AS json)) AS among(value)))")
    return sa.text(sql).bindparams(among=json.dumps(list(values), ensure_ascii=False))


def json_ok(dialect: Dialect) -> bool:
    """Whether the database has the JSON functions and UPDATE .. FROM these statements use
    (SQLite from 3.38, where JSON is built in; older ones get Core's executemany)."""
    return dialect.name != "sqlite" or sqlite3.sqlite_version_info >= OLDEST_SQLITE


Converter = Callable[[Any], Any] | None
Shape = tuple[str, sa.Table, str, tuple[str, ...] | None, tuple[str, ...]]


def _execute(connection: Connection, shape: Shape,
             rows: Sequence[Mapping[str, Any]]) -> sa.CursorResult:
    statement, values, converters = _statement(connection.dialect, *shape)
    payload = [list(values(row)) for row in rows]
    for n, convert in converters:  # the few columns whose values are not JSON's as they are
        for row_values in payload:
            row_values[n] = convert(row_values[n])
    text = _PAYLOAD.encode(payload)
    if "\\u0000" in text or not json_ok(connection.dialect):  # SQLite's JSON functions end
        return _each_row(connection, shape, rows)  # a text at a NUL: bind each value
    return connection.execute(statement, {"rows": text})


def _each_row(connection: Connection, shape: Shape,
              rows: Sequence[Mapping[str, Any]]) -> sa.CursorResult:
    """The same rows through SQLAlchemy Core's executemany (what ``_statement`` replaces)."""
    verb, table, key, names, returning = shape
    if verb == "update":
        statement = table.update().where(table.c[key] == sa.bindparam("key_"))
        return connection.execute(statement, [{**{n: row[n] for n in row if n != key},
                                               "key_": row[key]} for row in rows])
    insert = database.insert(connection, table)
    if verb in ("insert", "claim"):
        statement = (insert.on_conflict_do_nothing(index_elements=[key])
                     .returning(*(table.c[name] for name in returning)))
    else:
        statement = insert.on_conflict_do_update(
            index_elements=[c.name for c in table.primary_key],
            set_={key: table.c[key] + insert.excluded[key]})
    names = [c.name for c in table.columns if verb == "add" or c is not table.autoincrement_column]
    return connection.execute(statement, [{name: row[name] for name in names} for row in rows])


def _refused(value: object) -> Any:
    raise TypeError(f"{type(value).__name__} is not a value of the call log's columns")


_PAYLOAD = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_refused)


@functools.lru_cache(maxsize=64)
def _values_ok(dialect: Dialect, table: sa.Table) -> bool:
    """Whether ``insert_values`` can take rows of ``table`` as they are on ``dialect``."""
    if not json_ok(dialect):
        return False
    sqlite_ = dialect.name == "sqlite"
    for column in table.columns:
        kind = column.type
        if isinstance(kind, sa.JSON):
            ok = not sqlite_ or getattr(dialect, "_json_serializer", None) is None
        elif isinstance(kind, sa.DateTime):
            impl = kind.dialect_impl(dialect)
            ok = not sqlite_ or (isinstance(impl, sqlite.DATETIME)
                                 and impl._storage_format == _SQLITE_DATETIME)
        else:
            ok = isinstance(kind, sa.String | sa.Integer)
        if not ok:
            return False
    return True


@functools.lru_cache(maxsize=64)  # per engine's dialect and statement: a few in a process
def _statement(dialect: Dialect, verb: str, table: sa.Table, key: str,
               names: tuple[str, ...] | None, returning: tuple[str, ...]
               ) -> tuple[sa.TextClause, Callable[[Mapping[str, Any]], tuple[Any, ...]],
                          list[tuple[int, Converter]]]:
    """The statement for ``dialect``, what reads a row's values in its order, and the
    converters of the values that need one, by position. ``verb``: insert (``key``
    the unique column; claim: its often taken), add (``key`` the column to add to),
    update (``key`` the column that finds the row, ``names`` the columns given)."""
    if names is None:
        names = tuple(c.name for c in table.columns
                      if verb == "add" or c is not table.autoincrement_column)
    columns = [table.c[name] for name in names]
    if dialect.name == "sqlite":
        picks = [f"json_extract(value, '$[{n}]')" for n in range(len(columns))]
        source = "json_each(:rows) WHERE true"  # WHERE: so that ON CONFLICT parses
        converters = [(c.name, _sqlite_converter(c, dialect)) for c in columns]
    elif dialect.name == "postgresql":
        picks = [_pg_pick(n, column, dialect) for n, column in enumerate(columns)]
        source = "json_array_elements(CAST(:rows AS json)) AS rows(value)"
        converters = [(c.name, _pg_converter(c)) for c in columns]
    else:
        raise NotImplementedError(f"the call log has no bulk statements for {dialect.name}")
    quote = dialect.identifier_preparer.quote
    table_name = quote(table.name)
    if verb == "update":
        named = ", ".join(f"{pick} AS {quote(c.name)}"
                          for pick, c in zip(picks, columns, strict=True))
        sets = ", ".join(f"{quote(c.name)} = given.{quote(c.name)}" for c in columns[1:])
        sql = (f"UPDATE {table_name} SET {sets} FROM (SELECT {named} FROM {source}) AS given "
               f"WHERE {table_name}.{quote(key)} = given.{quote(key)}")
        if dialect.name == "postgresql":  # the rows by their key's index, not a scan of all
            sql += f" AND {table_name}.{quote(key)} = ANY(ARRAY(SELECT {picks[0]} FROM {source}))"
    else:
        if verb in ("insert", "claim"):
            tail = (f"ON CONFLICT ({quote(key)}) DO NOTHING "
                    f"RETURNING {', '.join(quote(name) for name in returning)}")
            if verb == "claim" and dialect.name == "sqlite":  # no values read for a taken key
                source = (f"json_each(:rows) WHERE NOT EXISTS (SELECT 1 FROM {table_name} "
                          f"WHERE {quote(key)} = {picks[names.index(key)]})")
        else:
            tail = (f"ON CONFLICT ({', '.join(quote(c.name) for c in table.primary_key)}) "
                    f"DO UPDATE SET {quote(key)} = {table_name}.{quote(key)} + "
                    f"excluded.{quote(key)}")
        sql = (f"INSERT INTO {table_name} ({', '.join(quote(c.name) for c in columns)}) "
               f"SELECT {', '.join(picks)} FROM {source} {tail}")
    statement = sa.text(sql)
    if returning:
        statement = statement.columns(**{name: table.c[name].type for name in returning})
    values = operator.itemgetter(*names)
    if len(names) == 1:
        values = lambda row, one=values: (one(row),)  # noqa: E731
    return statement, values, [(n, convert) for n, (_, convert) in enumerate(converters)
                               if convert is not None]


_SQLITE_DATETIME = sqlite.DATETIME()._storage_format  # SQLAlchemy's own, by default
_SQLITE_DATE = sqlite.DATE()._storage_format


def _sqlite_converter(column: sa.Column, dialect: Dialect) -> Converter:
    """SQLAlchemy's bind processor of the column, or a faster one giving the same text."""
    impl = column.type.dialect_impl(dialect)
    process = impl.bind_processor(dialect)
    if isinstance(column.type, sa.JSON):  # the JSON processor's text of a value (never None)
        return getattr(dialect, "_json_serializer", None) or json.dumps
    if isinstance(impl, sqlite.DATETIME) and impl._storage_format == _SQLITE_DATETIME:
        def naive_text(value: Any) -> Any:  # the default format: isoformat's, microseconds on
            if type(value) is datetime and value.tzinfo is None:
                return value.isoformat(" ", "microseconds")
            return process(value)
        return naive_text
    if isinstance(impl, sqlite.DATE) and impl._storage_format == _SQLITE_DATE:
        def date_text(value: Any) -> Any:  # the default format is isoformat's
            return value.isoformat() if type(value) is date else process(value)
        return date_text
    return process


def _pg_pick(n: int, column: sa.Column, dialect: Dialect) -> str:
    return f"CAST(value->>{n} AS {column.type.compile(dialect)})"


def _pg_converter(column: sa.Column) -> Converter:
    """Make a value JSON text PostgreSQL casts back to the column's type."""
    if isinstance(column.type, sa.JSON):
        return json.dumps  # what SQLAlchemy's JSONB binding sends
    kind = column.type.python_type
    if kind is datetime or kind is date:
        return _isoformat
    return None


def _isoformat(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
