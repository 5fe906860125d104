"""Hints to the database's planner, for queries whose plan costs more than their execution."""

from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

from django.db import DatabaseError, connection, transaction

T = TypeVar("T")


def in_written_join_order(run: Callable[[], T]) -> T:
    """`run()` with PostgreSQL joining its tables in the order the query writes them.

    For a handful of rows fetched by id with many tables joined by primary key (a project row
    with its region, partner, owner, template and current stage), PostgreSQL searches every join
    order and plans for longer than it executes. The written order (the rows first, then each
    joined row by its key) is the best one, and taking it is quick to plan.
    The setting holds for this query only (`SET LOCAL`, in a transaction of its own or put back
    before the caller's transaction goes on).
    Other databases: `run()` as it is.
    """
    if connection.vendor != "postgresql":
        return run()
    if not connection.in_atomic_block:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL join_collapse_limit = 1")
            return run()
    # In the caller's transaction: set, run, put back (no savepoint: one query fewer each way).
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL join_collapse_limit = 1")
        try:
            return run()
        finally:
            # After a database error the transaction is aborted and rolls back with the setting.
            with suppress(DatabaseError):
                cursor.execute("SET LOCAL join_collapse_limit TO DEFAULT")
