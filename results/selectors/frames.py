"""A round's submitted sheets as pandas frames, the input of judging.scoring.

The large reads (a round may hold 500,000 sheets and 3,000,000 scores) run the ORM's SQL through
a plain cursor: no model instances, no per-value Decimal conversion (values are cast to floats in
SQL), straight into numpy columns.
"""

import gc

import numpy as np
import pandas as pd
from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.functions import Cast

from judging.models import Assignment, DivergenceCase, Round, Score, ScoreSheet
from judging.scoring import apply_final_rule

CHUNK = 100_000
SUBMITTED = {
    "state": ScoreSheet.State.SUBMITTED,
    "assignment__state": Assignment.State.SUBMITTED,
}


def _chunk(rows: list[tuple], dtype: np.dtype) -> np.ndarray:
    """Rows of numbers as a structured array, in one pass in C; NULL becomes NaN (then the
    slower path: numpy turns None into NaN only when given the columns as floats)."""
    try:
        return np.fromiter(rows, dtype=dtype, count=len(rows))
    except TypeError:
        out = np.empty(len(rows), dtype=dtype)
        for name, values in zip(dtype.names, zip(*rows, strict=True), strict=True):
            out[name] = np.array(values, dtype=float)
        return out


def read_frame(queryset: QuerySet, columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """Rows of a ``values_list`` queryset of numbers, read with a raw cursor in chunks (flat
    memory: no list of millions of tuples), as a typed DataFrame. NULL floats become NaN;
    integer columns must not hold NULL."""
    dtype = np.dtype([(c, "f8" if dtypes[c] == "float" else dtypes[c]) for c in columns])
    sql, params = queryset.query.sql_with_params()
    parts = []
    # Millions of short-lived row tuples would set off the cyclic garbage collector over and
    # over (they hold no cycles): pause it while reading.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(CHUNK):
                parts.append(_chunk(rows, dtype))
    finally:
        if collecting:
            gc.enable()
    table = np.concatenate(parts) if parts else np.empty(0, dtype=dtype)
    # copy=False: no consolidation of the columns into one block (a copy of every value).
    return pd.DataFrame({name: np.ascontiguousarray(table[name]) for name in columns}, copy=False)


def submitted_sheets(round_: Round) -> pd.DataFrame:
    """One row per submitted sheet of the round: sheet (id), work, judge (user id), total
    (float, NaN if the sheet has none)."""
    rows = (
        ScoreSheet.objects.filter(assignment__round=round_, **SUBMITTED)
        .annotate(total_f=Cast("total", FloatField()))
        .values_list("pk", "assignment__work_id", "assignment__judge_id", "total_f")
        .order_by()
    )
    columns = {"sheet": "int64", "work": "int64", "judge": "int64", "total": "float"}
    return read_frame(rows, list(columns), columns)


def submitted_totals(round_: Round) -> pd.DataFrame:
    """One row per submitted sheet of the round: work, judge (user id), total (float, NaN if
    the sheet has none)."""
    return submitted_sheets(round_)[["work", "judge", "total"]]


def submitted_scores(round_: Round, sheets: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per criterion score of the round's submitted sheets: work, judge, criterion,
    value (float, unweighted; NaN when not scored). ``sheets``: the round's
    `submitted_sheets`, when already read (each score row then carries only its sheet id)."""
    if sheets is None:
        sheets = submitted_sheets(round_)
    rows = (
        Score.objects.filter(sheet__assignment__round=round_, sheet__state=SUBMITTED["state"])
        .filter(sheet__assignment__state=SUBMITTED["assignment__state"])
        .annotate(value_f=Cast("value", FloatField()))
        .values_list("sheet_id", "criterion_id", "value_f")
        .order_by()
    )
    columns = {"sheet": "int64", "criterion": "int64", "value": "float"}
    scores = read_frame(rows, list(columns), columns)
    ids = sheets["sheet"].to_numpy()
    order = np.argsort(ids, kind="stable")
    wanted = scores["sheet"].to_numpy()
    at = order[np.searchsorted(ids, wanted, sorter=order).clip(max=max(len(ids) - 1, 0))]
    # A score of a sheet submitted between the two reads has no sheet row: leave it out.
    known = ids[at] == wanted if len(ids) else np.zeros(len(wanted), dtype=bool)
    return pd.DataFrame(
        {
            "work": sheets["work"].to_numpy()[at][known],
            "judge": sheets["judge"].to_numpy()[at][known],
            "criterion": scores["criterion"].to_numpy()[known],
            "value": scores["value"].to_numpy()[known],
        },
        copy=False,
    )


def case_inputs(round_: Round) -> tuple[set[int], dict[int, tuple[int, float]]]:
    """The works that had a divergence case, and the arbitrated ones: work → (arbitrator, score)."""
    divergent: set[int] = set()
    arbitrated: dict[int, tuple[int, float]] = {}
    rows = DivergenceCase.objects.filter(round=round_).values_list(
        "work_id", "state", "arbitrator_id", "arbitrated_score"
    )
    for work, state, arbitrator, score in rows:
        divergent.add(work)
        if state == DivergenceCase.State.ARBITRATED and arbitrator and score is not None:
            arbitrated[work] = (arbitrator, float(score))
    return divergent, arbitrated


def counted_from(
    totals: pd.DataFrame, rule: str, divergent: set[int], arbitrated: dict[int, tuple[int, float]]
) -> pd.DataFrame:
    """The rows of ``totals`` that count under ``rule`` (see judging.scoring.final).

    Only divergent works are handed to the rule (the others count whole), so a round of
    100,000 works with a few cases costs no per-work Python.
    """
    special = set(divergent) | set(arbitrated)
    if not special:
        out = apply_final_rule(totals, rule=rule)
        return out
    mask = totals["work"].isin(list(special))
    plain = apply_final_rule(totals[~mask], rule=rule)
    cases = apply_final_rule(totals[mask], rule=rule, divergent=special, arbitrated=arbitrated)
    out = pd.concat([plain, cases], ignore_index=True)
    return out.sort_values(["work", "judge"], kind="mergesort").reset_index(drop=True)


def counted_totals(round_: Round) -> pd.DataFrame:
    """The sheets that count under the round's final-score rule (see judging.scoring.final):
    work, judge, total, arbitrator (bool; an arbitrator's judge id is minus their user id)."""
    divergent, arbitrated = case_inputs(round_)
    return counted_from(submitted_totals(round_), round_.final_rule, divergent, arbitrated)
