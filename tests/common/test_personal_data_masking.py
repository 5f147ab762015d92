"""Personal data masked before publishing (issue 18): a labelled set of IINs, phone numbers and emails that must be
masked and of near misses that must not, each written into a sentence as citizens do; every one must come out as
expected (no miss, no false mask), with the mark in Kazakh or Russian."""

import datetime
import itertools

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import SafeData, mark_safe

from common.personal_data import looks_like_iin, mask, valid_iin
from common.templatetags.qogam import masked

KK = {"iin": "[ЖСН жасырылған]", "phone": "[телефон жасырылған]", "email": "[email жасырылған]"}
RU = {"iin": "[ИИН скрыт]", "phone": "[телефон скрыт]", "email": "[email скрыт]"}


# ---------------------------------------------------------------------------------------------------------
# IINs, made as the registry makes them: birth date YYMMDD, century-and-sex digit, four serial digits, check digit


def check_digit(eleven: str) -> int | None:
    """The check digit of eleven digits by the official algorithm, written out here apart from the module's."""
    digits = [int(d) for d in eleven]
    first = sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
    if first != 10:
        return first
    second = sum(d * w for d, w in zip(digits, (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), strict=True)) % 11
    return None if second == 10 else second


def needs_second_round(eleven: str) -> bool:
    return sum(int(d) * w for d, w in zip(eleven, range(1, 12), strict=True)) % 11 == 10


BIRTHS = [  # (birth date, sex): men and women of the 19th (rare, but issued), 20th and 21st centuries
    (datetime.date(1899, 12, 31), "m"), (datetime.date(1900, 1, 1), "f"), (datetime.date(1931, 5, 9), "m"),
    (datetime.date(1945, 5, 9), "f"), (datetime.date(1950, 2, 28), "m"), (datetime.date(1956, 7, 14), "f"),
    (datetime.date(1960, 2, 29), "m"), (datetime.date(1963, 11, 3), "f"), (datetime.date(1968, 6, 30), "m"),
    (datetime.date(1971, 1, 17), "f"), (datetime.date(1974, 9, 1), "m"), (datetime.date(1977, 3, 8), "f"),
    (datetime.date(1980, 12, 16), "m"), (datetime.date(1983, 4, 25), "f"), (datetime.date(1986, 8, 19), "m"),
    (datetime.date(1989, 10, 10), "f"), (datetime.date(1991, 12, 16), "m"), (datetime.date(1994, 1, 31), "f"),
    (datetime.date(1997, 7, 6), "m"), (datetime.date(1999, 9, 9), "f"), (datetime.date(2000, 2, 29), "m"),
    (datetime.date(2001, 6, 1), "f"), (datetime.date(2004, 10, 25), "m"), (datetime.date(2007, 3, 22), "f"),
]  # fmt: skip
CENTURY_DIGIT = {(18, "m"): 1, (18, "f"): 2, (19, "m"): 3, (19, "f"): 4, (20, "m"): 5, (20, "f"): 6}


def make_iins(*, second_round: bool) -> list[str]:
    """One IIN a birth, the first serial whose check digit comes from the first (or the second) round."""
    made = []
    for born, sex in BIRTHS:
        head = born.strftime("%y%m%d") + str(CENTURY_DIGIT[(born.year // 100, sex)])
        for serial in range(1, 10_000):
            eleven = f"{head}{serial:04d}"
            digit = check_digit(eleven)
            if digit is not None and needs_second_round(eleven) == second_round:
                made.append(f"{eleven}{digit}")
                break
    return made


VALID_IINS = make_iins(second_round=False) + make_iins(second_round=True)
# A wrong check digit: the right one plus 1..9 (modulo 10), varied over the set.
WRONG_CHECK = [iin[:11] + str((int(iin[11]) + n % 9 + 1) % 10) for n, iin in enumerate(VALID_IINS[:30])]
# Eleven digits no check digit fits (both rounds leave 10): no twelfth digit makes an IIN of them.
NO_CHECK_POSSIBLE = [
    f"{eleven}{last}"
    for eleven in itertools.islice(
        (f"9001013{n:04d}" for n in range(10_000) if check_digit(f"9001013{n:04d}") is None), 1
    )
    for last in "05"
]


def right_check(eleven: str) -> str:
    digit = check_digit(eleven)
    assert digit is not None
    return f"{eleven}{digit}"


# Twelve digits whose check digit is right but which no person has: an impossible birth date or century digit.
# The date rule keeps these (account, case or invoice numbers) as written.
RIGHT_CHECK_NO_IIN = [
    right_check(eleven)
    for eleven in ("9013013001", "9002303000", "9104313000", "0000003000", "9001010000", "9001017000",
                   "9001018000", "9001019000", "8713213456", "1504400123")
    for eleven in [next(e for e in (f"{eleven}{n}" for n in range(10)) if check_digit(e) is not None)]
]  # fmt: skip


def test_the_iin_set_has_both_rounds_and_the_sizes_asked():
    assert len(set(VALID_IINS)) == len(VALID_IINS) >= 40
    assert sum(needs_second_round(iin[:11]) for iin in VALID_IINS) >= 20
    assert len(set(WRONG_CHECK)) >= 20 and not set(WRONG_CHECK) & set(VALID_IINS)
    assert NO_CHECK_POSSIBLE and len(RIGHT_CHECK_NO_IIN) == 10


@pytest.mark.parametrize("iin", VALID_IINS)
def test_a_valid_iin_is_masked_in_kazakh_and_in_russian(iin):
    assert valid_iin(iin) and looks_like_iin(iin)
    assert mask(f"Менің ЖСН: {iin}, өтінемін.", "kk") == f"Менің ЖСН: {KK['iin']}, өтінемін."
    assert mask(f"Мой ИИН {iin}.", "ru") == f"Мой ИИН {RU['iin']}."
    assert mask(f"ИИН{iin}-ге", "ru") == f"ИИН{RU['iin']}-ге"  # against a word, a Kazakh ending after a dash


@pytest.mark.parametrize("number", WRONG_CHECK + NO_CHECK_POSSIBLE)
def test_twelve_digits_failing_the_check_stay_as_written(number):
    assert not valid_iin(number)
    assert mask(f"Іс нөмірі {number}.", "kk") == f"Іс нөмірі {number}."


@pytest.mark.parametrize("number", RIGHT_CHECK_NO_IIN)
def test_twelve_digits_with_a_right_check_but_no_birth_date_or_century_stay_as_written(number):
    assert valid_iin(number) and not looks_like_iin(number)
    assert mask(f"Шот № {number}", "ru") == f"Шот № {number}"


def test_an_iin_inside_a_longer_number_is_no_iin():
    iin = VALID_IINS[0]
    assert mask(f"{iin}7 and 1{iin}", "ru") == f"{iin}7 and 1{iin}"


# ---------------------------------------------------------------------------------------------------------
# Phones: Kazakhstan's mobile (7xx) and landline (7xxx: Almaty 727, Astana 7172, Karaganda 7212…) numbers

PHONES = [
    "+7 701 123 45 67", "+7 (701) 123-45-67", "+7(701)123-45-67", "+77011234567", "87011234567",
    "8 701 123 45 67", "8 (701) 123 45 67", "8 (701) 123-45-67", "8(701)1234567", "8-701-123-45-67",
    "+7-701-123-45-67", "8 701 1234567", "+7 701 1234567", "8 701 123 4567", "8701 123 45 67", "8701-123-45-67",
    "+7 7011234567", "8 7011234567", "+7 (727) 312-34-56", "8 (727) 312 34 56", "+7 727 312 34 56",
    "8 (7172) 12-34-56", "+7 (7172) 12 34 56", "8 7172 123456", "+7 7212 41 22 33", "87172123456",
    "+7 701 123-45-67", "8 777 777 77 77", "+7 (747) 555 11 22", "8 (775) 000-00-01", "8(727)3123456",
    "8 (7122) 25-11-00", "+7 (7252) 53-00-00", "8-7172-12-34-56", "+7\u00a0701\u00a0123\u00a045\u00a067",
    "+7 708 12 34 567", "8 (700) 800 90 90",
    "+7 495 123 45 67", "+7 (912) 345-67-89", "+79123456789",  # Russia's, under +7 written out: masked too
]  # fmt: skip


@pytest.mark.parametrize("phone", PHONES)
def test_a_phone_number_is_masked_in_kazakh_and_in_russian(phone):
    assert mask(f"Хабарласыңыз: {phone}.", "kk") == f"Хабарласыңыз: {KK['phone']}."
    assert mask(f"Мой телефон ({phone}), звоните.", "ru") == f"Мой телефон ({RU['phone']}), звоните."


def test_phones_in_a_row_against_words_and_with_kazakh_endings_are_all_masked():
    text = "тел87011234567, 8 702 123 45 67 8 705 765 43 21; +77471234567-ге немесе 87272123456-ға"
    p = KK["phone"]
    assert mask(text, "kk") == f"тел{p}, {p} {p}; {p}-ге немесе {p}-ға"


# ---------------------------------------------------------------------------------------------------------
# Emails

EMAILS = ["aigul.serik@mail.kz", "ivanov_1985@gmail.com", "a+consult@yandex.ru", "info@akimat.almaty.gov.kz",
          "Askar-B@inbox.KZ", "user@почта.қаз"]  # fmt: skip


@pytest.mark.parametrize("email", EMAILS)
def test_an_email_is_masked_in_kazakh_and_in_russian(email):
    assert mask(f"Жазыңыз: {email}.", "kk") == f"Жазыңыз: {KK['email']}."
    assert mask(f"Почта {email}, ответьте", "ru") == f"Почта {RU['email']}, ответьте"


# ---------------------------------------------------------------------------------------------------------
# Near misses: numbers of citizens' texts that are no one's personal data

NEAR_MISSES = [
    "2026 жылы", "1991–2026 жылдар", "7011234567", "701 123 45 67", "1 200 000 тг", "87 123 456 789 тг",
    "8 700 000 000 теңге", "87 000 000 000 теңге", "1 870 123 456 789 тг", "12.03.2026", "8.07.2026",
    "08.07.2026 ж.", "№ 123-VII", "Заң № 401-VI ҚРЗ", "2015 жылғы 23 қарашадағы № 414-V Заң", "QG-2026-000123",
    "KZ86125KZT5004100100", "8:00-17:00", "51.1694, 71.4491", "010000 Астана", "+7 701 123 45 678",
    "8 701 123 45", "8 800 080 77 77", "0,87011234567", "user@localhost", "@qogam_kz", "v1.2.3",
    "6 7011234567", "8 701 тг", "87,5 %", "сағат 8-де 7 адам", "8 495 123 45 67",
]  # fmt: skip


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_a_near_miss_is_not_masked(text):
    assert mask(f"Мәтін: {text}.", "kk") == f"Мәтін: {text}."
    assert mask(text, "ru") == text


def test_the_labelled_set_has_no_miss_and_no_false_mask():
    """The whole set at once, counted: the figure the issue asks for."""
    masked = [*VALID_IINS, *PHONES, *EMAILS]
    kept = [*WRONG_CHECK, *NO_CHECK_POSSIBLE, *RIGHT_CHECK_NO_IIN, *NEAR_MISSES]
    misses = [value for value in masked if mask(f"x {value} x", "ru") == f"x {value} x"]
    false_masks = [value for value in kept if mask(f"x {value} x", "ru") != f"x {value} x"]
    assert (len(VALID_IINS), len(PHONES), len(kept)) >= (40, 30, 20 + 20)
    assert misses == [] and false_masks == []


# ---------------------------------------------------------------------------------------------------------
# The marks' language and the template filter


def test_the_mark_is_in_the_language_asked_else_the_pages():
    text = f"{VALID_IINS[0]} 87011234567 a@b.kz"
    assert mask(text, "kk") == " ".join(KK.values())
    assert mask(text, "ru") == " ".join(RU.values())
    with translation.override("ru"):
        assert mask(text) == " ".join(RU.values())
    with translation.override("kk"):
        assert mask(text) == " ".join(KK.values())


def test_a_text_without_personal_data_is_returned_unchanged():
    text = "Аулаларды абаттандыруды жалғастыру керек: 2026 жылы 1 200 000 теңге."
    assert mask(text, "kk") == text and mask("", "kk") == ""


def test_the_filter_masks_the_raw_text_and_leaves_the_escaping_to_autoescape_and_linebreaks():
    template = Template("{% load qogam %}<p>{{ text|masked:'ru' }}</p>{{ text|masked:'kk'|linebreaks }}")
    text = '<b onclick="x">Тел 8 701 123 45 67</b> & a@b.kz\nИИН ' + VALID_IINS[1]
    html = template.render(Context({"text": text}))
    assert "<b " not in html and "</b>" not in html
    assert "&lt;b onclick=&quot;x&quot;&gt;" in html and "&amp;" in html
    assert f"Тел {RU['phone']}&lt;/b&gt; &amp; {RU['email']}" in html
    assert (
        f"<p>&lt;b onclick=&quot;x&quot;&gt;Тел {KK['phone']}&lt;/b&gt; &amp; {KK['email']}<br>ИИН {KK['iin']}</p>"
        in html
    )
    assert VALID_IINS[1] not in html and "8 701" not in html


def test_the_filter_never_marks_its_output_safe():
    assert not isinstance(masked(mark_safe("<i>87011234567</i>"), "kk"), SafeData)
    assert not isinstance(masked("no data", "kk"), SafeData)
