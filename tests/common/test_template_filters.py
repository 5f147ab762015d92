"""The `qogam` template filters that write what a page or a text shows."""

import datetime

from django.utils import translation

from common.templatetags.qogam import until

FIRST, LAST = datetime.date(2026, 3, 5), datetime.date(2026, 3, 7)


def test_a_span_of_days_gives_its_first_and_last_day():
    with translation.override("ru"):
        assert until(FIRST, LAST) == "5 марта 2026 г. — 7 марта 2026 г."


def test_a_single_day_is_given_once():
    with translation.override("ru"):
        assert until(FIRST, FIRST) == until(FIRST, None) == "5 марта 2026 г."
