"""The demo's clock, with which every seeder dates its records over the HISTORY_DAYS before the
seed."""

import datetime

import time_machine
from django.utils import timezone

# The demo looks like a system in use for two years: its first records (accounts, partners) are
# this many days older than the moment it is seeded, the rest spread from there to now.
HISTORY_DAYS = 728


def demo_moment(now: datetime.datetime, days_ago: int, hour: int = 10) -> datetime.datetime:
    """`hour` o'clock (local time) `days_ago` days before the day of `now`, and never later than
    a minute before `now`, so that nothing is dated in the future whatever the hour of the seed."""
    day = timezone.localtime(now).date() - datetime.timedelta(days=days_ago)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    return min(moment, now - datetime.timedelta(minutes=1))


def demo_clock(moment: datetime.datetime) -> time_machine.travel:
    """Everything inside `with demo_clock(moment):` happens at `moment`: the services take their
    dates (audit rows, approvals, numbers, protection, deadlines) from the clock, so the demo
    travels the whole process there with time-machine instead of rewriting dates afterwards. The
    clock stands still (tick=False) so that a demo record never drifts past the moment meant."""
    return time_machine.travel(moment, tick=False)
