"""Shared rate limits: a window that slides and decays, uses given back, and parallel callers on
the database cache that never pass the limit."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.conf import settings as django_settings
from django.db import connection

from qudao.core.ratelimits import LimitReached, limit_release, limit_take, limit_used

NOW = 1_800_000_000.0  # a fixed moment: the window's parts never depend on today's clock
HOUR = 3600


def test_a_use_frees_itself_when_it_leaves_the_window():
    for _ in range(3):
        limit_take("t", limit=3, window=HOUR, now=NOW)

    with pytest.raises(LimitReached) as reached:
        limit_take("t", limit=3, window=HOUR, now=NOW + 1)
    with pytest.raises(LimitReached):
        limit_take("t", limit=3, window=HOUR, now=NOW + HOUR - 700)

    assert 0 < reached.value.retry_after <= HOUR + HOUR / 6
    assert limit_used("t", limit=3, window=HOUR, now=NOW + HOUR + HOUR / 6) == 0
    limit_take("t", limit=3, window=HOUR, now=NOW + HOUR + HOUR / 6)


def test_the_window_slides_uses_spread_over_it_free_one_by_one():
    limit_take("s", limit=2, window=HOUR, now=NOW)
    limit_take("s", limit=2, window=HOUR, now=NOW + 1800)
    with pytest.raises(LimitReached):
        limit_take("s", limit=2, window=HOUR, now=NOW + 1900)

    later = NOW + HOUR + HOUR / 6  # the first use has left the window, the second has not
    limit_take("s", limit=2, window=HOUR, now=later)
    with pytest.raises(LimitReached):
        limit_take("s", limit=2, window=HOUR, now=later + 1)


def test_a_released_use_does_not_count_and_names_are_apart():
    key = limit_take("r", limit=1, window=HOUR, now=NOW)
    limit_release(key)

    limit_take("r", limit=1, window=HOUR, now=NOW)
    limit_take("other", limit=1, window=HOUR, now=NOW)
    assert limit_used("r", limit=1, window=HOUR, now=NOW) == 1


@pytest.fixture
def database_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": django_settings.CACHE_TABLE,
        }
    }
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(django_settings.CACHE_TABLE)}")


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_callers_on_the_database_cache_take_exactly_the_limit(database_cache):
    start = Barrier(20)

    def attempt(_):
        start.wait()
        try:
            limit_take("parallel", limit=5, window=HOUR)
            return True
        except LimitReached:
            return False
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))

    assert results.count(True) == 5
    assert limit_used("parallel", limit=5, window=HOUR) == 5
