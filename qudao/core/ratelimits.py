"""Rate limits that every server process shares: uses counted in Django's cache (Redis with
REDIS_URL, the database cache otherwise), over a window that slides.

A use is one cache entry added with `cache.add`, which only one process can win for a key (SET NX
on Redis, an insert into a primary key on the database cache). A window is counted in BUCKETS
parts; a use takes a numbered slot of the current part, and only as many slot numbers exist as
the earlier parts of the window left over, so that parallel callers never pass the limit. Each
key is written once and forgotten when its part leaves the window, so a use frees itself: the
count decays without a reset job.
"""

import time

from django.core.cache import cache

BUCKETS = 6


class LimitReached(Exception):
    """Every use of a limit within the window is taken; one frees after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"limit reached; retry after {retry_after} s")
        self.retry_after = retry_after


def _bucket_keys(name: str, bucket: int, limit: int) -> list[str]:
    return [f"qudao:limit:{name}:{bucket}:{slot}" for slot in range(limit)]


def _buckets(window: int, now: float) -> tuple[float, range]:
    size = window / BUCKETS
    current = int(now // size)
    return size, range(current - BUCKETS + 1, current + 1)


def limit_used(name: str, *, limit: int, window: int, now: float | None = None) -> int:
    """How many uses of `name` the window holds now."""
    now = time.time() if now is None else now
    _size, buckets = _buckets(window, now)
    keys = [key for bucket in buckets for key in _bucket_keys(name, bucket, limit)]
    return len(cache.get_many(keys))


def limit_take(name: str, *, limit: int, window: int, now: float | None = None) -> str:
    """Take one of the `limit` uses of `name` in the last `window` seconds; the key of the use
    (for limit_release), or LimitReached when all are taken."""
    now = time.time() if now is None else now
    size, buckets = _buckets(window, now)
    current = buckets[-1]
    keys = {bucket: _bucket_keys(name, bucket, limit) for bucket in buckets}
    taken = cache.get_many([key for bucket_keys in keys.values() for key in bucket_keys])
    used_by_bucket = {bucket: sum(key in taken for key in keys[bucket]) for bucket in buckets[:-1]}
    earlier = sum(used_by_bucket.values())
    slots = keys[current][: max(limit - earlier, 0)]
    for key in slots:
        if key not in taken and cache.add(key, now, timeout=int(window + size) + 1):
            return key
    oldest = next((bucket for bucket, used in used_by_bucket.items() if used), current)
    raise LimitReached(retry_after=max(int((oldest + BUCKETS) * size - now) + 1, 1))


def limit_release(key: str) -> None:
    """Give back a use taken by limit_take (the attempt it guarded does not count)."""
    cache.delete(key)


def limit_clear(name: str, *, limit: int, window: int, now: float | None = None) -> None:
    """Forget every use of `name` in the window."""
    now = time.time() if now is None else now
    _size, buckets = _buckets(window, now)
    cache.delete_many([key for bucket in buckets for key in _bucket_keys(name, bucket, limit)])
