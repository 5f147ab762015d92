"""Keyset ("seek") pagination: a page of a long list found from where the page before it ended, not by an OFFSET.

Django's Paginator reads page N with OFFSET (N-1)·size and counts the whole list on every page, so the last page
of a consultation with 50,000 proposals walks all of them (issue 16). Here a page is the `per_page` rows after
(or before) one row of the list, in the list's order — a unique tuple of keys, such as (submitted_at, pk) — which
an index on those keys serves as a range scan, as fast at the end of the list as at its start.

The address names that row by a unique public field (a proposal's reference number): `?after=QG-2026-00123`,
`?before=…`, `?last=1` for the end of the list. The row is looked up among `anchors` (the list before the
reader's filters: a row a filter hides, or that left the filter since, still marks a place); a value that is
not such a row — garbage, another consultation's row, a value too long — gives the first page, never an error.
An old `?page=N` is ignored the same way. There is no page number and no total: counting is the caller's choice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Exists, Q, QuerySet, Subquery

AFTER, BEFORE, LAST = "after", "before", "last"
# The parameters a page link replaces; every other one (the filters) is kept. `page` is the Paginator's.
PAGE_PARAMS = (AFTER, BEFORE, LAST, "page")


@dataclass
class KeysetPage:
    """A page of a list; `next_params` / `previous_params` are the query parameters of the neighbouring pages
    ({} is the first page)."""

    object_list: list
    has_next: bool = False
    has_previous: bool = False
    next_params: dict = field(default_factory=dict)
    previous_params: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    @property
    def last_params(self) -> dict:
        return {LAST: "1"}


def keyset_page(
    queryset: QuerySet,
    params: Mapping[str, str],
    *,
    per_page: int,
    keys: Sequence[str] = ("submitted_at", "pk"),
    cursor: str = "reference",
    anchors: QuerySet | None = None,
) -> KeysetPage:
    """The page of `queryset`, in ascending order of `keys` (unique together, non-null), that `params` asks for.

    `cursor` is the unique field that names a row in the address; `anchors` (by default `queryset`) is where
    that row is looked up. One query for a page; two from a row named when that page is empty (past either end of
    the list, or a name that is no row: the second tells which).
    """
    anchors = queryset if anchors is None else anchors
    if params.get(LAST):
        rows = list(_in_order(queryset, keys, descending=True)[: per_page + 1])
        more = len(rows) > per_page
        return _page(list(reversed(rows[:per_page])), cursor, has_previous=more, has_next=False)
    for param in (AFTER, BEFORE):  # an address made by hand with both: `after` wins, if it can be a row
        anchor = _anchor(anchors, cursor, params.get(param))
        if anchor is not None:
            return _from_row(queryset, anchor, keys, cursor, per_page, forward=param == AFTER)
    return _first_page(_in_order(queryset, keys), cursor, per_page)


def _in_order(queryset: QuerySet, keys: Sequence[str], *, descending: bool = False) -> QuerySet:
    return queryset.order_by(*(f"-{key}" if descending else key for key in keys))


def _first_page(ascending: QuerySet, cursor: str, per_page: int) -> KeysetPage:
    rows = list(ascending[: per_page + 1])
    return _page(rows[:per_page], cursor, has_previous=False, has_next=len(rows) > per_page)


def _from_row(
    queryset: QuerySet, anchor: QuerySet, keys: Sequence[str], cursor: str, per_page: int, *, forward: bool
) -> KeysetPage:
    """The page after (`forward`) or before the row `anchor` selects, in one query: the row's keys are subqueries
    of the page's, and whether any of the list lies on the row's other side is a column. Uncorrelated, each is
    read once, not per row (PostgreSQL's InitPlans), and the index on the keys is still entered at the row."""
    values = [Subquery(anchor.order_by().values(key)[:1]) for key in keys]
    ahead, behind = ("gt", "lt") if forward else ("lt", "gt")
    rows = list(
        _in_order(queryset, keys, descending=not forward)
        .filter(_beyond(keys, values, ahead))
        .annotate(keyset_any_behind=Exists(queryset.filter(_beyond(keys, values, behind, inclusive=True))))[
            : per_page + 1
        ]
    )
    if rows:
        any_behind = rows[0].keyset_any_behind
    else:
        # Nothing beyond the row: either it ends the list (then all the list is behind it) or it is no row at all
        # (then the reader gets the first page). Read the first page, with whether the row exists.
        first = _in_order(queryset, keys).annotate(keyset_row_exists=Exists(anchor))
        page = _first_page(first, cursor, per_page)
        if page.object_list and not page.object_list[0].keyset_row_exists:
            return page
        any_behind = bool(page.object_list)
    more = len(rows) > per_page
    if forward:
        return _page(rows[:per_page], cursor, has_previous=any_behind, has_next=more)
    return _page(list(reversed(rows[:per_page])), cursor, has_previous=more, has_next=any_behind)


def _page(rows: list, cursor: str, *, has_previous: bool, has_next: bool) -> KeysetPage:
    page = KeysetPage(rows, has_next=has_next, has_previous=has_previous)
    # A page past either end (its row was the last, or the first) is empty: its neighbour is then the list's
    # last or first page.
    if has_next:
        page.next_params = {AFTER: getattr(rows[-1], cursor)} if rows else {}
    if has_previous:
        page.previous_params = {BEFORE: getattr(rows[0], cursor)} if rows else {LAST: "1"}
    return page


def _anchor(anchors: QuerySet, cursor: str, raw: str | None) -> QuerySet | None:
    """The row of `anchors` whose `cursor` field is `raw`, as a queryset (not read here), or None when `raw` cannot
    be a value of that field."""
    if not raw or "\x00" in raw:
        return None
    options = anchors.model._meta
    model_field = options.pk if cursor == "pk" else options.get_field(cursor)
    try:
        value = model_field.to_python(raw)
        model_field.run_validators(value)  # a length or a number out of the column's range
    except (ValidationError, TypeError, ValueError):
        return None
    return anchors.filter(**{cursor: value})


def _beyond(keys: Sequence[str], values: Sequence, op: str, *, inclusive: bool = False) -> Q:
    """Rows whose keys come after (`op` "gt") or before ("lt") `values` in the order of `keys`: the row
    comparison (k1, k2) > (v1, v2) written out, with k1 >= v1 first so that an index on the keys is entered at
    v1 (a range scan) rather than read from its start and filtered. `inclusive`: the row itself too."""
    either = Q()
    for i, key in enumerate(keys):
        last = i == len(keys) - 1
        term = Q(**dict(zip(keys[:i], values[:i], strict=True)))
        term &= Q(**{f"{key}__{op}{'e' if last and inclusive else ''}": values[i]})
        either |= term
    return Q(**{f"{keys[0]}__{op}e": values[0]}) & either
