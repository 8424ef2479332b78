"""Boundary re-review (DESIGN.md §6): the works whose score is uncertain near an award cut-off.
Pure pandas/numpy, shared by the awards app and benchmarks/ranking_accuracy.py.

A work's uncertainty is the standard error of the mean of its counted totals, taken after the
judge effects the chosen method removes (`adjusted_totals`: a calibrated method's score is not
uncertain by the judges' differing levels it has already corrected). A work's own
standard deviation from two or three sheets is itself very uncertain (three judges who happen to
agree would give 0), so it is pooled with the round's within-work standard deviation, weighted
by degrees of freedom: the work's sheets count n − 1, the round's counts ``prior_df``. A work with
one sheet gets the round's standard deviation alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .aggregate import calibrate_totals, clean, judge_bias_model

PRIOR_DF = 2.0
DEFAULT_MARGIN = 1.0


def adjusted_totals(df: pd.DataFrame, method: str, min_sheets: int = 5) -> pd.DataFrame:
    """The cleaned sheets with each total as the method sees it: the z-score calibrated total for
    ``zscore_calibrated``, total − the judge's bias for ``judge_bias_model``, the raw total for
    the plain methods (mean, trimmed mean, median)."""
    if method == "zscore_calibrated":
        d = calibrate_totals(df, min_sheets=min_sheets)
        return d.assign(total=d["calibrated"])[["work", "judge", "total"]]
    d = clean(df)
    if method == "judge_bias_model" and not d.empty:
        bias = judge_bias_model(d)[1]
        d["total"] = d["total"] - d["judge"].map(bias).fillna(0.0)
    return d


def pooled_within_sd(df: pd.DataFrame) -> float:
    """sqrt(Σ (n_w − 1)·s_w² / Σ (n_w − 1)) over the works with ≥ 2 sheets; NaN if none."""
    d = clean(df)
    g = d.groupby("work")["total"]
    n = g.count()
    var = g.var(ddof=1)
    dof = (n - 1)[n >= 2]
    if dof.sum() <= 0:
        return float("nan")
    return float(np.sqrt((dof * var[n >= 2]).sum() / dof.sum()))


def work_standard_errors(df: pd.DataFrame, prior_df: float = PRIOR_DF) -> pd.DataFrame:
    """Per work (index): ``sheets``, ``sd`` (own, NaN under 2 sheets), ``sd_used`` (pooled with
    the round's within-work sd as the module says) and ``se`` = sd_used / sqrt(sheets).

    When no work has two sheets there is no within-work spread to pool: ``se`` is NaN.
    """
    d = clean(df)
    g = d.groupby("work")["total"]
    out = pd.DataFrame({"sheets": g.count(), "sd": g.std(ddof=1)})
    pooled = pooled_within_sd(d)
    own_df = (out["sheets"] - 1).clip(lower=0)
    own_var = out["sd"].fillna(0.0) ** 2
    used_var = (own_df * own_var + prior_df * pooled**2) / (own_df + prior_df)
    out["sd_used"] = np.sqrt(used_var)
    out["se"] = out["sd_used"] / np.sqrt(out["sheets"])
    return out


def tier_cutoffs(allocated: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """The score line under each tier of an `allocate_tiers` result (columns score, tier).

    For tier t: ``lowest_in`` is the lowest score of the works in t or a better tier,
    ``highest_out`` the highest score of the rest, and ``cutoff`` their midpoint. A tier with no
    work in it or nothing below it has no line (the row is left out).
    """
    order = {name: i for i, name in enumerate(names)}
    level = allocated["tier"].map(order)
    score = pd.to_numeric(allocated["score"], errors="coerce").astype(float)
    rows = []
    for i, name in enumerate(names):
        inside = level.notna() & (level <= i)
        if not inside.any() or inside.all() or not (level == i).any():
            continue
        low, high = float(score[inside].min()), float(score[~inside].max())
        if not (np.isfinite(low) and np.isfinite(high)):
            continue
        rows.append(
            {"tier": name, "lowest_in": low, "highest_out": high, "cutoff": (low + high) / 2}
        )
    return pd.DataFrame(rows, columns=["tier", "lowest_in", "highest_out", "cutoff"])


def uncertain_works(
    scores: pd.Series,
    se: pd.Series,
    cutoffs: pd.DataFrame,
    margin: float = DEFAULT_MARGIN,
) -> pd.DataFrame:
    """Works whose score lies within ``margin`` × se of a cut-off (the nearest one counts).

    ``scores`` and ``se`` are indexed by work; ``cutoffs`` as from `tier_cutoffs` (columns tier,
    cutoff). A work with NaN se is judged by distance 0 only (exactly on the line). Returns one row
    per uncertain work (index work): score, se, tier (whose line is nearest), cutoff, distance
    (score − cutoff) and z (|distance| / se; inf when se is 0 or NaN), sorted by z.
    """
    if margin < 0 or not np.isfinite(margin):
        raise ValueError("margin must be a finite number ≥ 0")
    cols = ["score", "se", "tier", "cutoff", "distance", "z"]
    s = pd.to_numeric(scores, errors="coerce").astype(float).dropna()
    if s.empty or cutoffs.empty:
        return pd.DataFrame(columns=cols, index=pd.Index([], name="work"))
    lines = cutoffs["cutoff"].to_numpy(dtype=float)
    dist = s.to_numpy()[:, None] - lines[None, :]
    nearest = np.abs(dist).argmin(axis=1)
    distance = dist[np.arange(len(s)), nearest]
    err = se.reindex(s.index).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(err > 0, np.abs(distance) / err, np.where(distance == 0, 0.0, np.inf))
    out = pd.DataFrame(
        {
            "score": s.to_numpy(),
            "se": err,
            "tier": cutoffs["tier"].to_numpy()[nearest],
            "cutoff": lines[nearest],
            "distance": distance,
            "z": z,
        },
        index=pd.Index(s.index, name="work"),
    )
    out = out[out["z"] <= margin]
    return out.sort_values(["z", "score"], ascending=[True, False], kind="mergesort")
