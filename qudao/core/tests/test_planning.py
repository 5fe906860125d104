"""The join-order hint (core/planning.py): PostgreSQL runs the call with
join_collapse_limit = 1 and nothing else sees it; other databases run the call as it is."""

import pytest
from django.db import DatabaseError, connection, transaction

from qudao.core.planning import in_written_join_order

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL planner setting"
)


def _limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


@postgres_only
@pytest.mark.django_db
def test_inside_a_transaction_the_setting_is_put_back():
    before = _limit()
    assert in_written_join_order(_limit) == "1"
    assert _limit() == before != "1"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_setting_ends_with_its_own():
    before = _limit()
    assert not connection.in_atomic_block
    assert in_written_join_order(_limit) == "1"
    assert _limit() == before != "1"


@postgres_only
@pytest.mark.django_db
def test_a_database_error_inside_is_the_error_raised():
    def broken():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")

    with pytest.raises(DatabaseError, match="no_such_table"), transaction.atomic():
        in_written_join_order(broken)
    assert _limit() != "1"  # the savepoint's rollback took the setting with it


@pytest.mark.django_db
def test_the_call_result_is_returned_on_every_database():
    assert in_written_join_order(lambda: 42) == 42
