"""A ranked round as snapshot-entry rows, JSON columns included, built column-wise.

At 100,000 works a per-row ``json.dumps`` and per-work grouping in Python would cost more than
reading the data; the JSON texts are instead assembled by vectorised string concatenation, with
one join per work for the per-judge totals.
"""

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


def _number(values: pd.Series) -> pd.Series:
    """JSON numbers rounded to 4 places; null for NaN or infinite."""
    v = pd.to_numeric(values, errors="coerce").astype(float).round(4)
    text = v.astype(str)
    return text.where(v.notna() & (v.abs() != float("inf")), "null")


def _boolean(values: pd.Series) -> pd.Series:
    return values.astype(bool).map({True: "true", False: "false"})


def _object(parts: list[tuple[str, pd.Series]], index: pd.Index) -> pd.Series:
    """A JSON object per row from (key, JSON text column) pairs."""
    if not parts:
        return pd.Series("{}", index=index)
    text = pd.Series("{", index=index)
    for i, (key, column) in enumerate(parts):
        text = text + ("," if i else "") + f'"{key}":' + column
    return text + "}"


def judge_sheets(inputs: RoundInputs) -> pd.DataFrame:
    """Every submitted sheet and arbitrator's score with ``counted`` and ``arbitrator`` flags:
    work, judge (user id), total, counted, arbitrator."""
    counted = inputs.counted[["work", "judge"]].assign(counted=True)
    sheets = inputs.totals[["work", "judge", "total"]]
    sheets = sheets.merge(counted, how="left", on=["work", "judge"])
    sheets["counted"] = sheets["counted"].fillna(False).astype(bool)
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
    return sheets.sort_values(["work", "arbitrator", "judge"], kind="mergesort")


def _judge_totals(inputs: RoundInputs, index: pd.Index) -> tuple[pd.Series, pd.Series]:
    """Per work: the JSON list of its sheets, and how many sheets were left out (not counted)."""
    sheets = judge_sheets(inputs)
    text = (
        '{"judge":'
        + sheets["judge"].astype(str)
        + ',"total":'
        + _number(sheets["total"])
        + ',"counted":'
        + _boolean(sheets["counted"])
        + ',"arbitrator":'
        + _boolean(sheets["arbitrator"])
        + "}"
    )
    joined = text.groupby(sheets["work"]).agg(",".join)
    lists = ("[" + joined + "]").reindex(index).fillna("[]")
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
            ("dropped", dropped.astype(str)),
        ],
        index,
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
    rows["method_scores"] = _object([(m, _number(ranked[m])) for m in METHODS], index)
    rows["judge_totals"] = judge_lists
    rows["criterion_means"] = _object(
        [(str(pk), _number(ranked[f"{CRITERION_PREFIX}{pk}"])) for pk in criteria], index
    )
    rows["adjustments"] = adjustments
    rows["sheet_count"] = ranked["sheets"].astype("int64")
    return rows[ENTRY_COLUMNS]
