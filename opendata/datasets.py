"""The portal's open datasets: what each one's rows are, and each column's name, label, type and value. The
downloads (opendata/downloads.py), the quarterly files and their passports (opendata/publishing.py) all read
them from here, so a column is described once.

Only what the portal's pages show: proposals once their consultation's position is published and only those
listed, the author's name only where they agreed to publish it, organisations by name; never a contact, a
consent record or an account. The texts go out as the pages show them, IINs, phone numbers and emails masked
(common.personal_data): the proposal's text with the marks in its own language, each language's reasons in it.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.personal_data import mask
from consultations.models import Consultation
from councils.models import Council
from proposals.models import Proposal, public_author

Decision = Proposal.Decision

LANGUAGES = ("kk", "ru")


@dataclass(frozen=True)
class Column:
    name: str  # the field's code in the files and their passport
    label: Promise  # translated: the header says it in Kazakh and Russian, the passport in English too
    type: str  # the passport's type: string, integer, date or datetime
    value: Callable[[Any], Any]

    def header(self) -> str:
        return " / ".join(_in(language, self.label) for language in LANGUAGES)


def _in(language: str, text: Promise) -> str:
    with translation.override(language):
        return str(text)


@dataclass(frozen=True)
class Dataset:
    code: str
    name: Promise
    description: Promise
    key: str  # the column that identifies a row
    columns: tuple[Column, ...]
    # The rows: each a dict of these fields (QuerySet.values()), with what `complete` adds, chunk by chunk.
    fields: tuple[str, ...]
    complete: Callable[[list[dict]], None] = lambda rows: None

    def header(self) -> list[str]:
        return [column.header() for column in self.columns]

    def rows(self, queryset, chunk_size: int = 2000) -> Iterator[list]:
        """The queryset's rows as lists of values, read `chunk_size` at a time (a server-side cursor): a file of
        50,000 rows holds one chunk in memory, as plain values rather than model instances."""
        chunk = []
        for row in queryset.values(*self.fields).iterator(chunk_size=chunk_size):
            chunk.append(row)
            if len(chunk) == chunk_size:
                yield from self._lines(chunk)
                chunk = []
        yield from self._lines(chunk)

    def _lines(self, chunk: list[dict]) -> Iterator[list]:
        self.complete(chunk)
        for row in chunk:
            yield [column.value(row) for column in self.columns]


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


@functools.cache
def _label(choices, code: str, language: str) -> str:
    if not code:
        return ""
    with translation.override(language):
        return str(choices(code).label)


def _author(row: dict) -> str:
    return public_author(hide_name=row["hide_name"], organisation=row["organisation"], author_name=row["author_name"])


def _with_points(rows: list[dict]) -> None:
    """Each proposal's recommendation points, "1; 3", for a chunk of rows in one query."""
    points: dict[int, list[int]] = {}
    through = Proposal.recommendation_points.through.objects.filter(proposal_id__in=[row["pk"] for row in rows])
    for proposal_id, number in through.values_list("proposal_id", "recommendationpoint__number"):
        points.setdefault(proposal_id, []).append(number)
    for row in rows:
        row["points"] = "; ".join(str(number) for number in sorted(points.get(row["pk"], ())))


PROPOSALS = Dataset(
    code="proposals",
    name=_("Proposals of public consultations and the councils' decisions"),
    description=_(
        "Every proposal listed in a public consultation whose position the public council has published: its text, "
        "the council's decision and reasons, and the recommendation points it went into. Authors who asked not to "
        "be named are not; contacts are never published."
    ),
    key="reference",
    fields=(
        *("pk", "reference", "consultation__slug", "consultation__schedule__council__slug"),
        *("consultation__schedule__year", "consultation__schedule__quarter", "submitted_at", "language", "channel"),
        *("author_kind", "hide_name", "organisation", "author_name", "question__position", "text", "decision"),
        *("decision_reasons_kk", "decision_reasons_ru"),
    ),
    complete=_with_points,
    columns=(
        Column("reference", _("reference number"), "string", lambda r: r["reference"]),
        Column("consultation", _("consultation"), "string", lambda r: r["consultation__slug"]),
        Column("council", _("public council"), "string", lambda r: r["consultation__schedule__council__slug"]),
        Column("year", _("year"), "integer", lambda r: r["consultation__schedule__year"]),
        Column("quarter", _("quarter"), "integer", lambda r: r["consultation__schedule__quarter"]),
        Column("received", _("received"), "datetime", lambda r: _local(r["submitted_at"])),
        Column("language", _("language"), "string", lambda r: r["language"]),
        Column("channel", _("channel"), "string", lambda r: r["channel"]),
        Column("author_kind", _("kind of author"), "string", lambda r: r["author_kind"]),
        Column("author", _("author"), "string", _author),
        Column("question", _("question"), "integer", lambda r: r["question__position"] or ""),
        Column("text", _("proposal"), "string", lambda r: mask(r["text"], r["language"])),
        Column("decision", _("decision of the council"), "string", lambda r: r["decision"]),
        Column("decision_kk", _("decision (Kazakh)"), "string", lambda r: _label(Decision, r["decision"], "kk")),
        Column("decision_ru", _("decision (Russian)"), "string", lambda r: _label(Decision, r["decision"], "ru")),
        Column("reasons_kk", _("reasons (Kazakh)"), "string", lambda r: mask(r["decision_reasons_kk"] or "", "kk")),
        Column("reasons_ru", _("reasons (Russian)"), "string", lambda r: mask(r["decision_reasons_ru"] or "", "ru")),
        Column("recommendation_points", _("points of the recommendation"), "string", lambda r: r["points"]),
    ),
)


def published_proposals() -> QuerySet[Proposal]:
    """The listed proposals of consultations whose position is published, in a published schedule's revision,
    quarter by quarter, consultation by consultation, in the order they came."""
    return Proposal.objects.filter(
        moderation=Proposal.Moderation.LISTED,
        consultation__state=Consultation.State.POSITION_PUBLISHED,
        consultation__schedule__published_revision__gte=F("consultation__revision"),
    ).order_by(
        "consultation__schedule__year", "consultation__schedule__quarter", "consultation_id", "submitted_at", "pk"
    )


def of_consultation(consultation: Consultation) -> QuerySet[Proposal]:
    return published_proposals().filter(consultation=consultation).order_by("submitted_at", "pk")


def of_council_quarter(council: Council, year: int, quarter: int) -> QuerySet[Proposal]:
    return published_proposals().filter(
        consultation__schedule__council=council,
        consultation__schedule__year=year,
        consultation__schedule__quarter=quarter,
    )


def of_quarter(year: int, quarter: int) -> QuerySet[Proposal]:
    return published_proposals().filter(consultation__schedule__year=year, consultation__schedule__quarter=quarter)
