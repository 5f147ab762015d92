"""Calendar quarters: councils plan their consultations a quarter at a time."""

import datetime


def quarter_of(date: datetime.date) -> tuple[int, int]:
    return date.year, (date.month - 1) // 3 + 1
