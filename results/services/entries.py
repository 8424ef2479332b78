"""A ranked round as snapshot-entry rows, JSON columns included, built column-wise.

At 100,000 works a per-row ``json.dumps`` and per-work pandas grouping would cost more than
reading the data; numbers are formatted column-wise by numpy and each row's JSON text is one
``str.format`` of a fixed template, with one join per work for the per-judge totals.
"""

import numpy as np
import pandas as pd

from judging.scoring import METHODS
from results.services.aggregation import CRITERION_PREFIX, RoundInputs

ENTRY_COLUMNS = [
    "work",
    "pool",
    "pool_key",
    "category",
    "rank",
    "score",
    "shares_rank",
    "method_scores",
    "judge_totals",
    "criterion_means",
    "adjustments",
    "sheet_count",
]


def _number(values: pd.Series) -> list[str]:
    """JSON numbers (4 decimals at most); null for NaN or infinite. pandas' JSON writer
    formats the whole column in C, ten times faster than numpy's float-to-str."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    if not len(v):
        return []
    v = np.where(np.isfinite(v), v, np.nan)
    return pd.Series(v).to_json(orient="values", double_precision=4)[1:-1].split(",")


def _integer(values: pd.Series) -> list[str]:
    v = values.to_numpy(dtype="int64")
    return pd.Series(v).to_json(orient="values")[1:-1].split(",") if len(v) else []


def _boolean(values: pd.Series) -> list[str]:
    return np.where(values.to_numpy(dtype=bool), "true", "false").tolist()


def _object(parts: list[tuple[str, list[str]]], count: int) -> list[str]:
    """A JSON object text per row from (key, JSON texts) pairs."""
    if not parts:
        return ["{}"] * count
    # %-formatting of a fixed template: the cheapest per-row step left (keys hold no "%").
    template = "{" + ",".join(f'"{key}":%s' for key, _texts in parts) + "}"
    return [template % row for row in zip(*(t for _k, t in parts), strict=True)]


def judge_sheets(inputs: RoundInputs) -> pd.DataFrame:
    """Every submitted sheet and arbitrator's score with ``counted`` and ``arbitrator`` flags:
    work, judge (user id), total, counted, arbitrator."""
    counted = inputs.counted[["work", "judge"]].assign(counted=True)
    sheets = inputs.totals[["work", "judge", "total"]].copy()
    if inputs.divergent or inputs.arbitrated:
        sheets = sheets.merge(counted, how="left", on=["work", "judge"])
        sheets["counted"] = sheets["counted"].fillna(False).astype(bool)
    else:  # without cases every sheet with a total counts: no merge of 500,000 rows
        sheets["counted"] = sheets["total"].notna()
    sheets["arbitrator"] = False
    if inputs.arbitrated:
        arb = pd.DataFrame(
            [(w, a, s) for w, (a, s) in inputs.arbitrated.items()],
            columns=["work", "judge", "total"],
        )
        flagged = arb.assign(judge=-arb["judge"]).merge(counted, how="left", on=["work", "judge"])
        arb["counted"] = flagged["counted"].fillna(False).astype(bool).to_numpy()
        arb["arbitrator"] = True
        sheets = pd.concat([sheets, arb], ignore_index=True)
    order = np.lexsort(
        [sheets["judge"].to_numpy(), sheets["arbitrator"].to_numpy(), sheets["work"].to_numpy()]
    )
    return sheets.iloc[order]


def _join_runs(keys: np.ndarray, texts: list[str]) -> dict[int, str]:
    """key → "[t1,t2,…]" for runs of equal keys (``keys`` sorted): one join per run, no
    per-group pandas objects."""
    if not len(keys):
        return {}
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    return {
        int(keys[a]): "[" + ",".join(texts[a:b]) + "]"
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    }


def _judge_totals(inputs: RoundInputs, index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Per work: the JSON list of its sheets, and how many sheets were left out (not counted)."""
    sheets = judge_sheets(inputs)
    text = _object(
        [
            ("judge", _integer(sheets["judge"])),
            ("total", _number(sheets["total"])),
            ("counted", _boolean(sheets["counted"])),
            ("arbitrator", _boolean(sheets["arbitrator"])),
        ],
        len(sheets),
    )
    lists = pd.Series(_join_runs(sheets["work"].to_numpy(), text)).reindex(index)
    lists = lists.fillna("[]")
    dropped = (~sheets["counted"]).groupby(sheets["work"]).sum().reindex(index).fillna(0)
    return lists, dropped.astype("int64")


def entry_rows(ranked: pd.DataFrame, inputs: RoundInputs) -> pd.DataFrame:
    """One row per work with the SnapshotEntry field names as columns (``ENTRY_COLUMNS``)."""
    index = ranked.index
    criteria = ranked.attrs.get("criteria", [])
    judge_lists, dropped = _judge_totals(inputs, index)
    arbitrated = pd.Series(index.isin(list(inputs.arbitrated)), index=index)
    adjustments = _object(
        [
            ("calibration_shift", _number(ranked["zscore_calibrated"] - ranked["mean"])),
            ("bias_shift", _number(ranked["judge_bias_model"] - ranked["mean"])),
            ("arbitrated", _boolean(arbitrated)),
            ("dropped", dropped.astype(str).tolist()),
        ],
        len(index),
    )
    rows = pd.DataFrame(index=index)
    rows["work"] = index.to_numpy()
    rows["pool"] = ranked["pool"].astype(object).where(ranked["pool"].notna(), None)
    rows["pool_key"] = ranked["pool_key"]
    rows["category"] = ranked["category"]
    rows["rank"] = ranked["rank"]
    score = ranked["score"].astype(float).round(4)
    rows["score"] = score.astype(object).where(score.notna(), None)
    rows["shares_rank"] = ranked["shares_rank"].astype(bool)
    rows["method_scores"] = _object([(m, _number(ranked[m])) for m in METHODS], len(index))
    rows["judge_totals"] = judge_lists
    rows["criterion_means"] = _object(
        [(str(pk), _number(ranked[f"{CRITERION_PREFIX}{pk}"])) for pk in criteria],
        len(index),
    )
    rows["adjustments"] = adjustments
    rows["sheet_count"] = ranked["sheets"].astype("int64")
    return rows[ENTRY_COLUMNS]
