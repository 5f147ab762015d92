"""Kazakhstan's working days: the Law "On Public Control" (art. 13) counts its deadlines in them.

The `holidays` package knows the public holidays, the days off moved to other dates and the Saturdays
that become working days (`is_working_day`), as the government decrees them each year.
"""

import datetime
from functools import lru_cache

import holidays


@lru_cache(maxsize=8)
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("KZ", years=range(year - 1, year + 2))


def is_working_day(day: datetime.date) -> bool:
    return _calendar(day.year).is_working_day(day)


@lru_cache(maxsize=4096)
def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `start` (a deadline of `count` working days from `start`). Remembered:
    the compliance review asks it for thousands of consultations, most of them on the same few hundred days."""
    day, counted = start, 0
    while counted < count:
        day += datetime.timedelta(days=1)
        counted += is_working_day(day)
    return day
