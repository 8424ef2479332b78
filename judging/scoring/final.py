"""Which sheets count for a work whose judges disagreed (DESIGN.md §6). Pure pandas/numpy.

A round's final-score rule applies to its divergent works (those that had a divergence case):

- ``all``: every submitted sheet counts;
- ``closest_pair``: only the two closest totals count, as in exam marking;
- ``arbitrator``: every sheet counts unless the work was arbitrated; then the arbitrator's score
  alone counts.

An arbitrated work's arbitrator score joins its sheets as one more rater under ``all`` and
``closest_pair``. The arbitrator is given the judge id ``-user_id`` so that a chief judge who also
scored the work stays two raters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .aggregate import clean

RULES = ("all", "closest_pair", "arbitrator")


def spread(totals: Sequence[float]) -> float:
    """Highest minus lowest total; 0 for fewer than two."""
    values = [float(t) for t in totals if t is not None and np.isfinite(float(t))]
    return max(values) - min(values) if len(values) >= 2 else 0.0


def closest_pair(totals: Sequence[float]) -> tuple[int, int] | None:
    """Positions of the two closest totals; among equally close pairs, the higher pair (then
    the earlier positions). None for fewer than two totals."""
    values = [float(t) for t in totals]
    if len(values) < 2:
        return None
    best: tuple[float, float, int, int] | None = None
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            key = (abs(values[i] - values[j]), -(values[i] + values[j]), i, j)
            if best is None or key < best:
                best = key
    assert best is not None
    return best[2], best[3]


def closest_pair_spread(totals: Sequence[float]) -> float:
    pair = closest_pair(totals)
    if pair is None:
        return 0.0
    return abs(float(totals[pair[0]]) - float(totals[pair[1]]))


def apply_final_rule(
    df: pd.DataFrame,
    *,
    rule: str,
    divergent: Iterable[int] = (),
    arbitrated: Mapping[int, tuple[int, float]] | None = None,
) -> pd.DataFrame:
    """The sheets that count, as a cleaned long frame (work, judge, total) with a bool column
    ``arbitrator`` marking arbitrators' scores. ``divergent``: ids of works that had a case;
    ``arbitrated``: work id → (arbitrator user id, score)."""
    if rule not in RULES:
        raise ValueError(f"unknown final rule: {rule!r}")
    d = clean(df)
    d["arbitrator"] = False
    arbitrated = dict(arbitrated or {})
    divergent_ids = set(divergent) | set(arbitrated)
    if not divergent_ids:
        return d
    extra = pd.DataFrame(
        {
            "work": pd.Series([w for w in arbitrated], dtype="int64"),
            "judge": pd.Series([-int(j) for j, _s in arbitrated.values()], dtype="int64"),
            "total": pd.Series([float(s) for _j, s in arbitrated.values()], dtype=float),
            "arbitrator": pd.Series([True] * len(arbitrated), dtype=bool),
        }
    )
    if rule == "arbitrator":
        d = d[~d["work"].isin(list(arbitrated))]
    d = pd.concat([d, extra], ignore_index=True) if len(extra) else d
    if rule == "closest_pair":
        mask = d["work"].isin(list(divergent_ids))
        kept = [d[~mask]]
        for _work, rows in d[mask].groupby("work", sort=True):
            pair = closest_pair(rows["total"].tolist())
            kept.append(rows if pair is None else rows.iloc[list(pair)])
        d = pd.concat(kept, ignore_index=True)
    return d.sort_values(["work", "judge"], kind="mergesort").reset_index(drop=True)
