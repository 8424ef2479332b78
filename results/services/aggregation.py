"""A round's scores per work: every aggregation method side by side, the criterion means, the
sheet counts and the pool each work is ranked in (DESIGN.md §6).

`load_inputs` reads everything that counts in a few set-based queries; `scores_from` is the
computation over those inputs (no queries), so that freezing and reproducing share it and the
snapshot's input hash is taken over exactly what was computed on.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from contest.models import Work
from judging.models import Round, RoundWork
from judging.scoring import (
    METHODS,
    all_methods,
    competition_rank,
    judge_bias_model,
    recommendation,
)
from judging.scoring.aggregate import clean
from results.models import RankingSettings
from results.selectors.frames import (
    case_inputs,
    counted_from,
    read_frame,
    submitted_scores,
    submitted_sheets,
)
from results.selectors.ranking import PoolRef, category_pools, ranking_settings

CRITERION_PREFIX = "criterion_"


@dataclass
class RoundInputs:
    """Everything a round's results are computed from. Frames are long (one row per sheet or
    per score); ``criteria`` is [(id, name, weight)] in the rubric's order."""

    round: Round
    works: pd.DataFrame  # work, category
    totals: pd.DataFrame  # work, judge, total
    scores: pd.DataFrame  # work, judge, criterion, value
    divergent: set[int]
    arbitrated: dict[int, tuple[int, float]]
    criteria: list[tuple[int, str, float]]
    pools: dict[int, PoolRef]
    settings: RankingSettings
    counted: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.counted = counted_from(
            self.totals, self.round.final_rule, self.divergent, self.arbitrated
        )


def round_works(round_: Round) -> QuerySet:
    """The works a round ranks: its works still accepted (withdrawn or disqualified ones drop)."""
    return (
        RoundWork.objects.filter(round=round_, work__status=Work.Status.ACCEPTED)
        .values_list("work_id", "work__category_id")
        .order_by()
    )


def load_inputs(round_: Round) -> RoundInputs:
    """Read a round's inputs: works, submitted totals and scores, case decisions, criteria,
    pools and ranking settings."""
    works = read_frame(
        round_works(round_), ["work", "category"], {"work": "int64", "category": "int64"}
    )
    divergent, arbitrated = case_inputs(round_)
    criteria = [
        (pk, name, float(weight))
        for pk, name, weight in round_.rubric.criteria.order_by("order", "pk").values_list(
            "pk", "name", "weight"
        )
    ]
    sheets = submitted_sheets(round_)
    return RoundInputs(
        round=round_,
        works=works.sort_values("work").reset_index(drop=True),
        totals=sheets[["work", "judge", "total"]],
        scores=submitted_scores(round_, sheets),
        divergent=divergent,
        arbitrated=arbitrated,
        criteria=criteria,
        pools=category_pools(round_),
        settings=ranking_settings(round_),
    )


def criterion_means(inputs: RoundInputs) -> pd.DataFrame:
    """Mean weighted points (value × weight) per work and criterion over the counted sheets;
    columns ``criterion_<id>`` in the rubric's order, indexed by work."""
    ids = [pk for pk, _name, _weight in inputs.criteria]
    columns = [f"{CRITERION_PREFIX}{pk}" for pk in ids]
    scores = inputs.scores
    if scores.empty or not ids:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="work"), dtype=float)
    special = inputs.divergent | set(inputs.arbitrated)
    if special:
        # Only divergent works may have sheets that do not count.
        counted = inputs.counted.loc[inputs.counted["judge"] > 0, ["work", "judge"]]
        is_special = scores["work"].isin(list(special))
        kept = scores[is_special].merge(counted, on=["work", "judge"])
        scores = pd.concat([scores[~is_special], kept], ignore_index=True)
    return _means_by_bincount(inputs.works["work"].to_numpy(), scores, inputs.criteria, columns)


def _means_by_bincount(works, scores: pd.DataFrame, criteria, columns: list[str]) -> pd.DataFrame:
    """Per (work, criterion) means of value × weight in one bincount (no pandas groupby over
    millions of rows). ``works`` sorted; scores of other works or criteria are ignored."""
    ids = [pk for pk, _n, _w in criteria]
    weights = np.array([w for _pk, _n, w in criteria], dtype=float)
    crit = pd.Index(ids).get_indexer(scores["criterion"].to_numpy())
    pos = np.searchsorted(works, scores["work"].to_numpy()).clip(max=max(len(works) - 1, 0))
    values = scores["value"].to_numpy(dtype=float)
    ok = (crit >= 0) & np.isfinite(values)
    if len(works):
        ok &= works[pos] == scores["work"].to_numpy()
    key = pos[ok] * len(ids) + crit[ok]
    size = len(works) * len(ids)
    sums = np.bincount(key, weights=values[ok] * weights[crit[ok]], minlength=size)
    counts = np.bincount(key, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return pd.DataFrame(
        means.reshape(len(works), len(ids)), index=pd.Index(works, name="work"), columns=columns
    )


# The recommendation's reason, worded for the reader (codes from judging.scoring.recommendation).
REASONS = {
    "no_sheets": _("There are no submitted sheets yet."),
    "one_judge": _("Only one judge has scored: there is nothing to calibrate against."),
    "all_equal": _("Every total is the same."),
    "levels_close": _(
        "The judges' levels differ by %(gap).2f points, less than %(threshold)s × the spread "
        "of all totals (%(spread).2f): the plain mean is fair."
    ),
    "bias_model": _(
        "The judges' levels differ by %(gap).2f points and every work was scored by at least "
        "two judges in one connected design: the judge-bias model separates a judge's level "
        "from the works they happened to see."
    ),
    "zscore": _(
        "The judges' means differ by %(gap).2f points and every judge has at least "
        "%(min_sheets)s sheets: z-score calibration evens out their levels and scales."
    ),
    "not_enough": _(
        "The judges' levels differ by %(gap).2f points, but the design is not connected and "
        "some judges have fewer than %(min_sheets)s sheets: too little data to correct, so the "
        "plain mean."
    ),
}


def reason_text(code: str, values: dict) -> str:
    return str(REASONS[code]) % values


def chosen_method(settings: RankingSettings, recommended: str) -> str:
    return settings.method or recommended


def scores_from(inputs: RoundInputs) -> pd.DataFrame:
    """The per-work frame (see `round_scores`) computed from loaded inputs."""
    counted = inputs.counted
    min_sheets = inputs.round.calibration_min_sheets
    counted = clean(counted)
    fit = judge_bias_model(counted)  # once, for the method and for the recommendation
    methods = all_methods(counted, min_sheets=min_sheets, bias_fit=fit)
    recommended, code, values = recommendation(counted, min_sheets=min_sheets, bias_fit=fit)
    reason = reason_text(code, values)
    out = inputs.works.set_index("work")
    refs = [inputs.pools[c] for c in out["category"]]
    out["pool_key"] = [r.key for r in refs]
    out["pool"] = pd.array([r.pool for r in refs], dtype="Int64")
    out["pool_name"] = [r.name for r in refs]
    sheets = counted.loc[counted["judge"] > 0].groupby("work").size()
    out["sheets"] = sheets.reindex(out.index).fillna(0).astype("int64")
    out = out.join(methods.reindex(out.index))
    out = out.join(criterion_means(inputs).reindex(out.index))
    method = chosen_method(inputs.settings, recommended)
    out["score"] = out[method]
    out.attrs.update(
        method=method,
        recommended=recommended,
        reason=reason,
        criteria=[pk for pk, _n, _w in inputs.criteria],
    )
    return out


def round_scores(round_: Round) -> pd.DataFrame:
    """One row per work of the round (index ``work``), with columns:

    - ``category``, ``pool_key`` (``pool-<id>`` or ``category-<id>``), ``pool`` (Pool id or
      <NA>), ``pool_name``;
    - ``sheets``: counted submitted sheets (an arbitrator's score is not a sheet);
    - one float column per method of judging.scoring.METHODS (NaN without sheets), computed on
      the sheets that count under the round's final-score rule, calibration with the round's
      ``calibration_min_sheets``;
    - ``criterion_<id>``: mean weighted points per criterion, rubric order;
    - ``score``: the chosen method's column.

    ``attrs``: ``method`` (chosen: the ranking settings' or else the recommended one),
    ``recommended``, ``reason`` and ``criteria`` (criterion ids in order).
    """
    return scores_from(load_inputs(round_))


def tiebreak_columns(frame: pd.DataFrame, criteria: list[int], by_sheets: bool) -> list[str]:
    """The frame's tie-break columns in order: the chosen criteria's means (those of the
    rubric), then the number of sheets."""
    known = set(frame.attrs.get("criteria", []))
    columns = [f"{CRITERION_PREFIX}{pk}" for pk in criteria if pk in known]
    return [*columns, "sheets"] if by_sheets else columns


def rank_frame(frame: pd.DataFrame, score: str, tiebreaks: list[str]) -> pd.DataFrame:
    """``rank`` (competition ranking within each pool, by ``score`` then the tie-breaks) and
    ``shares_rank`` columns for the frame, index unchanged."""
    out = pd.DataFrame(index=frame.index)
    out["rank"] = 0
    for _key, pool in frame.groupby("pool_key", sort=False):
        scores = pool[[score, *tiebreaks]].rename(columns={score: "score"})
        ranked = competition_rank(scores, [t for t in tiebreaks if t != score])
        out.loc[ranked.index, "rank"] = ranked["rank"]
    out["rank"] = out["rank"].astype("int64")
    keys = pd.Series(list(zip(frame["pool_key"], out["rank"], strict=True)), index=frame.index)
    out["shares_rank"] = keys.duplicated(keep=False)
    return out


def method_comparison(frame: pd.DataFrame, tiebreaks: list[str]) -> pd.DataFrame:
    """Each method's rank per pool side by side (``rank_<method>``), and ``changes``: whether
    the work's rank differs between methods."""
    out = frame[["pool_key", "pool_name", "sheets", *METHODS]].copy()
    for method in METHODS:
        out[f"rank_{method}"] = rank_frame(frame, method, tiebreaks)["rank"]
    ranks = out[[f"rank_{m}" for m in METHODS]]
    out["changes"] = ranks.nunique(axis=1) > 1
    return out
