"""Reliability and per-judge quality statistics (DESIGN.md §6). Pure pandas/numpy.

Long input as in `aggregate`: columns work, judge, total, one row per (work, judge).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .aggregate import clean

ICC_FORMS = ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)")


def _ratio(num: float, den: float) -> float:
    if not np.isfinite(num) or not np.isfinite(den) or abs(den) < 1e-12:
        return float("nan")
    return float(num / den)


def icc(matrix: pd.DataFrame | np.ndarray) -> pd.Series:
    """Shrout & Fleiss (1979) intraclass correlations of a complete works × judges matrix.

    From the two-way ANOVA mean squares — BMS (between targets), JMS (between judges), EMS
    (residual) and WMS (within targets) — with n targets and k judges:

    - ICC(1,1) = (BMS − WMS) / (BMS + (k−1)·WMS)
    - ICC(2,1) = (BMS − EMS) / (BMS + (k−1)·EMS + k·(JMS − EMS)/n)
    - ICC(3,1) = (BMS − EMS) / (BMS + (k−1)·EMS)
    - ICC(1,k) = (BMS − WMS) / BMS
    - ICC(2,k) = (BMS − EMS) / (BMS + (JMS − EMS)/n)
    - ICC(3,k) = (BMS − EMS) / BMS

    Returns a Series indexed by `ICC_FORMS` (the ``k`` forms are for the mean of the k judges).
    All NaN when n < 2 or k < 2, or a denominator is 0. Raises ValueError on missing cells.
    """
    x = np.asarray(matrix, dtype=float)
    if x.ndim != 2:
        raise ValueError("icc needs a 2-D works × judges matrix")
    if np.isnan(x).any():
        raise ValueError("icc needs a complete matrix (see complete_block)")
    n, k = x.shape
    if n < 2 or k < 2:
        return pd.Series(np.nan, index=list(ICC_FORMS), dtype=float)
    grand = x.mean()
    ss_total = ((x - grand) ** 2).sum()
    ss_rows = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((x.mean(axis=0) - grand) ** 2).sum()
    ss_err = ss_total - ss_rows - ss_cols
    bms = ss_rows / (n - 1)
    jms = ss_cols / (k - 1)
    ems = ss_err / ((n - 1) * (k - 1))
    wms = (ss_total - ss_rows) / (n * (k - 1))
    values = [
        _ratio(bms - wms, bms + (k - 1) * wms),
        _ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
        _ratio(bms - ems, bms + (k - 1) * ems),
        _ratio(bms - wms, bms),
        _ratio(bms - ems, bms + (jms - ems) / n),
        _ratio(bms - ems, bms),
    ]
    return pd.Series(values, index=list(ICC_FORMS), dtype=float)


def _mix(values: np.ndarray, salt: int) -> np.ndarray:
    """splitmix64 of the ids: a well-spread 64-bit code per judge (wrapping arithmetic)."""
    x = values.astype(np.uint64) + np.uint64(salt)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def complete_block(df: pd.DataFrame) -> pd.DataFrame:
    """A complete works × judges matrix cut from the long data, for `icc`.

    Greedy: take the most common set of judges among the works (ties: the larger set, then the
    set of the lowest work id), keep every work whose judges include that set, and only
    those judges. Sets of fewer than two judges are not considered. Empty DataFrame when nothing
    qualifies. Vectorised: each work's set is named by the sums of two 64-bit codes of its
    judges (a set signature; the works kept are then checked against the real set).
    """
    d = clean(df)
    if d.empty:
        return pd.DataFrame()
    judges = d["judge"].to_numpy()
    sig = (
        d.assign(a=_mix(judges, 1), b=_mix(judges, 2))
        .groupby("work")
        .agg(a=("a", "sum"), b=("b", "sum"), size=("judge", "size"))
    )
    sig = sig[sig["size"] >= 2]
    if sig.empty:
        return pd.DataFrame()
    groups = (
        sig.reset_index()
        .groupby(["a", "b", "size"])
        .agg(count=("work", "size"), first=("work", "min"))
        .sort_values(["count", "size", "first"], ascending=[False, False, True])
    )
    first = groups["first"].iloc[0]
    best = sorted(int(j) for j in d.loc[d["work"] == first, "judge"])
    inside = d[d["judge"].isin(best)]
    covered = inside.groupby("work")["judge"].size()
    works = covered.index[covered == len(best)]
    block = inside[inside["work"].isin(works)]
    wide = block.pivot(index="work", columns="judge", values="total").sort_index()
    return wide.reindex(columns=best)


def krippendorff_alpha_interval(df: pd.DataFrame) -> float:
    """Krippendorff's alpha with the interval (squared difference) metric, missing cells allowed.

    Works are units, judges coders. Only units with ≥ 2 values are pairable; with n the number of
    pairable values and m_u the values in unit u:

    D_o = 1/n · Σ_u 1/(m_u − 1) · Σ_{i≠j in u} (v_i − v_j)²
    D_e = 1/(n(n − 1)) · Σ_{i≠j over all pairable values} (v_i − v_j)²
    alpha = 1 − D_o / D_e

    NaN when there is nothing pairable or no variation at all (D_e = 0).
    """
    d = clean(df)
    if d.empty:
        return float("nan")
    m = d.groupby("work")["total"].transform("count")
    d = d[m >= 2]
    if d.empty:
        return float("nan")

    # Σ over ordered pairs i≠j of (v_i − v_j)² = 2(m·Σv² − (Σv)²), per unit at once
    v = d["total"].to_numpy(dtype=float)
    g = d.assign(sq=v * v).groupby("work")
    m, s1, s2 = g["total"].count(), g["total"].sum(), g["sq"].sum()
    n = len(d)
    d_o = float((2.0 * (m * s2 - s1**2) / (m - 1)).sum()) / n
    d_e = 2.0 * (n * float((v * v).sum()) - float(v.sum()) ** 2) / (n * (n - 1))
    if d_e <= 1e-12:
        return float("nan")
    return float(1.0 - d_o / d_e)


OUTLIER_Z = 2.5
POOR_AGREEMENT = 0.2
MIN_PAIRED = 3
JUDGE_COLUMNS = [
    "count",
    "mean",
    "std",
    "paired",
    "leniency",
    "agreement",
    "mean_abs_dev",
    "leniency_z",
    "agreement_z",
    "outlier",
]


def robust_z(values: pd.Series, floor: float) -> pd.Series:
    """(x − median) / max(1.4826 × MAD, floor), NaN kept. The floor stops a panel of nearly
    identical judges from turning a hair's difference into a huge z."""
    v = values.dropna()
    if v.empty:
        return pd.Series(np.nan, index=values.index, dtype=float)
    centre = float(v.median())
    scale = max(1.4826 * float((v - centre).abs().median()), floor)
    return (values - centre) / scale


def _pair_sums(d: pd.DataFrame) -> pd.DataFrame:
    """Per judge, over the sheets of works someone else also scored: the sums a correlation of
    total (x) with the others' mean (y) needs."""
    p = d.dropna(subset=["others"])
    x, y = p["total"], p["others"]
    return (
        pd.DataFrame({"judge": p["judge"], "x": x, "y": y, "xx": x * x, "yy": y * y, "xy": x * y})
        .assign(dev=(x - y).abs(), diff=x - y)
        .groupby("judge")
        .agg(
            paired=("x", "size"),
            sx=("x", "sum"),
            sy=("y", "sum"),
            sxx=("xx", "sum"),
            syy=("yy", "sum"),
            sxy=("xy", "sum"),
            leniency=("diff", "mean"),
            mean_abs_dev=("dev", "mean"),
        )
    )


def _agreement(s: pd.DataFrame) -> pd.Series:
    n = s["paired"].astype(float)
    cov = s["sxy"] - s["sx"] * s["sy"] / n
    vx = s["sxx"] - s["sx"] ** 2 / n
    vy = s["syy"] - s["sy"] ** 2 / n
    scale = np.sqrt(vx.clip(lower=0) * vy.clip(lower=0))
    # relative tolerance: sums of squares of totals near 100 lose ~1e-10 to cancellation
    flat = (vx <= 1e-9 * s["sxx"]) | (vy <= 1e-9 * s["syy"]) | (n < MIN_PAIRED)
    return (cov / scale.where(~flat)).clip(-1, 1)


def judge_stats(df: pd.DataFrame) -> pd.DataFrame:
    """Per-judge quality statistics, indexed by judge; vectorised (no loop over judges).

    - ``count``, ``mean``, ``std`` (ddof=1) of the judge's totals;
    - ``paired``: the judge's sheets on works somebody else also scored ("the others" of a sheet
      are the other judges of the same work);
    - ``leniency``: mean over those sheets of (their total − the mean of the others' totals);
    - ``agreement``: Pearson correlation of their totals with the others' means (NaN with fewer
      than 3 paired sheets or no spread on either side);
    - ``mean_abs_dev``: mean |total − the others' mean| over the paired sheets;
    - ``leniency_z``, ``agreement_z``: robust z across judges (`robust_z`: median and MAD, the
      scale floored at 5 % of the standard deviation of all totals for leniency and at 0.05 for
      agreement);
    - ``outlier``, for judges with ≥ 3 paired sheets: |leniency_z| > 2.5, or agreement_z < −2.5
      (only poor agreement is suspect), or agreement < 0.2 with ≥ 5 paired sheets.
    """
    d = clean(df)
    if d.empty:
        return pd.DataFrame(columns=JUDGE_COLUMNS, index=pd.Index([], name="judge"))
    by_work = d.groupby("work")["total"]
    s, c = by_work.transform("sum"), by_work.transform("count")
    d["others"] = ((s - d["total"]) / (c - 1).where(c > 1)).astype(float)
    out = d.groupby("judge")["total"].agg(count="size", mean="mean", std="std")
    sums = _pair_sums(d).reindex(out.index)
    out["paired"] = sums["paired"].fillna(0).astype(int)
    out["leniency"] = sums["leniency"]
    out["agreement"] = _agreement(sums)
    out["mean_abs_dev"] = sums["mean_abs_dev"]
    spread = d["total"].std(ddof=1)
    floor = 0.05 * spread if np.isfinite(spread) and spread > 0 else 1e-9
    out["leniency_z"] = robust_z(out["leniency"], floor)
    out["agreement_z"] = robust_z(out["agreement"], 0.05)
    far = out["leniency_z"].abs() > OUTLIER_Z
    poor = (out["agreement_z"] < -OUTLIER_Z) | (
        (out["agreement"] < POOR_AGREEMENT) & (out["paired"] >= 5)
    )
    out["outlier"] = ((far | poor) & (out["paired"] >= MIN_PAIRED)).astype(bool)
    out["count"] = out["count"].astype(int)
    return out[JUDGE_COLUMNS]
