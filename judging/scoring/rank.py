"""Competition ranking and award-tier allocation (DESIGN.md §6). Pure pandas/numpy."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

TierSpec = Mapping[str, float] | Sequence[tuple[str, float]]


def competition_rank(scores: pd.DataFrame, tiebreaks: Sequence[str] | None = None) -> pd.DataFrame:
    """Rank works by ``score`` then by each tie-break column in order (higher is better for all).

    Competition ranking ("1224"): works equal on the score and every tie-break share a rank and
    the next rank skips. NaN counts as the lowest value (all-NaN works tie at the bottom). Returns
    a copy sorted by rank (ties by work index) with an int column ``rank``.
    """
    keys = ["score", *(tiebreaks or [])]
    missing = [k for k in keys if k not in scores.columns]
    if missing:
        raise ValueError(f"missing columns: {missing}")
    out = scores.copy()
    if out.empty:
        out["rank"] = pd.Series(dtype="int64")
        return out
    filled = out[keys].apply(pd.to_numeric, errors="coerce").astype(float).fillna(-np.inf)
    filled["__idx"] = np.arange(len(out))
    filled = filled.sort_values(keys, ascending=False, kind="mergesort")
    order = filled["__idx"].to_numpy()
    values = filled[keys].to_numpy()
    # A row starts a new rank unless it equals the previous one on every key (vectorised).
    starts = np.r_[True, (values[1:] != values[:-1]).any(axis=1)]
    ranks = np.maximum.accumulate(np.where(starts, np.arange(1, len(values) + 1), 0))
    out = out.iloc[order].copy()
    out["rank"] = ranks
    # ties shown by index within a rank
    return out.sort_index(kind="mergesort").sort_values("rank", kind="mergesort")


def _pairs(spec: TierSpec) -> list[tuple[str, float]]:
    items: Iterable = spec.items() if isinstance(spec, Mapping) else spec
    return [(str(name), float(value)) for name, value in items]


def allocate_tiers(
    ranked: pd.DataFrame,
    *,
    counts: TierSpec | None = None,
    percents: TierSpec | None = None,
    cutoffs: TierSpec | None = None,
) -> pd.DataFrame:
    """Give each ranked work a ``tier`` (None = no award) and a ``tie_at_cutoff`` flag.

    Exactly one of the specs is given, as an ordered mapping (or list of pairs) from tier name to a
    value, best tier first, e.g. ``counts={"一等奖": 2, "二等奖": 5}``:

    - ``counts``: number of works per tier;
    - ``percents``: percentage of the pool (all rows of ``ranked``) per tier; each tier's count is
      floor(pool × p / 100), at least 0; then as counts;
    - ``cutoffs``: minimal ``score`` per tier (non-increasing); a work gets the best tier whose
      cut-off its score reaches. Equal scores always land in the same tier, so nothing straddles
      and ``tie_at_cutoff`` is False.

    Counts rule (ties are never split silently): walk the rank groups (works sharing a rank) best
    first, against the cumulative capacity of the tiers. A group that fits entirely within the
    current tier's cumulative capacity gets it. A group that starts inside the tier but does not fit
    is kept whole in the better tier and all its works are flagged ``tie_at_cutoff`` for a decision;
    its extra works use up places of the following tiers (cumulative capacities do not move), and
    past the last tier the overflow still gets the last tier, flagged. Groups starting after the
    last capacity get no tier.

    ``ranked`` needs ``score`` and ``rank`` (see `competition_rank`; computed from ``score`` alone
    if ``rank`` is absent). Returns a copy sorted by rank with the two columns added.
    """
    given = [s for s in (counts, percents, cutoffs) if s is not None]
    if len(given) != 1:
        raise ValueError("give exactly one of counts, percents, cutoffs")
    out = ranked.copy() if "rank" in ranked.columns else competition_rank(ranked)
    out = out.sort_values("rank", kind="mergesort")
    tiers: list[object] = [None] * len(out)
    flags = [False] * len(out)

    if cutoffs is not None:
        pairs = _pairs(cutoffs)
        limits = [v for _, v in pairs]
        if any(b > a for a, b in itertools.pairwise(limits)):
            raise ValueError("cut-offs must be non-increasing, best tier first")
        for i, score in enumerate(pd.to_numeric(out["score"], errors="coerce")):
            for name, limit in pairs:
                if pd.notna(score) and score >= limit:
                    tiers[i] = name
                    break
        out["tier"] = pd.Series(tiers, index=out.index, dtype=object)
        out["tie_at_cutoff"] = False
        return out

    if counts is not None:
        pairs = _pairs(counts)
        if any(v < 0 or v != int(v) for _, v in pairs):
            raise ValueError("counts must be whole numbers ≥ 0")
        sizes = [int(v) for _, v in pairs]
    else:
        pairs = _pairs(percents)  # type: ignore[arg-type]
        if any(v < 0 for _, v in pairs):
            raise ValueError("percents must be ≥ 0")
        sizes = [max(0, math.floor(len(out) * v / 100 + 1e-9)) for _, v in pairs]
    names = [name for name, _ in pairs]
    caps = list(np.cumsum(sizes)) if sizes else []

    ranks = out["rank"].to_numpy()
    used = 0
    t = 0
    start = 0
    while start < len(ranks) and caps:
        end = start
        while end < len(ranks) and ranks[end] == ranks[start]:
            end += 1
        size = end - start
        while t < len(caps) and used >= caps[t]:
            t += 1
        if t == len(caps):
            break
        for i in range(start, end):
            tiers[i] = names[t]
            flags[i] = used + size > caps[t]
        used += size
        start = end
    out["tier"] = pd.Series(tiers, index=out.index, dtype=object)
    out["tie_at_cutoff"] = pd.Series(flags, index=out.index, dtype=bool)
    return out
