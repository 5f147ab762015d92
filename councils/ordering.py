"""The order of every list of regions and councils: grouped by level, then alphabetical in the page's language.

Kazakh pages follow the Kazakh alphabet, Russian pages the Russian one. Python's default order compares code
points, which puts the Kazakh letters (Ә Ғ Қ Ң Ө Ұ Ү Һ І, U+04xx) after Я: "Шығыс Қазақстан" came before
"Қарағанды", and "Қазақстан Республикасы…" after every region. Two equal paths:

- in SQL, on PostgreSQL, the ICU collations `kk-x-icu` and `ru-x-icu` (tests/councils/test_alphabetical_order.py
  checks that they order the alphabets below letter by letter);
- in Python, `alphabetical_key(text, lang)`, for lists built in memory and for SQLite (the demo), which has no
  ICU: there `in_order` sorts the (small) list in Python and orders the queryset by the resulting positions.
"""

from __future__ import annotations

import unicodedata
from itertools import groupby

from django import forms
from django.db import connections
from django.db.models import Case, F, QuerySet, Value, When
from django.db.models.functions import Coalesce, Collate, NullIf
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common import page_cache

from .models import Council, Region

# The Kazakh Cyrillic alphabet, 42 letters, in its official order (as taught and printed since 1940/1957; see
# e.g. https://en.wikipedia.org/wiki/Kazakh_alphabets, "Cyrillic script"): the Russian 33, with Ә after А,
# Ғ after Г, Қ after К, Ң after Н, Ө after О, Ұ Ү after У, Һ after Х and І after Ы.
KAZAKH_ALPHABET = list("АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ")
# The Russian alphabet, 33 letters. Ё sorts as Е (its dots weigh only when all else is equal), as in
# dictionaries and in ICU's `ru` collation. Kazakh letters in a Russian name go where ICU puts them: after their
# base letter (І after И, Ү before Ұ).
RUSSIAN_ALPHABET = list("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")
_RUSSIAN_ORDER = list("АӘБВГҒДЕЖЗИІЙКҚЛМНҢОӨПРСТУҮҰФХҺЦЧШЩЪЫЬЭЮЯ")

COLLATIONS = {"kk": "kk-x-icu", "ru": "ru-x-icu"}
_RANKS = {
    "kk": {letter: rank for rank, letter in enumerate(KAZAKH_ALPHABET)},
    "ru": {letter: rank for rank, letter in enumerate(_RUSSIAN_ORDER)},
}
# Like ICU: spaces, then punctuation, then digits, then Cyrillic letters, then Latin, then anything else.
_PUNCTUATION = "_-‐–—,;:!?.'\"«»„“”()[]{}@*/\\&#%`^+<=>|~$"
_SPACE, _PUNCT, _DIGIT, _CYRILLIC, _LATIN, _OTHER = range(6)

# Levels in the order the lists show them, with the headings of their groups.
LEVELS = [
    Council.Level.CENTRAL,
    Council.Level.OBLAST,
    Council.Level.CITY,
    Council.Level.DISTRICT,
    Council.Level.QUASI,
]
LEVEL_GROUPS = {
    Council.Level.CENTRAL: _("Central state bodies"),
    Council.Level.OBLAST: _("Oblasts"),
    Council.Level.CITY: _("Cities of republican significance"),
    Council.Level.DISTRICT: _("Districts and cities of oblast significance"),
    Council.Level.QUASI: _("Quasi-public sector entities"),
}
REGION_KINDS = [Region.Kind.OBLAST, Region.Kind.CITY]
REGION_GROUPS = {
    Region.Kind.OBLAST: LEVEL_GROUPS[Council.Level.OBLAST],
    Region.Kind.CITY: LEVEL_GROUPS[Council.Level.CITY],
}


def language(lang: str | None = None) -> str:
    """`kk` or `ru`: the language whose alphabet orders the lists (the page's, by default)."""
    code = (lang or get_language() or "kk")[:2]
    return code if code in COLLATIONS else "kk"


def alphabetical_key(text: str | None, lang: str | None = None) -> tuple:
    """A sort key that orders texts as the alphabet of `lang` does, ignoring case first (as ICU does: letters,
    then accents such as Ё's dots in Russian, then case, lower before upper)."""
    ranks = _RANKS[language(lang)]
    russian = language(lang) == "ru"
    primary, secondary, tertiary = [], [], []
    for char in unicodedata.normalize("NFC", text or ""):
        upper = char.upper() if len(char.upper()) == 1 else char
        accent = 0
        if russian and upper == "Ё":
            upper, accent = "Е", 1
        if upper in ranks:
            weight = (_CYRILLIC, ranks[upper])
        elif char.isspace():
            weight = (_SPACE, 0)
        elif char in _PUNCTUATION:
            weight = (_PUNCT, _PUNCTUATION.index(char))
        elif char.isdigit():
            weight = (_DIGIT, unicodedata.digit(char, 0))
        elif "LATIN" in unicodedata.name(char, ""):
            weight = (_LATIN, ord(upper))
        elif "CYRILLIC" in unicodedata.name(char, ""):
            weight = (_CYRILLIC, len(ranks) + ord(upper))
        else:
            weight = (_OTHER, ord(char))
        primary.append(weight)
        secondary.append(accent)
        tertiary.append(0 if char == char.lower() else 1)
    return tuple(primary), tuple(secondary), tuple(tertiary)


def _columns(field: str, lang: str) -> tuple[str, str]:
    """The translated column of `field` in `lang`, and the one it falls back to when empty (modeltranslation's)."""
    other = "ru" if lang == "kk" else "kk"
    return f"{field}_{lang}", f"{field}_{other}"


def by_name(field: str = "name", lang: str | None = None):
    """An SQL ordering by a translated name in the alphabet of `lang` (PostgreSQL with ICU only)."""
    lang = language(lang)
    column, fallback = _columns(field, lang)
    return Collate(Coalesce(NullIf(F(column), Value("")), F(fallback)), COLLATIONS[lang]).asc(nulls_first=True)


def in_order(queryset: QuerySet, names: list[str], *, group: str, groups: list, lang: str | None = None):
    """`queryset` ordered by the field `group` in the order of `groups` (such as the level in LEVELS), then by
    the translated fields `names` in the alphabet of `lang`. In SQL where the database has the collations;
    otherwise sorted in Python with `alphabetical_key` and ordered by position (the lists are a few dozen rows)."""
    lang = language(lang)
    if connections[queryset.db].vendor == "postgresql":
        rank = Case(*[When(**{group: value}, then=Value(i)) for i, value in enumerate(groups)], default=len(groups))
        return queryset.order_by(rank, *[by_name(name, lang) for name in names], "pk")
    columns = [_columns(name, lang) for name in names]
    fields = ["pk", group, *[column for pair in columns for column in pair]]

    def key(row):
        values = dict(zip(fields, row, strict=True))
        rank = groups.index(values[group]) if values[group] in groups else len(groups)
        texts = [alphabetical_key(values[column] or values[fallback], lang) for column, fallback in columns]
        return (rank, *texts, values["pk"])

    positions = [row[0] for row in sorted(queryset.order_by().values_list(*fields), key=key)]
    if not positions:
        return queryset
    return queryset.order_by(Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(positions)]))


def regions(queryset: QuerySet | None = None, lang: str | None = None) -> QuerySet:
    """Regions: oblasts, then cities of republican significance, each alphabetical."""
    queryset = Region.objects.all() if queryset is None else queryset
    return in_order(queryset, ["name"], group="kind", groups=REGION_KINDS, lang=lang)


def councils(queryset: QuerySet | None = None, *, by_region: bool = False, lang: str | None = None) -> QuerySet:
    """Councils by level (LEVELS), then alphabetical by name, or by region and then name with `by_region`
    (the directory and the compliance matrix, where a district's council sits under its oblast)."""
    queryset = Council.objects.active() if queryset is None else queryset
    names = ["region__name", "name"] if by_region else ["name"]
    return in_order(queryset, names, group="level", groups=LEVELS, lang=lang)


def level_of(council: Council) -> str:
    """The heading of a council's group."""
    return str(LEVEL_GROUPS.get(council.level, council.get_level_display()))


def kind_of(region: Region) -> str:
    return str(REGION_GROUPS.get(region.kind, region.get_kind_display()))


class GroupedModelChoiceIterator(forms.models.ModelChoiceIterator):
    """Choices under <optgroup>s: consecutive objects with the same `field.group_by(obj)` form one group."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.remember_as:
            yield from page_cache.remember(self.field.remember_as, self.as_text)
        else:
            for label, objects in self.groups():
                yield (label, [self.choice(obj) for obj in objects])

    def groups(self):
        # Ordered now, when the page's language is known (forms and filters are declared before it is).
        queryset = regions(self.queryset) if self.queryset.model is Region else councils(self.queryset)
        return groupby(queryset, key=self.field.group_by)

    def as_text(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The groups with their options' values and labels as text, which the cache can keep."""
        field = self.field
        return [
            (label, [(str(field.prepare_value(obj)), str(field.label_from_instance(obj))) for obj in objects])
            for label, objects in self.groups()
        ]


class GroupedModelChoiceField(forms.ModelChoiceField):
    """A <select> of regions (`group_by=kind_of`) or councils (`group_by=level_of`) under headings, in the
    order of `regions()` or `councils()` in the page's language. With `remember_as`, a name, the options are
    computed once per version of public content and language (common.page_cache.remember): for a field whose
    queryset is the same for every visitor, such as the public list's filters."""

    iterator = GroupedModelChoiceIterator

    def __init__(self, *args, group_by=level_of, remember_as: str | None = None, **kwargs):
        self.group_by = group_by
        self.remember_as = remember_as
        super().__init__(*args, **kwargs)


def region_menu() -> GroupedModelChoiceField:
    """A form's optional "Region" menu: the regions under the headings of their kind, "All regions" first."""
    return GroupedModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        group_by=kind_of,
        to_field_name="slug",
        required=False,
        empty_label=_("All regions"),
    )


def level_menu() -> forms.ChoiceField:
    """A form's optional "Level" menu: the councils' levels, "All levels" first."""
    return forms.ChoiceField(label=_("Level"), choices=[("", _("All levels")), *Council.Level.choices], required=False)
