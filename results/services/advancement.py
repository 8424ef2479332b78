"""Advancement (晋级): works of a frozen round's snapshot sent to a later round of the contest.

Rules: the best N works, the best N % of works (floor, at least one when N > 0), or the works
reaching a score. N and N % apply within each pool (or over the whole round). Ties are never
split: every work sharing the rank at the cut-off goes through and is flagged, so the count may
exceed N. The preview and the apply share `advancement_plan`; applying replaces the target
round's works through judging.services.rounds.round_set_works.
"""

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from contest.errors import Conflict, ValidationFailed
from contest.models import User, Work
from judging.models import Round
from judging.services.rounds import round_set_works
from results.models import Advancement, ResultSnapshot, SnapshotEntry

RULES = Advancement.Rule
TARGET_STATES = (Round.State.DRAFT, Round.State.ASSIGNING)


@dataclass
class PoolCut:
    """One pool's cut: how many works advance, the last rank and score taken, and how many
    works tie at that rank (all taken)."""

    key: str
    name: str
    size: int
    count: int
    cutoff_rank: int | None
    cutoff_score: Decimal | None
    tied: int


@dataclass
class AdvancementPlan:
    rule: str
    value: Decimal
    per_pool: bool
    pools: list[PoolCut]
    work_ids: list[int]
    tied_ids: set[int]

    @property
    def count(self) -> int:
        return len(self.work_ids)

    def detail(self) -> dict:
        return {
            p.key: {
                "name": p.name,
                "count": p.count,
                "size": p.size,
                "cutoff_rank": p.cutoff_rank,
                "cutoff_score": None if p.cutoff_score is None else str(p.cutoff_score),
                "tied": p.tied,
            }
            for p in self.pools
        }


def check_rule(rule: str, value) -> Decimal:
    """The rule's value as a Decimal, or a ValidationFailed naming the bad field."""
    if rule not in RULES.values:
        raise ValidationFailed(fields={"rule": [_("Choose a rule.")]})
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise ValidationFailed(fields={"value": [_("Enter a number of at least 0.")]})
    if rule == RULES.TOP_N and number != number.to_integral_value():
        raise ValidationFailed(fields={"value": [_("Enter a whole number of works.")]})
    if rule == RULES.TOP_PERCENT and number > 100:
        raise ValidationFailed(fields={"value": [_("Enter a percentage up to 100.")]})
    return number


def _take(entries: list[tuple], rule: str, value: Decimal) -> tuple[int, int]:
    """How many of the rank-ordered (work, rank, score) entries advance, and the number
    wanted before ties are added."""
    if rule == RULES.THRESHOLD:
        taken = sum(1 for _w, _r, score in entries if score is not None and score >= value)
        return taken, taken
    wanted = int(value) if rule == RULES.TOP_N else math.floor(len(entries) * value / 100)
    if rule == RULES.TOP_PERCENT and value > 0:
        wanted = max(wanted, 1)
    wanted = min(wanted, len(entries))
    if wanted == 0:
        return 0, 0
    last_rank = entries[wanted - 1][1]
    taken = wanted
    while taken < len(entries) and entries[taken][1] == last_rank:
        taken += 1  # the whole tie at the cut-off goes through
    return taken, wanted


def _cut(key: str, name: str, entries: list[tuple], rule: str, value: Decimal) -> PoolCut:
    taken, _wanted = _take(entries, rule, value)
    last = entries[taken - 1] if taken else None
    # A threshold splits no tie (equal scores fall on the same side): nothing to flag.
    tied = 0
    if last and rule != RULES.THRESHOLD:
        tied = sum(1 for e in entries[:taken] if e[1] == last[1])
    return PoolCut(
        key=key,
        name=name,
        size=len(entries),
        count=taken,
        cutoff_rank=last[1] if last else None,
        cutoff_score=last[2] if last else None,
        tied=tied if tied > 1 else 0,
    )


def _ranked(snapshot: ResultSnapshot, per_pool: bool) -> dict[str, list[tuple]]:
    """Entries (work, rank, score) per pool key in rank order; one group "all" ranked by score
    (competition ranking across pools) when not per pool."""
    rows = (
        SnapshotEntry.objects.filter(snapshot=snapshot)
        .order_by("pool_key", "rank", "work_id")
        .values_list("pool_key", "work_id", "rank", "score")
    )
    groups: dict[str, list[tuple]] = {}
    if per_pool:
        for key, work, rank, score in rows:
            groups.setdefault(key, []).append((work, rank, score))
        return groups
    ordered = sorted(rows, key=lambda r: (r[3] is None, -(r[3] or 0), r[1]))
    out, previous = [], None
    for position, (_key, work, _rank, score) in enumerate(ordered, start=1):
        rank = out[-1][1] if out and score == previous else position
        out.append((work, rank, score))
        previous = score
    return {"all": out}


def advancement_plan(
    *, snapshot: ResultSnapshot, rule: str, value, per_pool: bool = True
) -> AdvancementPlan:
    """Which works would advance, per pool, with the cut-offs and ties (no writes)."""
    number = check_rule(rule, value)
    names = {p["key"]: p["name"] for p in snapshot.params.get("pools", [])}
    names["all"] = _("All works")
    pools, work_ids, tied_ids = [], [], set()
    for key, entries in _ranked(snapshot, per_pool).items():
        cut = _cut(key, names.get(key, key), entries, rule, number)
        pools.append(cut)
        taken = entries[: cut.count]
        work_ids.extend(w for w, _r, _s in taken)
        if cut.tied:
            tied_ids.update(w for w, r, _s in taken if r == cut.cutoff_rank)
    order = {p["key"]: i for i, p in enumerate(snapshot.params.get("pools", []))}
    pools.sort(key=lambda p: order.get(p.key, -1))
    return AdvancementPlan(rule, number, per_pool, pools, work_ids, tied_ids)


def check_target(snapshot: ResultSnapshot, to_round: Round) -> None:
    source = snapshot.round
    if to_round.contest_id != source.contest_id or to_round.order <= source.order:
        raise ValidationFailed(fields={"to_round": [_("Choose a later round of this contest.")]})
    if to_round.state not in TARGET_STATES:
        raise Conflict(
            _("Works can only be sent to a round that is a draft or being assigned."),
            code="bad_state",
        )


@transaction.atomic
def advancement_apply(
    *,
    snapshot: ResultSnapshot,
    to_round: Round,
    rule: str,
    value,
    per_pool: bool = True,
    actor: User,
) -> Advancement:
    """Send the plan's works to ``to_round`` (replacing its works) and record it; a round
    receives one advancement, applying again replaces it."""
    to_round = Round.objects.select_for_update().get(pk=to_round.pk)
    check_target(snapshot, to_round)
    if not Round.objects.filter(pk=snapshot.round_id, state=Round.State.FROZEN).exists():
        raise Conflict(_("The results of this round are not frozen."), code="not_frozen")
    plan = advancement_plan(snapshot=snapshot, rule=rule, value=value, per_pool=per_pool)
    round_set_works(round=to_round, works=plan_works(snapshot, plan))
    Advancement.objects.filter(to_round=to_round).delete()
    return Advancement.objects.create(
        snapshot=snapshot,
        to_round=to_round,
        rule=plan.rule,
        value=plan.value,
        per_pool=plan.per_pool,
        count=plan.count,
        detail=plan.detail(),
        created_by=actor,
    )


def plan_works(snapshot: ResultSnapshot, plan: AdvancementPlan):
    """The plan's works as a query over the snapshot's entries (rank ≤ each pool's cut-off),
    so that no list of tens of thousands of ids goes into SQL."""
    taken = [p for p in plan.pools if p.count]
    if not plan.per_pool:
        cut = taken[0] if taken else None
        if cut is None:
            chosen = Q(pk__in=[])
        elif cut.count == cut.size or cut.cutoff_score is None:
            chosen = Q()
        else:
            chosen = Q(score__gte=cut.cutoff_score)
    else:
        chosen = Q(pk__in=[])
        for cut in taken:
            chosen |= Q(pool_key=cut.key, rank__lte=cut.cutoff_rank)
    entries = SnapshotEntry.objects.filter(snapshot=snapshot).filter(chosen)
    return Work.objects.filter(pk__in=entries.values("work_id"))


def target_rounds(snapshot: ResultSnapshot):
    """The rounds of the contest the snapshot's works may be sent to."""
    return Round.objects.filter(
        contest_id=snapshot.round.contest_id,
        order__gt=snapshot.round.order,
        state__in=TARGET_STATES,
    ).order_by("order", "pk")
