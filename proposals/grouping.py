"""Groups of similar proposals, kept (issue 18): placing proposals in them as they are compared, and what the
secretary does with a group — include it in the list, set aside the others as duplicates of its representative,
decide it, split it, take one proposal out of it.

Leader clustering in order of arrival, as `similarity.group`, but incremental: the groups made are kept (their
leaders stay leaders, their members stay), and each proposal not compared yet joins the group of the leader it is
most like (at least the backend's threshold) — an existing group's leader or an earlier proposal that is in no
group yet, which then leads a new group — or stays alone, a leader for those that come after. A proposal set aside
as spam is left out, and one the secretary took out of a group (kept apart) is never grouped again by the portal.
Nothing is included, set aside or decided without the secretary's click.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common.errors import ActionRefused
from consultations.models import Consultation
from councils.permissions import can_act

from . import services
from .models import Proposal, ProposalEvent, ProposalVector, SimilarGroup

State = Consultation.State
Moderation = Proposal.Moderation
SPAM = Proposal.SetAsideReason.SPAM
DUPLICATE = Proposal.SetAsideReason.DUPLICATE

# From the consultation until its position is published, the secretary looks for similar proposals and works
# with the groups (a decided proposal's group is its trace; after the position nothing changes).
GROUPING_STATES = (State.HELD, State.PROPOSALS_COMPILED, State.RECOMMENDATION_DRAFTED)
# The model's vectors computed in the secretary's request at most (~30 ms each); more wait for the workers.
INLINE_VECTORS = 100
_LOCK_CLASS = zlib.crc32(b"proposals.grouping") & 0x7FFFFFFF  # the two-key lock takes int4s


def _grouped(consultation: Consultation):
    """The proposals that take part in grouping: not set aside as spam, not kept apart by the secretary."""
    return consultation.proposals.exclude(set_aside_reason=SPAM).filter(kept_apart=False)


@dataclass
class Update:
    compared: int = 0
    joined: int = 0
    new_groups: int = 0


def update_groups(consultation: Consultation) -> Update:
    """Place each proposal of the consultation not compared yet (and whose vector is there: for the model, the
    stored ones only — this never embeds) in the kept groups. For the model, reads the stored vectors only:
    one new proposal among 10,000 is placed well within a second (BENCHMARKS.md)."""
    import numpy as np

    from . import similarity  # numpy and scikit-learn: loaded where groups are updated, not by every page

    using = similarity.backend()
    with transaction.atomic():
        # One update at a time per consultation (the workers' tasks and the secretary's button); SQLite (the
        # demo) takes one writer at a time anyway.
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, consultation.pk])
        # Nothing waiting (one query): the consultation's texts and vectors are not read. When the workers fall
        # behind a busy intake, the first task places every proposal waiting, and the ones after it stop here.
        waiting = _grouped(consultation).filter(similar_group__isnull=True, compared_at__isnull=True)
        if using == similarity.MODEL:
            waiting = waiting.filter(vector__backend=similarity.MODEL)
        if not waiting.exists():
            return Update()
        rows = [
            (pk, group, compared, text, similarity.text_language(text, stated))  # the text's language, not the page's
            for pk, group, compared, text, stated in _grouped(consultation)
            .order_by("submitted_at", "pk")
            .values_list("pk", "similar_group_id", "compared_at", "text", "language")
        ]
        if using == similarity.MODEL:
            stored = dict(
                ProposalVector.objects.filter(
                    proposal__in=_grouped(consultation), backend=similarity.MODEL
                ).values_list("proposal_id", "vector")
            )
            rows = [row for row in rows if row[0] in stored]  # the others wait for their vector
            if not rows:
                return Update()
            vectors = similarity.centred(
                np.vstack([similarity.from_bytes(stored[row[0]]) for row in rows]), [row[4] for row in rows]
            )
        else:
            if not rows:
                return Update()
            vectors = similarity.ngram_vectors([row[3] for row in rows])
        to_place = [i for i, row in enumerate(rows) if row[1] is None and row[2] is None]
        if not to_place:
            return Update()
        groups = {g.pk: g for g in consultation.similar_groups.filter(split_at__isnull=True)}
        leader_of = {g.leader_id: g for g in groups.values()}
        # The leaders so far: those of the groups, and the proposals compared already that are in no group.
        leaders = [i for i, row in enumerate(rows) if row[0] in leader_of or (row[1] is None and row[2] is not None)]
        group_of_leader: dict[int, SimilarGroup | None] = {i: leader_of.get(rows[i][0]) for i in leaders}
        joined: dict[int, tuple[int, float]] = {}  # row → (leader row, cosine)
        # A threshold per pair of languages (settings.SIMILARITY_LANGUAGE_THRESHOLDS); a proposal joins the leader
        # it passes by the most.
        thresholds = similarity.language_thresholds(using)
        languages = np.array([row[4] for row in rows])
        leader_rows = np.empty(len(rows), dtype=np.int64)
        leader_rows[: len(leaders)] = leaders
        count = len(leaders)
        for start in range(0, len(to_place), similarity.BLOCK):
            block = to_place[start : start + similarity.BLOCK]
            # Only the leaders' columns are read: those so far, then the block's own proposals (which may lead).
            before = count
            columns = np.concatenate([leader_rows[:before], np.asarray(block, dtype=np.int64)])
            product = vectors[block] @ vectors[columns].T
            scores = product.toarray() if hasattr(product, "toarray") else np.asarray(product)
            column_of = np.empty(len(rows), dtype=np.int64)  # a leader's column in `scores`
            column_of[leader_rows[:before]] = np.arange(before)
            column_of[block] = before + np.arange(len(block))
            for offset, i in enumerate(block):
                if count:
                    candidates = leader_rows[:count]
                    cosines = scores[offset, column_of[candidates]]
                    same = thresholds.get(rows[i][4], thresholds["across"])
                    margins = cosines - np.where(languages[candidates] == rows[i][4], same, thresholds["across"])
                    best = int(np.argmax(margins))
                    if margins[best] >= 0:
                        joined[i] = (int(candidates[best]), float(cosines[best]))
                        continue
                leader_rows[count] = i
                count += 1
                group_of_leader[i] = None

        now = timezone.now()
        new_leaders = sorted({leader for leader, _score in joined.values() if group_of_leader[leader] is None})
        number = (consultation.similar_groups.aggregate(last=Max("number"))["last"] or 0) + 1
        created = SimilarGroup.objects.bulk_create(
            [
                SimilarGroup(consultation=consultation, number=number + n, leader_id=rows[i][0], created_at=now)
                for n, i in enumerate(new_leaders)
            ]
        )
        for i, made in zip(new_leaders, created, strict=True):
            group_of_leader[i] = made
            groups[made.pk] = made

        changed: dict[int, Proposal] = {}
        for i in to_place:
            changed[i] = Proposal(pk=rows[i][0], compared_at=now, similar_group_id=None, similarity=None)
        for i in new_leaders:
            changed[i] = Proposal(
                pk=rows[i][0], compared_at=rows[i][2] or now, similar_group_id=group_of_leader[i].pk, similarity=1.0
            )
        for i, (leader, score) in joined.items():
            changed[i] = Proposal(
                pk=rows[i][0], compared_at=now, similar_group_id=group_of_leader[leader].pk, similarity=round(score, 4)
            )
        Proposal.objects.bulk_update(list(changed.values()), ["compared_at", "similar_group", "similarity"])

        touched = {group_of_leader[leader].pk for leader, _score in joined.values()}
        _refresh_key_words([groups[pk] for pk in touched], rows, changed)
        return Update(compared=len(to_place), joined=len(joined), new_groups=len(created))


def _refresh_key_words(touched: list[SimilarGroup], rows, changed: dict[int, Proposal]) -> None:
    """The key words of the groups whose members changed, in Kazakh and in Russian, within the consultation's
    texts (one fit for all of them)."""
    from . import similarity

    if not touched:
        return
    group_of_row = {row[0]: (changed[i].similar_group_id if i in changed else row[1]) for i, row in enumerate(rows)}
    words = similarity.KeyWords([row[3] for row in rows])
    for made in touched:
        members = [row for row in rows if group_of_row[row[0]] == made.pk]
        made.key_words = {
            language: words.of([row[3] for row in members if row[4] == language], count=6)
            for language in Proposal.Language.values
        }
    SimilarGroup.objects.bulk_update(touched, ["key_words"])


def place_new(proposal_id: int) -> Update | None:
    """The task's second half: once a proposal's vector is stored, place it (and any other waiting) in its
    consultation's groups, while the consultation's proposals are still being worked on."""
    consultation = Consultation.objects.filter(proposals__pk=proposal_id).first()
    if consultation is None or consultation.state in (State.POSITION_PUBLISHED, State.CANCELLED):
        return None
    return update_groups(consultation)


# ---------------------------------------------------------------------------------------------------------
# What the pages show


@dataclass
class Status:
    last_updated: object  # a datetime, or None: never compared
    waiting: int  # proposals not compared yet


def status(consultation: Consultation) -> Status:
    """When the groups were last updated and how many proposals wait to be compared, in one query."""
    figures = _grouped(consultation).aggregate(
        last=Max("compared_at"), waiting=Count("pk", filter=Q(compared_at__isnull=True))
    )
    return Status(figures["last"], figures["waiting"])


def groups_of(consultation: Consultation) -> QuerySet[SimilarGroup]:
    """The consultation's groups of two or more, largest first (then in the order they were made), with their
    `size` and leader; `with_members` reads the proposals of those a page shows."""
    return (
        consultation.similar_groups.filter(split_at__isnull=True)
        .annotate(size=Count("members"))
        .filter(size__gte=2)
        .select_related("leader")
        .order_by("-size", "number")
    )


def with_members(groups) -> list[SimilarGroup]:
    """`groups`, each with `listed` (its proposals, the leader first then by score) and `others` (all but the
    leader): one query however many groups."""
    groups = list(groups)
    members: dict[int, list[Proposal]] = {g.pk: [] for g in groups}
    for proposal in (
        Proposal.objects.filter(similar_group__in=groups)
        .select_related("duplicate_of")
        .defer("contact")
        .order_by("-similarity", "submitted_at", "pk")
    ):
        members[proposal.similar_group_id].append(proposal)
    for made in groups:
        made.listed = members[made.pk]
        made.others = [p for p in made.listed if p.pk != made.leader_id]
    return groups


# ---------------------------------------------------------------------------------------------------------
# What the secretary does with a group


def _locked_group(group: SimilarGroup, by) -> SimilarGroup:
    locked = SimilarGroup.objects.select_for_update().select_related("consultation__schedule__council").get(pk=group.pk)
    if not can_act(by, locked.consultation.schedule.council):
        raise ActionRefused(_("Only the council's secretary or chair may do this."))
    if locked.is_split:
        raise ActionRefused(
            _("Group %(number)s was split: its proposals are no longer together.") % {"number": locked.number}
        )
    return locked


def _members(group: SimilarGroup) -> list[Proposal]:
    return list(group.members.order_by("submitted_at", "pk"))


@transaction.atomic
def include_group(group: SimilarGroup, *, by) -> int:
    """Step 5: every proposal of the group not sorted yet goes into the list; those sorted stay as they are."""
    locked = _locked_group(group, by)
    return services.include_in_list([p for p in _members(locked) if p.is_new], by=by)


@transaction.atomic
def set_aside_duplicates(group: SimilarGroup, *, by) -> tuple[int, int]:
    """Step 5: the group's representative goes into the list (unless sorted already) and the others, not set aside
    yet, are set aside as its duplicates. (Whether the representative was included now, the number set aside.)"""
    locked = _locked_group(group, by)
    members = _members(locked)
    leader = next((p for p in members if p.pk == locked.leader_id), None)
    if leader is None or leader.is_set_aside:
        raise ActionRefused(_("The group's representative is not included: choose what to do with each proposal."))
    included = services.include_in_list([leader], by=by) if leader.is_new else 0
    others = [p for p in members if p.pk != leader.pk and not p.is_set_aside]
    set_aside = services.set_aside(others, by=by, reason=DUPLICATE, duplicate_of=leader) if others else 0
    return included, set_aside


@transaction.atomic
def decide_group(group: SimilarGroup, *, by, decision: str, reasons_kk: str, reasons_ru: str) -> int:
    """One decision with its reasons for each proposal of the group in the list: each keeps its own row, its own
    answer, and a trace in its history of the group it was decided with. Those decided so already are left (a
    second click changes nothing). The number decided."""
    locked = _locked_group(group, by)
    members = _members(locked)
    listed = [
        p
        for p in members
        if p.is_listed
        and not (
            p.decision == decision
            and p.decision_reasons_kk == reasons_kk.strip()
            and p.decision_reasons_ru == reasons_ru.strip()
        )
    ]
    if not any(p.is_listed for p in members):
        raise ActionRefused(_("No proposal of this group is in the list."))
    if not listed:
        return 0
    others = len(members) - 1
    trace = ngettext(
        "Decided with group %(number)s (%(reference)s and %(others)s other).",
        "Decided with group %(number)s (%(reference)s and %(others)s others).",
        others,
    ) % {"number": locked.number, "reference": locked.leader.reference, "others": others}
    return services.decide(listed, by=by, decision=decision, reasons_kk=reasons_kk, reasons_ru=reasons_ru, note=trace)


def _check_can_change(locked: SimilarGroup) -> None:
    if locked.consultation.state not in GROUPING_STATES:
        raise ActionRefused(_("Groups are changed until the position is published."))


@transaction.atomic
def split_group(group: SimilarGroup, *, by) -> int:
    """One action: the group is no more; its proposals but the representative are kept apart (never grouped by
    the portal again), the representative stays, alone, for the proposals still to come. The number taken out."""
    locked = _locked_group(group, by)
    _check_can_change(locked)
    members = _members(locked)
    locked.members.exclude(pk=locked.leader_id).update(similar_group=None, similarity=None, kept_apart=True)
    locked.members.update(similar_group=None, similarity=None)
    locked.split_at = timezone.now()
    locked.save(update_fields=["split_at"])
    note = gettext("Group %(number)s was split.") % {"number": locked.number}
    _record_kept_apart([p for p in members if p.pk != locked.leader_id], by=by, note=note)
    return len(members) - 1


def _record_kept_apart(proposals: list[Proposal], *, by, note: str) -> None:
    """The trace in each proposal's history: the secretary said it does not belong with the group."""
    ProposalEvent.objects.bulk_create(
        [ProposalEvent(proposal=p, action=ProposalEvent.Action.KEPT_APART, by=by, note=note) for p in proposals]
    )


@transaction.atomic
def take_out(group: SimilarGroup, proposal: Proposal, *, by) -> bool:
    """A proposal that does not belong is taken out of the group and kept apart; a group left alone with its
    representative is split. Whether it was in the group (a second click finds it out already)."""
    locked = _locked_group(group, by)
    _check_can_change(locked)
    if proposal.pk == locked.leader_id:
        raise ActionRefused(_("The representative leads the group: split the group instead."))
    if not locked.members.filter(pk=proposal.pk).update(similar_group=None, similarity=None, kept_apart=True):
        return False
    note = gettext("Taken out of group %(number)s.") % {"number": locked.number}
    _record_kept_apart([proposal], by=by, note=note)
    if not locked.members.exclude(pk=locked.leader_id).exists():
        locked.members.update(similar_group=None, similarity=None)
        locked.split_at = timezone.now()
        locked.save(update_fields=["split_at"])
    return True


# ---------------------------------------------------------------------------------------------------------
# The secretary's button


def missing_vectors(consultation: Consultation) -> list[Proposal]:
    """For the model: the proposals to compare that have no stored vector yet, oldest first."""
    from . import similarity

    if similarity.backend() != similarity.MODEL:
        return []
    return list(
        _grouped(consultation)
        .filter(compared_at__isnull=True)
        .exclude(vector__backend=similarity.MODEL)
        .order_by("submitted_at", "pk")
        .only("pk", "text")
    )


def find_similar(consultation: Consultation, *, by) -> tuple[Update, int]:
    """The secretary asks for the groups now: the missing vectors are computed here when they are few (or when
    there are no workers: the demo), else queued for the workers, who place each as it comes; the proposals with
    their vector are placed now. (What was placed, how many wait for the workers.)"""
    from . import similarity

    if not can_act(by, consultation.schedule.council):
        raise ActionRefused(_("Only the council's secretary or chair may do this."))
    if consultation.state not in GROUPING_STATES:
        raise ActionRefused(
            _("Similar proposals are looked for from the consultation until the position is published.")
        )
    missing = missing_vectors(consultation)
    queued = 0
    if len(missing) <= INLINE_VECTORS or settings.CELERY_TASK_ALWAYS_EAGER:
        similarity.store_vectors(missing)
    else:
        similarity.store_vectors(missing[:INLINE_VECTORS])
        for proposal in missing[INLINE_VECTORS:]:
            services.queue_vector(proposal.pk)
        queued = len(missing) - INLINE_VECTORS
    return update_groups(consultation), queued
