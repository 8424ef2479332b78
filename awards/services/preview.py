"""The awards a scheme gives on its frozen snapshot, computed and written nowhere (the preview).

Order of allocation, each step seeing the decisions of the previous ones:

1. Top prizes: all works with a final score, across pools, by score alone (competition ranking),
   the prizes' counts in order (judging.scoring.allocate_tiers with counts).
2. Pool tiers: per pool (SnapshotEntry.pool_key) by the snapshot's rank (its tie-breaks apply),
   with the scheme's mode; a tier's per-pool value replaces its own there. Works holding a top prize
   leave their pool first unless the scheme keeps their tier; percentages then apply to the rest.
3. Organisation award: points by the formula on `AwardScheme`, on the result of 1 and 2.

Works (or institutions) tied across a cut-off are all kept in the better prize and flagged; a
recorded `TieDecision` for a flagged one replaces the proposal (``decided``); decisions older than
the snapshot (taken on results since unfrozen) are ignored. Works without a final score, and
works withdrawn or disqualified since the snapshot was frozen, get nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
from django.db.models import Count

from awards.models import AwardScheme, Kind, TieDecision
from awards.selectors.schemes import snapshot_of
from contest.models import Work
from judging.scoring import allocate_tiers, competition_rank
from results.models import ResultSnapshot, SnapshotEntry

GONE = (Work.Status.WITHDRAWN, Work.Status.DISQUALIFIED)
MODE_ARG = {
    AwardScheme.Mode.COUNT: "counts",
    AwardScheme.Mode.PERCENT: "percents",
    AwardScheme.Mode.CUTOFF: "cutoffs",
}


@dataclass
class Line:
    """One proposed award. ``prize`` is a tier id, a top prize id, or None (organisation)."""

    kind: str
    prize: int | None
    work: int | None = None
    institution: int | None = None
    pool_key: str = ""
    rank: int | None = None
    score: Decimal | None = None
    tie_at_cutoff: bool = False
    decided: bool = False
    reason: str = ""


@dataclass
class Tie:
    """A work or institution flagged at a cut-off, what was proposed and what was decided."""

    kind: str
    proposed: int | None
    work: int | None = None
    institution: int | None = None
    pool_key: str = ""
    rank: int | None = None
    score: Decimal | None = None
    decision: TieDecision | None = None


@dataclass
class Pool:
    key: str
    name: str
    size: int
    counts: dict[int, int] = field(default_factory=dict)


@dataclass
class Institution:
    id: int
    entries: int
    points: Decimal
    rank: int | None = None
    awarded: bool = False


@dataclass
class Preview:
    scheme: AwardScheme
    snapshot: ResultSnapshot
    lines: list[Line]
    ties: list[Tie]
    pools: list[Pool]
    institutions: list[Institution]

    @property
    def undecided(self) -> list[Tie]:
        return [t for t in self.ties if t.decision is None]


def _entries(snapshot: ResultSnapshot) -> pd.DataFrame:
    rows = (
        SnapshotEntry.objects.filter(snapshot=snapshot, score__isnull=False)
        .exclude(work__status__in=GONE)
        .values_list("work_id", "pool_key", "rank", "score", "work__entrant__institution_id")
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["work", "pool", "rank", "exact", "institution"]
    )
    frame["score"] = frame["exact"].astype(float)
    return frame


def _decisions(scheme: AwardScheme, snapshot: ResultSnapshot) -> dict[tuple, TieDecision]:
    out = {}
    current = TieDecision.objects.filter(scheme=scheme, decided_at__gte=snapshot.created_at)
    for decision in current:
        out[(decision.kind, decision.work_id or decision.institution_id)] = decision
    return out


def _allocate(ranked, kind, spec_arg, spec, decisions, *, prize_of_decision):
    """Lines and ties for one allocation; `prize_of_decision` reads a decision's prize."""
    if ranked.empty or not spec:
        return [], []
    out = allocate_tiers(ranked, **{spec_arg: spec})
    lines, ties = [], []
    for row in out[out["tier"].notna()].itertuples(index=False):
        prize = int(row.tier)
        subject = {"work": int(row.work)} if kind != Kind.ORGANISATION else {}
        subject["institution"] = None if kind != Kind.ORGANISATION else int(row.institution)
        place = {"pool_key": getattr(row, "pool", ""), "rank": int(row.rank), "score": row.exact}
        decided, reason = False, ""
        if row.tie_at_cutoff:
            decision = decisions.get((kind, subject.get("work") or subject["institution"]))
            ties.append(Tie(kind, prize, decision=decision, **subject, **place))
            if decision is not None:
                prize, decided, reason = prize_of_decision(decision), True, decision.reason
                if prize is None:
                    continue
        lines.append(
            Line(
                kind,
                prize,
                tie_at_cutoff=bool(row.tie_at_cutoff),
                decided=decided,
                reason=reason,
                **subject,
                **place,
            )
        )
    return lines, ties


def _top_prizes(scheme, frame, decisions):
    prizes = list(scheme.top_prizes.all())
    if frame.empty or not prizes:
        return [], []
    ranked = competition_rank(frame.drop(columns=["rank"]).reset_index(drop=True))
    spec = [(str(p.pk), p.count) for p in prizes]
    return _allocate(
        ranked,
        Kind.TOP_PRIZE,
        "counts",
        spec,
        decisions,
        prize_of_decision=lambda d: d.top_prize_id,
    )


def _pool_tiers(scheme, frame, decisions, pools):
    tiers = list(scheme.tiers.all())
    lines, ties = [], []
    for key, group in frame.groupby("pool", sort=False):
        pools[key].size = len(group)
        spec = []
        for tier in tiers:
            per_pool = {p.pool_key: p.value for p in tier.pool_values.all()}
            spec.append((str(tier.pk), float(per_pool.get(key, tier.value))))
        more_lines, more_ties = _allocate(
            group.reset_index(drop=True),
            Kind.TIER,
            MODE_ARG[scheme.mode],
            spec,
            decisions,
            prize_of_decision=lambda d: d.tier_id,
        )
        lines += more_lines
        ties += more_ties
    return lines, ties


def _institution_points(scheme, frame, lines) -> dict[int, Institution]:
    """Points of every institution: entries × a + Σ prize points of its works' awards."""
    entries = (
        Work.objects.filter(
            contest_id=scheme.contest_id,
            status=Work.Status.ACCEPTED,
            entrant__institution__isnull=False,
        )
        .values_list("entrant__institution_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    out = {inst: Institution(inst, n, scheme.org_entry_points * n) for inst, n in entries}
    points = {("tier", t.pk): t.points for t in scheme.tiers.all()}
    points |= {("top_prize", p.pk): p.points for p in scheme.top_prizes.all()}
    institution_of = dict(zip(frame["work"], frame["institution"], strict=True))
    for line in lines:
        inst = institution_of.get(line.work)
        if inst is None or pd.isna(inst):
            continue
        inst = int(inst)
        out.setdefault(inst, Institution(inst, 0, Decimal(0)))
        out[inst].points += points[(line.kind, line.prize)]
    return out


def _organisation(scheme, frame, lines, decisions):
    institutions = _institution_points(scheme, frame, lines)
    if not scheme.org_award_name:
        return [], [], list(institutions.values())
    rows = [(i.id, float(i.points), i.points) for i in institutions.values() if i.points > 0]
    ranked = competition_rank(
        pd.DataFrame.from_records(rows, columns=["institution", "score", "exact"])
    )
    for row in ranked.itertuples(index=False):
        institutions[int(row.institution)].rank = int(row.rank)
    if scheme.org_min_points is not None:
        ranked = ranked[ranked["exact"] >= scheme.org_min_points]
    count = scheme.org_top_count if scheme.org_top_count is not None else len(ranked)
    org_lines, ties = _allocate(
        ranked,
        Kind.ORGANISATION,
        "counts",
        [("0", count)],
        decisions,
        prize_of_decision=lambda d: 0 if d.awarded else None,
    )
    for line in org_lines:
        line.prize = None
        institutions[line.institution].awarded = True
    for tie in ties:
        tie.proposed = None
    listed = sorted(institutions.values(), key=lambda i: (i.rank is None, i.rank or 0, i.id))
    return org_lines, ties, listed


def _pools(snapshot: ResultSnapshot, frame: pd.DataFrame) -> dict[str, Pool]:
    names = {p.get("key"): p.get("name", "") for p in snapshot.params.get("pools", [])}
    keys = list(names) + sorted(set(frame["pool"]) - set(names))
    return {key: Pool(key, names.get(key) or key, 0) for key in keys}


def awards_preview(*, scheme: AwardScheme) -> Preview:
    """Compute the scheme's awards on its snapshot (NotFound / Conflict without one)."""
    snapshot = snapshot_of(scheme)
    frame = _entries(snapshot)
    decisions = _decisions(scheme, snapshot)
    pools = _pools(snapshot, frame)
    top_lines, top_ties = _top_prizes(scheme, frame, decisions)
    rest = frame
    if top_lines and not scheme.top_prizes_keep_tier:
        rest = frame[~frame["work"].isin({line.work for line in top_lines})]
    tier_lines, tier_ties = _pool_tiers(scheme, rest, decisions, pools)
    for key, group in frame.groupby("pool", sort=False):
        pools[key].size = len(group)
    counts: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for line in tier_lines:
        counts[line.pool_key][line.prize] += 1
    for key, pool in pools.items():
        pool.counts = dict(counts[key])
    org_lines, org_ties, institutions = _organisation(
        scheme, frame, top_lines + tier_lines, decisions
    )
    return Preview(
        scheme=scheme,
        snapshot=snapshot,
        lines=top_lines + tier_lines + org_lines,
        ties=top_ties + tier_ties + org_ties,
        pools=list(pools.values()),
        institutions=institutions,
    )
