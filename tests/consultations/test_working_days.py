import datetime

from consultations.working_days import add_working_days, is_working_day


def test_nauryz_and_its_moved_days_off_are_not_working_days():
    assert [is_working_day(datetime.date(2026, 3, d)) for d in range(20, 27)] == [
        True,
        False,
        False,
        False,
        False,
        False,
        True,
    ]


def test_seven_working_days_after_the_19th_of_march_2026_is_the_2nd_of_april():
    assert add_working_days(datetime.date(2026, 3, 19), 7) == datetime.date(2026, 4, 2)


def test_a_weekend_is_skipped():
    friday = datetime.date(2026, 11, 20)
    assert add_working_days(friday, 1) == datetime.date(2026, 11, 23)
    assert add_working_days(friday, 10) == datetime.date(2026, 12, 4)
