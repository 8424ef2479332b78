"""Aggregation of sheet totals into one score per work (DESIGN.md §6). Pure pandas/numpy.

Input everywhere: a long DataFrame with columns ``work`` (int), ``judge`` (int) and ``total``
(float), one row per (work, judge). Rows whose ``total`` is NaN are ignored; a repeated
(work, judge) pair is averaged into one sheet. Results are indexed by ``work`` (sorted).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import LinearOperator, cg, spsolve

COLUMNS = ("work", "judge", "total")
METHODS = ("mean", "trimmed_mean", "median", "zscore_calibrated", "judge_bias_model")
TRIM_MIN_SHEETS = 5
# Cells of the judge-bias design solved densely; larger designs go to sparse LSQR.
DENSE_LIMIT = 4_000_000


def clean(df: pd.DataFrame) -> pd.DataFrame:
    """The sheets with a total, one row per (work, judge), columns work/judge/total only."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"missing columns: {missing}")
    out = df.loc[:, list(COLUMNS)].copy()
    out["total"] = pd.to_numeric(out["total"], errors="coerce").astype(float)
    out = out.dropna(subset=["work", "judge", "total"])
    if out.empty:
        return pd.DataFrame(
            {
                "work": pd.Series(dtype="int64"),
                "judge": pd.Series(dtype="int64"),
                "total": pd.Series(dtype=float),
            }
        )
    w, j = out["work"].to_numpy(), out["judge"].to_numpy()
    if np.all((w[1:] > w[:-1]) | ((w[1:] == w[:-1]) & (j[1:] > j[:-1]))):
        # Already one row per pair in (work, judge) order, as every function here returns
        # it: the grouping would change nothing (and costs most of the time at scale).
        return out.reset_index(drop=True)
    out = out.groupby(["work", "judge"], as_index=False, sort=True)["total"].mean()
    return out.reset_index(drop=True)


def _empty(name: str) -> pd.Series:
    return pd.Series(dtype=float, name=name, index=pd.Index([], name="work", dtype="int64"))


def mean(df: pd.DataFrame) -> pd.Series:
    """Plain mean of the totals per work."""
    d = clean(df)
    if d.empty:
        return _empty("mean")
    return d.groupby("work")["total"].mean().rename("mean")


def trimmed_mean(df: pd.DataFrame) -> pd.Series:
    """Mean after dropping one highest and one lowest total, only for works with ≥ 5 sheets.

    Works with fewer sheets get the plain mean.
    """
    d = clean(df)
    if d.empty:
        return _empty("trimmed_mean")
    by_work = d.groupby("work")["total"]
    n, total = by_work.count(), by_work.sum()
    # Vectorised (no per-work Python): dropping one highest and one lowest of n ≥ 5 totals.
    trimmed = (total - by_work.max() - by_work.min()) / (n - 2).clip(lower=1)
    return (total / n).where(n < TRIM_MIN_SHEETS, trimmed).rename("trimmed_mean")


def median(df: pd.DataFrame) -> pd.Series:
    """Median of the totals per work."""
    d = clean(df)
    if d.empty:
        return _empty("median")
    return d.groupby("work")["total"].median().rename("median")


def calibrate_totals(df: pd.DataFrame, min_sheets: int = 5) -> pd.DataFrame:
    """The cleaned sheets with a ``calibrated`` column (see `zscore_calibrated`) and ``raw_kept``.

    A judge's totals become z-scores against their own mean and standard deviation, rescaled to the
    whole data's mean and standard deviation (sample std, ddof=1). A judge with fewer than
    ``min_sheets`` sheets, or whose totals have no spread, keeps raw totals; so does everybody when
    the whole data has no spread or fewer than two sheets.
    """
    d = clean(df)
    d["calibrated"] = d["total"]
    d["raw_kept"] = True
    if len(d) < 2:
        return d
    grand_mean = d["total"].mean()
    grand_std = d["total"].std(ddof=1)
    if not np.isfinite(grand_std) or grand_std <= 0:
        return d
    by_judge = d.groupby("judge")["total"]
    j_count = by_judge.transform("count")
    j_mean = by_judge.transform("mean")
    j_std = by_judge.transform("std")  # sample std (ddof=1), vectorised
    ok = (j_count >= max(min_sheets, 2)) & (j_std > 1e-12)
    d.loc[ok, "calibrated"] = (d.loc[ok, "total"] - j_mean[ok]) / j_std[ok] * grand_std + grand_mean
    d.loc[ok, "raw_kept"] = False
    return d


def zscore_calibrated(df: pd.DataFrame, min_sheets: int = 5) -> pd.Series:
    """Per-work mean of the calibrated totals (see `calibrate_totals`)."""
    d = calibrate_totals(df, min_sheets=min_sheets)
    if d.empty:
        return _empty("zscore_calibrated")
    return d.groupby("work")["calibrated"].mean().rename("zscore_calibrated")


def is_connected(df: pd.DataFrame) -> bool:
    """Whether the bipartite works–judges graph of the sheets is connected (one component).

    Only then are all works' qualities comparable under the additive judge-bias model.
    """
    d = clean(df)
    if d.empty:
        return False
    works = np.unique(d["work"].to_numpy(), return_inverse=True)[1]
    judges = np.unique(d["judge"].to_numpy(), return_inverse=True)[1]
    nw = int(works.max()) + 1
    size = nw + int(judges.max()) + 1
    edges = sparse.coo_matrix((np.ones(len(d)), (works, nw + judges)), shape=(size, size))
    return connected_components(edges, directed=False)[0] == 1


def _least_squares(wi: np.ndarray, ji: np.ndarray, nw: int, nj: int, y: np.ndarray) -> np.ndarray:
    """Least squares for the judge-bias design (see `judge_bias_model`): qualities, then the
    free biases. Small designs are solved densely (minimum-norm); large ones through the
    judges' reduced normal equations (`_reduced_biases`): a round of 100,000 works would
    need a dense matrix of 500,000 × 100,000."""
    rows = np.arange(len(y))
    ncols = nw + nj - 1
    if len(y) * ncols > DENSE_LIMIT:
        quality, bias = _reduced_biases(wi, ji, nw, nj, y)
        return np.concatenate([quality, bias[:-1]])
    last = ji == nj - 1
    x = np.zeros((len(y), ncols))
    x[rows, wi] = 1.0
    if nj > 1:
        x[rows[~last], nw + ji[~last]] = 1.0
        x[np.ix_(rows[last], np.arange(nw, ncols))] = -1.0
    return np.linalg.lstsq(x, y, rcond=None)[0]


def _reduced_biases(
    wi: np.ndarray, ji: np.ndarray, nw: int, nj: int, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Eliminate the qualities (quality_w = mean_w(total − bias)) and solve the judges'
    Laplacian-like system S·bias = r with Σ bias = 0 in each connected group of judges: by
    Jacobi-preconditioned conjugate gradients, else (slowly converging designs) by a sparse
    direct solve with one judge per group pinned. For a connected design this is the same
    unique solution as the dense path; for a disconnected one each group's biases sum to 0."""
    incidence = sparse.csr_matrix((np.ones(len(y)), (wi, ji)), shape=(nw, nj))
    n_w = np.bincount(wi, minlength=nw).astype(float)
    n_j = np.bincount(ji, minlength=nj).astype(float)
    y_bar = np.bincount(wi, weights=y, minlength=nw) / n_w
    rhs = np.bincount(ji, weights=y, minlength=nj) - incidence.T @ y_bar
    system = (sparse.diags(n_j) - incidence.T @ sparse.diags(1 / n_w) @ incidence).tocsr()
    groups, label = connected_components(system, directed=False)
    sizes = np.bincount(label, minlength=groups).astype(float)

    def centred(v: np.ndarray) -> np.ndarray:
        return v - (np.bincount(label, weights=v, minlength=groups) / sizes)[label]

    operator = LinearOperator(
        (nj, nj),
        matvec=lambda v: system @ v + (v - centred(v)),  # S + each group's mean: SPD
        dtype=float,
    )
    bias, info = cg(
        operator,
        rhs,
        rtol=1e-12,
        atol=0.0,
        maxiter=300,
        M=sparse.diags(1 / (system.diagonal() + 1 / sizes[label])),
    )
    if info != 0:
        keep = np.ones(nj, dtype=bool)
        keep[np.unique(label, return_index=True)[1]] = False
        bias = np.zeros(nj)
        bias[keep] = spsolve(system[keep][:, keep].tocsc(), rhs[keep])
    bias = centred(bias)
    return y_bar - (incidence @ bias) / n_w, bias


def judge_bias_model(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Fit total = quality(work) + bias(judge) by least squares with Σ bias = 0.

    The constraint is built in by writing the last judge's bias as minus the sum of the others, so
    the design has one column per work and one per judge but the last; ``numpy.linalg.lstsq``
    solves it (minimum-norm solution if the sheets' graph is disconnected — then qualities in
    different components are not comparable, see `is_connected`). Designs of more than
    ``DENSE_LIMIT`` cells go through the judges' reduced equations instead (same solution when
    connected; when not, each connected group's biases sum to 0). With one judge the bias is 0
    and the quality is the mean.

    Returns ``(quality, bias)``: quality indexed by work, bias indexed by judge.
    """
    d = clean(df)
    if d.empty:
        return _empty("judge_bias_model"), pd.Series(
            dtype=float, name="bias", index=pd.Index([], name="judge", dtype="int64")
        )
    works = np.sort(d["work"].unique())
    judges = np.sort(d["judge"].unique())
    nw, nj = len(works), len(judges)
    wi = np.searchsorted(works, d["work"].to_numpy())
    ji = np.searchsorted(judges, d["judge"].to_numpy())
    coef = _least_squares(wi, ji, nw, nj, d["total"].to_numpy(dtype=float))
    free = coef[nw:]
    bias = np.append(free, -free.sum()) if nj > 1 else np.zeros(1)
    quality = pd.Series(
        coef[:nw], index=pd.Index(works, name="work"), name="judge_bias_model", dtype=float
    )
    return quality, pd.Series(bias, index=pd.Index(judges, name="judge"), name="bias")


def all_methods(
    df: pd.DataFrame, min_sheets: int = 5, bias_fit: tuple[pd.Series, pd.Series] | None = None
) -> pd.DataFrame:
    """One column per method in `METHODS`, side by side, indexed by work. ``bias_fit``: the
    `judge_bias_model` of the same data, when the caller has it already."""
    df = clean(df)
    cols = [
        mean(df),
        trimmed_mean(df),
        median(df),
        zscore_calibrated(df, min_sheets=min_sheets),
        (bias_fit or judge_bias_model(df))[0],
    ]
    out = pd.concat(cols, axis=1)
    out.index.name = "work"
    return out.reindex(columns=list(METHODS))


# Why a method is recommended, by reason code; the values are named in `recommendation`.
REASONS = {
    "no_sheets": "no sheets",
    "one_judge": "only one judge",
    "all_equal": "all totals are equal",
    "levels_close": (
        "judge levels differ by {gap:.2f}, under {threshold} × the spread of totals ({spread:.2f})"
    ),
    "bias_model": (
        "judge levels differ by {gap:.2f} and every work was scored by ≥ 2 judges in one "
        "connected design"
    ),
    "zscore": "judge means differ by {gap:.2f} and every judge has ≥ {min_sheets} sheets",
    "not_enough": (
        "judge levels differ by {gap:.2f} but the design is not connected and some judges have "
        "fewer than {min_sheets} sheets"
    ),
}


def recommendation(
    df: pd.DataFrame,
    min_sheets: int = 5,
    threshold: float = 0.5,
    bias_fit: tuple[pd.Series, pd.Series] | None = None,
) -> tuple[str, str, dict]:
    """Suggest a method: ``(method, reason code, values)`` — see `REASONS` for the codes and
    `recommend` for the rule. The values (gap, spread, threshold, min_sheets) let a caller word
    the reason in the reader's language. ``bias_fit`` as in `all_methods`."""
    values = {"gap": 0.0, "spread": 0.0, "threshold": threshold, "min_sheets": min_sheets}
    d = clean(df)
    if d.empty:
        return "mean", "no_sheets", values
    if d["judge"].nunique() < 2:
        return "mean", "one_judge", values
    spread = d["total"].std(ddof=1)
    if not np.isfinite(spread) or spread <= 0:
        return "mean", "all_equal", values
    connected = is_connected(d)
    if connected:
        effects = (bias_fit or judge_bias_model(d))[1]
    else:
        effects = d.groupby("judge")["total"].mean()
    values.update(gap=float(effects.max() - effects.min()), spread=float(spread))
    if values["gap"] < threshold * spread:
        return "mean", "levels_close", values
    if connected and (d.groupby("work").size() >= 2).all():
        return "judge_bias_model", "bias_model", values
    if (d.groupby("judge").size() >= min_sheets).all():
        return "zscore_calibrated", "zscore", values
    return "mean", "not_enough", values


def recommend(df: pd.DataFrame, min_sheets: int = 5, threshold: float = 0.5) -> tuple[str, str]:
    """Suggest a method and say why (in English; see `recommendation` for a reason code).
    The rule, in order:

    1. no sheets, or one judge only → ``mean``;
    2. the judges' levels "differ notably" when the range of the judge effects is at least
       ``threshold`` × the standard deviation of all totals; the judge effects are the bias-model
       biases when the design is connected, else the judges' raw means. Not notable → ``mean``;
    3. notable, design connected and every work has ≥ 2 sheets (overlapping) → ``judge_bias_model``
       (it separates judge level from which works a judge happened to see);
    4. notable and every judge has ≥ ``min_sheets`` sheets → ``zscore_calibrated``;
    5. otherwise → ``mean`` (not enough data to correct reliably).
    """
    method, code, values = recommendation(df, min_sheets=min_sheets, threshold=threshold)
    return method, REASONS[code].format(**values)
