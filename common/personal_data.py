"""Personal data that citizens write into their proposals, masked before the text is published (issue 18):
individual identification numbers (IIN, ЖСН / ИИН), Kazakhstan's phone numbers and email addresses, each
replaced by a translated mark ("[IIN hidden]"). The council's workspace shows the text as received; every page,
document, file and API answer that publishes it goes through `mask`.

A false mask spoils a citizen's sums, dates or case numbers, a miss publishes someone's IIN: each kind is
recognised by what only it has, not by its length alone.

- IIN: twelve digits standing alone whose twelfth is the check digit of the other eleven (the official
  algorithm, `valid_iin`), whose first six are a birth date YYMMDD and whose seventh (1–6) gives the century and
  sex. A random twelve-digit number passes all three about once in 70; a case or account number failing them
  stays as written.
- Phone: 8, then ten digits of which the first is 7 (Kazakhstan's mobile 7xx and landlines 7xxx: Almaty 727,
  Astana 7172), or +7 and any ten digits (with the plus written out, Russia's +7 9xx… is a phone as surely),
  written whole or in groups separated by a space or a dash, the area code possibly in brackets. The area code
  stands as one group of 3 or 4 digits (or the whole ten), no group is of a single digit: a sum such as
  "87 123 456 789 тг" (8 and 7 glued, then groups of three) is not a phone. A ten-digit number without +7 or 8
  is not masked, nor 8 800… (a hotline, and 8 9… may as well be a sum).
- Email: local@domain.tld, the top-level domain of letters.
"""

from __future__ import annotations

import datetime
import functools
import re

from django.utils import translation
from django.utils.translation import gettext, gettext_noop

IIN_HIDDEN = gettext_noop("[IIN hidden]")
PHONE_HIDDEN = gettext_noop("[phone hidden]")
EMAIL_HIDDEN = gettext_noop("[email hidden]")

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# The seventh digit: the century of birth (and sex: odd for men, even for women).
CENTURIES = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}

EMAIL = re.compile(r"(?<![\w.+%-])[\w.+%-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
IIN = re.compile(r"(?<!\d)\d{12}(?!\d)")
# A phone's candidate: +7 or 8 not inside a word or a number, then ten digits each after at most two
# separators; which separators stand where is checked in `_is_phone`.
PHONE = re.compile(r"(?<![A-Za-z\d+/_])(?<!\d[.,-])(?:\+ ?7|8)(?:[ \u00a0()-]{0,2}\d){10}(?!\d)(?!-\d)")
GROUPS = re.compile(r"\d+")
DIGIT = re.compile(r"\d")
BRACKETED = re.compile(r"[ \u00a0]?\(\d{3,4}\)[ \u00a0-]?\d[\d \u00a0-]*")


def valid_iin(digits: str) -> bool:
    """Whether twelve digits carry the right check digit (the official algorithm: weights 1..11 modulo 11; where
    that leaves 10, weights 3..11, 1, 2; where that leaves 10 again, no IIN ends so)."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    numbers = [int(digit) for digit in digits]
    for weights in (FIRST_WEIGHTS, SECOND_WEIGHTS):
        remainder = sum(n * w for n, w in zip(numbers, weights, strict=False)) % 11
        if remainder != 10:
            return remainder == numbers[11]
    return False


def looks_like_iin(digits: str) -> bool:
    """A valid check digit, and a birth date and century digit an IIN can have."""
    century = CENTURIES.get(digits[6:7])
    if century is None or not valid_iin(digits):
        return False
    try:
        datetime.date(century + int(digits[:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return False
    return True


def _is_phone(candidate: str) -> bool:
    """A candidate of `PHONE` written as phone numbers are: the area code one group (3 or 4 digits, or the ten
    in one), in brackets only around it, no group of a single digit."""
    plus = candidate.startswith("+")
    rest = candidate[1:].lstrip(" \u00a0")[1:] if plus else candidate[1:]  # after +7 or 8
    groups = GROUPS.findall(rest)
    if not (plus or groups[0][0] == "7") or len(groups[0]) < 3 or any(len(group) < 2 for group in groups[1:]):
        return False  # "87 123 456 789" is a sum: 8 and 7 glued, then groups of three
    if "(" in rest or ")" in rest:
        return BRACKETED.fullmatch(rest) is not None
    return True


@functools.lru_cache(maxsize=8)
def _marks(language: str) -> tuple[str, str, str]:
    with translation.override(language):
        return gettext(IIN_HIDDEN), gettext(PHONE_HIDDEN), gettext(EMAIL_HIDDEN)


def mask(text: str, language: str | None = None) -> str:
    """The text with every IIN, phone number and email address replaced by its mark, in `language` (the
    current one by default). Always a plain string, never marked safe: escape it after, as for the text."""
    if not text:
        return text
    text = str.__str__(text)  # a SafeString in, a plain str out: what is masked is escaped afterwards
    has_digits = DIGIT.search(text) is not None
    if not has_digits and "@" not in text:
        return text
    iin_mark, phone_mark, email_mark = _marks(language or translation.get_language() or "kk")
    if "@" in text:
        text = EMAIL.sub(email_mark, text)
    if has_digits:
        text = IIN.sub(lambda m: iin_mark if looks_like_iin(m.group()) else m.group(), text)
        text = PHONE.sub(lambda m: phone_mark if _is_phone(m.group()) else m.group(), text)
    return text
