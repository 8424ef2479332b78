"""Boundary re-review (DESIGN.md §6): before the awards are decided, find the works whose score is
uncertain near an award cut-off and ask for extra judges on them.

For each pool the round's current scores (results' `round_scores`, the chosen method) are
allocated to the tiers of the contest's award scheme (or tiers the organiser enters: `TierSpec`),
the score line under each tier is the midpoint between the lowest score inside and the highest
below, and a work is uncertain when its score lies within margin × its standard error of a line
(judging.scoring.boundary: the SE of the work's counted totals after the judge effects the chosen
method removes, its spread pooled with the round's within-work spread). Top prizes are not
considered: they go to a handful of works far above the lines.

Applying asks for `count` more judges on the chosen works through the incremental assignment
(judging.services.assignment.extra_judges_add); the round must be open, so a closed round is
reopened first — which the round allows only while its closing time is later than now.
"""

import logging
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import AwardScheme
from awards.selectors.schemes import scheme_of
from awards.services.schemes import check_tiers
from contest.errors import Conflict, ValidationFailed
from contest.models import User, Work
from judging.models import Round
from judging.scoring import allocate_tiers, competition_rank
from judging.scoring.boundary import (
    adjusted_totals,
    tier_cutoffs,
    uncertain_works,
    work_standard_errors,
)
from judging.services.assignment import ApplyResult, PlanPreview, extra_judges_add
from judging.services.assignment import extra_judges_preview as engine_preview
from results.services.aggregation import load_inputs, scores_from

logger = logging.getLogger(__name__)
MODE_ARG = {
    AwardScheme.Mode.COUNT: "counts",
    AwardScheme.Mode.PERCENT: "percents",
    AwardScheme.Mode.CUTOFF: "cutoffs",
}
MAX_MARGIN = Decimal(5)
MAX_EXTRA = 5


@dataclass
class TierSpec:
    """Tiers best first as (name, value) with per-pool values {pool_key: {name: value}}; the
    value reads by ``mode`` as in AwardScheme. ``source``: "scheme" or "entered"."""

    mode: str
    tiers: list[tuple[str, float]]
    per_pool: dict[str, dict[str, float]] = field(default_factory=dict)
    source: str = "scheme"

    def for_pool(self, key: str) -> list[tuple[str, float]]:
        own = self.per_pool.get(key, {})
        return [(name, own.get(name, value)) for name, value in self.tiers]


@dataclass
class Line:
    tier: str
    cutoff: float
    lowest_in: float | None  # lowest score in this tier or a better one
    highest_out: float | None  # highest score below


@dataclass
class UncertainWork:
    work_id: int
    code: str
    category: str
    score: float
    sheets: int
    se: float | None
    tier: str  # the tier whose line is nearest
    cutoff: float
    distance: float
    z: float | None


@dataclass
class PoolBoundary:
    key: str
    name: str
    works: int
    lines: list[Line]
    uncertain: list[UncertainWork]


@dataclass
class BoundaryReview:
    round: Round
    method: str
    margin: Decimal
    spec: TierSpec
    pools: list[PoolBoundary]

    @property
    def work_ids(self) -> list[int]:
        return sorted(w.work_id for pool in self.pools for w in pool.uncertain)


def scheme_spec(round_: Round) -> TierSpec | None:
    """The tiers of the contest's award scheme, or None when it has none."""
    scheme = scheme_of(round_.contest)
    if scheme is None or not scheme.tiers.all():
        return None
    tiers = list(scheme.tiers.all())
    per_pool: dict[str, dict[str, float]] = {}
    for tier in tiers:
        for value in tier.pool_values.all():
            per_pool.setdefault(value.pool_key, {})[tier.name] = float(value.value)
    return TierSpec(scheme.mode, [(t.name, float(t.value)) for t in tiers], per_pool)


def entered_spec(mode: str, values: list[Decimal]) -> TierSpec:
    """Tiers the organiser enters on the page: values best first, named "1", "2", …."""
    if mode not in MODE_ARG:
        raise ValidationFailed(fields={"mode": [_("Choose how the tiers are allocated.")]})
    if not values:
        raise ValidationFailed(fields={"values": [_("Give at least one tier.")]})
    named = [(str(i), value, {}) for i, value in enumerate(values, start=1)]
    try:
        check_tiers(mode, named)
    except ValidationFailed as exc:
        raise ValidationFailed(fields={"values": exc.fields.get("value", [exc.message])}) from exc
    return TierSpec(mode, [(n, float(v)) for n, v, _p in named], source="entered")


def _check_margin(margin: Decimal) -> None:
    if not (0 <= margin <= MAX_MARGIN):
        raise ValidationFailed(
            fields={"margin": [_("The margin lies between 0 and %(max)s.") % {"max": MAX_MARGIN}]}
        )


def _num(value) -> float | None:
    return None if pd.isna(value) or value == float("inf") else float(value)


def _given_lines(scores: pd.Series, tiers: list[tuple[str, float]]) -> pd.DataFrame:
    """With score cut-offs the organisers' minimal scores are the lines, even above every work."""
    rows = []
    for name, value in tiers:
        inside, outside = scores[scores >= value], scores[scores < value]
        rows.append(
            {
                "tier": name,
                "lowest_in": inside.min() if len(inside) else float("nan"),
                "highest_out": outside.max() if len(outside) else float("nan"),
                "cutoff": value,
            }
        )
    return pd.DataFrame(rows, columns=["tier", "lowest_in", "highest_out", "cutoff"])


def _pool(key: str, group: pd.DataFrame, spec: TierSpec, se: pd.Series, margin: float):
    tiers = spec.for_pool(key)
    if spec.mode == AwardScheme.Mode.CUTOFF:
        lines = _given_lines(group["score"], tiers)
    else:
        ranked = competition_rank(group[["score"]])
        allocated = allocate_tiers(ranked, **{MODE_ARG[spec.mode]: tiers})
        lines = tier_cutoffs(allocated, [name for name, _v in tiers])
    return lines, uncertain_works(group["score"], se, lines, margin)


def boundary_review(
    round_: Round, *, margin: Decimal = Decimal(1), spec: TierSpec | None = None
) -> BoundaryReview:
    """The cut-off lines and uncertain works of every pool. Raises Conflict when there is no
    tier to allocate (no scheme and nothing entered)."""
    _check_margin(margin)
    spec = spec or scheme_spec(round_)
    if spec is None:
        raise Conflict(
            _("The contest has no award tiers yet: enter them here or in the award scheme."),
            code="no_tiers",
        )
    inputs = load_inputs(round_)
    scores = scores_from(inputs).dropna(subset=["score"])
    method = scores.attrs.get("method", "mean")
    adjusted = adjusted_totals(inputs.counted, method, round_.calibration_min_sheets)
    se = work_standard_errors(adjusted)["se"]
    pools, found = [], []
    for key, group in scores.groupby("pool_key", sort=False):
        lines, near = _pool(key, group, spec, se, float(margin))
        pools.append((key, group, lines, near))
        found += list(near.index)
    labels = _labels(found)
    sheets = scores["sheets"]
    return BoundaryReview(
        round=round_,
        method=method,
        margin=margin,
        spec=spec,
        pools=[
            PoolBoundary(
                key=key,
                name=str(group["pool_name"].iloc[0]),
                works=len(group),
                lines=[_line(row) for row in lines.to_dict("records")],
                uncertain=[_uncertain(w, row, labels, sheets) for w, row in near.iterrows()],
            )
            for key, group, lines, near in pools
        ],
    )


def _line(row: dict) -> Line:
    return Line(
        tier=str(row["tier"]),
        cutoff=float(row["cutoff"]),
        lowest_in=_num(row["lowest_in"]),
        highest_out=_num(row["highest_out"]),
    )


def _labels(work_ids: list[int]) -> dict[int, tuple[str, str]]:
    rows = Work.objects.filter(pk__in=work_ids).values_list(
        "pk", "anonymous_code", "category__name"
    )
    return {pk: (code, category) for pk, code, category in rows}


def _uncertain(work_id, row, labels, sheets) -> UncertainWork:
    code, category = labels.get(int(work_id), ("", ""))
    return UncertainWork(
        work_id=int(work_id),
        code=code,
        category=category,
        score=float(row["score"]),
        sheets=int(sheets.get(work_id, 0)),
        se=_num(row["se"]),
        tier=str(row["tier"]),
        cutoff=float(row["cutoff"]),
        distance=float(row["distance"]),
        z=_num(row["z"]),
    )


def check_open(round_: Round) -> None:
    """Extra judges join only an open round; say how to get there from a closed one."""
    if round_.state == Round.State.OPEN:
        return
    if round_.state == Round.State.CLOSED and round_.closes_at > timezone.now():
        message = _(
            "The round is closed. Reopen it on the round's page (possible while its closing "
            "time is later than now), then add the judges."
        )
    elif round_.state == Round.State.CLOSED:
        message = _(
            "The round is closed and its closing time has passed, so it cannot reopen: extra "
            "judges can no longer be added."
        )
    else:
        message = _("Extra judges can be added only while the round is open.")
    raise Conflict(message, code="round_not_open")


def _check_count(count: int) -> None:
    if not (1 <= count <= MAX_EXTRA):
        raise ValidationFailed(
            fields={"count": [_("Ask for 1 to %(max)s more judges.") % {"max": MAX_EXTRA}]}
        )


def _check_works(work_ids: list[int]) -> list[int]:
    ids = sorted(set(work_ids))
    if not ids:
        raise ValidationFailed(fields={"works": [_("Choose at least one work.")]})
    return ids


def boundary_preview(*, round: Round, work_ids: list[int], count: int = 1) -> PlanPreview:
    """The added workload of asking `count` more judges on each work, nothing saved."""
    _check_count(count)
    return engine_preview(round=round, work_ids=_check_works(work_ids), count=count)


def boundary_apply(
    *, round: Round, work_ids: list[int], count: int = 1, actor: User | None
) -> ApplyResult:
    """Ask for `count` more judges on each work and staff them now (see module)."""
    _check_count(count)
    ids = _check_works(work_ids)
    check_open(round)
    result = extra_judges_add(round=round, work_ids=ids, count=count)
    logger.info(
        "round %s: boundary re-review by %s: %s works, %s more each: %s",
        round.pk,
        getattr(actor, "pk", None),
        len(ids),
        count,
        result,
    )
    return result
