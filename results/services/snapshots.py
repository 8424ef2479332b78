"""Freezing a closed round's results into a snapshot, unfreezing, and reproducing a snapshot.

Invariants: a round has a snapshot exactly when it is frozen; a snapshot's entries are written
once, in bulk, and never edited; its ``input_hash`` covers every input its ranks were computed
from (`input_hash`), so `snapshot_reproduce` can tell whether the database still says the same.
Callers check permissions first (results.selectors.ranking / judging.selectors.rounds).
"""

import hashlib
import json

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils.translation import gettext as _

from contest.errors import Conflict, ValidationFailed
from contest.models import User, Work
from judging.models import DivergenceCase, Round
from judging.scoring import METHODS
from results.models import RankingSettings, ResultSnapshot, SnapshotEntry
from results.selectors.ranking import snapshot_in_use
from results.services.aggregation import (
    RoundInputs,
    load_inputs,
    rank_frame,
    scores_from,
    tiebreak_columns,
)
from results.services.entries import entry_rows

OPEN_CASES = (DivergenceCase.State.THIRD_MARKING, DivergenceCase.State.ARBITRATION)


def _cents(values: pd.Series) -> np.ndarray:
    """Values as whole hundredths (scores have two decimals); NaN as the minimum int64."""
    v = values.to_numpy(dtype=float)
    out = np.full(len(v), np.iinfo("int64").min, dtype="<i8")
    ok = np.isfinite(v)
    out[ok] = np.rint(v[ok] * 100).astype("<i8")
    return out


def _dense(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Each value's position among the sorted distinct values (hashing, not sorting, the
    column), and how many distinct values there are."""
    codes, uniques = pd.factorize(values, sort=False)
    rank = np.empty(len(uniques), dtype="int64")
    rank[np.argsort(uniques, kind="stable")] = np.arange(len(uniques))
    return rank[codes], len(uniques)


def _canonical_order(columns: list[np.ndarray]) -> np.ndarray:
    """The row order sorting by the columns in turn: one argsort of a combined key (cheaper
    than a lexsort over millions of rows), lexsort if the key could overflow."""
    key = np.zeros(len(columns[0]), dtype="int64")
    span = 1
    for column in columns:
        dense, count = _dense(column)
        span *= max(count, 1)
        if span >= 2**62:
            return np.lexsort(columns[::-1])  # lexsort's primary key is the last
        key = key * count + dense
    return np.argsort(key, kind="stable")


def _feed(digest, label: str, frame: pd.DataFrame, keys: list[str], value: str) -> None:
    """Hash a frame's rows sorted by ``keys``: each key column as little-endian int64, then the
    value column in hundredths, the block prefixed with its label and row count."""
    columns = [frame[key].to_numpy(dtype="<i8") for key in keys]
    order = _canonical_order(columns) if len(frame) else np.zeros(0, dtype="int64")
    digest.update(f"{label}:{len(frame)};".encode())
    for column in columns:
        digest.update(column[order].tobytes())
    digest.update(_cents(frame[value])[order].tobytes())


def input_hash(inputs: RoundInputs, method: str, params: dict) -> str:
    """sha256 of a canonical serialisation of the inputs: the works and their categories, every
    submitted sheet's total and per-criterion values, the case decisions, method and params.
    Row order, dtypes and the database engine do not change it."""
    digest = hashlib.sha256()
    works = inputs.works.assign(zero=0.0)
    _feed(digest, "works", works, ["work", "category"], "zero")
    _feed(digest, "totals", inputs.totals, ["work", "judge"], "total")
    _feed(digest, "scores", inputs.scores, ["work", "judge", "criterion"], "value")
    cases = {
        "divergent": sorted(inputs.divergent),
        "arbitrated": sorted([w, a, round(s * 100)] for w, (a, s) in inputs.arbitrated.items()),
    }
    head = {"cases": cases, "method": method, "params": params}
    digest.update(json.dumps(head, sort_keys=True, separators=(",", ":")).encode())
    return digest.hexdigest()


def snapshot_params(inputs: RoundInputs) -> dict:
    """The parameters a snapshot keeps (JSON): rules, tie-breaks, pools and criteria."""
    round_, settings = inputs.round, inputs.settings
    pools: dict[str, dict] = {}
    for category, ref in sorted(inputs.pools.items(), key=lambda item: item[1].order):
        pool = pools.setdefault(
            ref.key, {"key": ref.key, "name": ref.name, "pool": ref.pool, "categories": []}
        )
        pool["categories"].append(category)
    return {
        "final_rule": round_.final_rule,
        "tolerance": str(round_.tolerance),
        "calibration_min_sheets": round_.calibration_min_sheets,
        "tiebreak_criteria": [int(pk) for pk in settings.tiebreak_criteria],
        "tiebreak_sheets": bool(settings.tiebreak_sheets),
        "pools": list(pools.values()),
        "criteria": [{"id": pk, "name": n, "weight": w} for pk, n, w in inputs.criteria],
        "methods": list(METHODS),
    }


def ranked_results(inputs: RoundInputs) -> tuple[pd.DataFrame, dict]:
    """The round's frame (see aggregation.round_scores) with ``rank`` and ``shares_rank``, and
    the params it was ranked with."""
    frame = scores_from(inputs)
    params = snapshot_params(inputs)
    tiebreaks = tiebreak_columns(frame, params["tiebreak_criteria"], params["tiebreak_sheets"])
    ranked = frame.join(rank_frame(frame, "score", tiebreaks))
    ranked.attrs = dict(frame.attrs)  # join does not carry them
    return ranked, params


def _check_freezable(round_: Round) -> None:
    if round_.state == Round.State.FROZEN:
        raise Conflict(_("The results of this round are already frozen."), code="frozen")
    if round_.state != Round.State.CLOSED:
        raise Conflict(_("Close the round before freezing its results."), code="not_closed")
    codes = list(
        DivergenceCase.objects.filter(round=round_, state__in=OPEN_CASES)
        .order_by("work__anonymous_code")
        .values_list("work__anonymous_code", flat=True)
    )
    if codes:
        raise Conflict(
            _("Some works still await third marking or arbitration: %(codes)s.")
            % {"codes": ", ".join(codes)},
            code="open_cases",
        )


@transaction.atomic
def snapshot_freeze(*, round: Round, actor: User) -> ResultSnapshot:
    """Rank a closed round's works per pool and freeze them in a snapshot; the round becomes
    frozen. Refused while a case awaits third marking or arbitration."""
    round_ = Round.objects.select_for_update().select_related("rubric").get(pk=round.pk)
    _check_freezable(round_)
    inputs = load_inputs(round_)
    ranked, params = ranked_results(inputs)
    method = ranked.attrs["method"]
    snapshot = ResultSnapshot.objects.create(
        round=round_,
        method=method,
        params=params,
        recommended_method=ranked.attrs["recommended"],
        recommendation_reason=ranked.attrs["reason"],
        input_hash=input_hash(inputs, method, params),
        work_count=len(ranked),
        created_by=actor,
    )
    _write_entries(snapshot, entry_rows(ranked, inputs))
    round_.state = Round.State.FROZEN
    round_.save(update_fields=["state"])
    return snapshot


def _write_entries(snapshot: ResultSnapshot, rows: pd.DataFrame) -> None:
    """Insert the entries without model instances: COPY on PostgreSQL, elsewhere one
    parameterised INSERT executed for every row."""
    meta = SnapshotEntry._meta
    quote = connection.ops.quote_name
    fields = ["snapshot", *rows.columns]
    names = ", ".join(quote(meta.get_field(name).column) for name in fields)
    values = [[snapshot.pk] * len(rows), *(rows[c].tolist() for c in rows.columns)]
    records = list(zip(*values, strict=True))
    table = quote(meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(record)
            return
        # One short statement for all rows: the driver binds each row in C.
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 — names from _meta
        cursor.executemany(sql, records)


@transaction.atomic
def snapshot_unfreeze(*, round: Round) -> Round:
    """Discard a frozen round's snapshot and reopen its results (state back to closed), only
    while nothing uses the snapshot (see results.selectors.ranking.snapshot_in_use)."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    snapshot = ResultSnapshot.objects.filter(round=round_).first()
    if round_.state != Round.State.FROZEN or snapshot is None:
        raise Conflict(_("The results of this round are not frozen."), code="not_frozen")
    if snapshot_in_use(snapshot):
        raise Conflict(
            _("These results are in use (advancement or awards); undo that first."),
            code="snapshot_in_use",
        )
    snapshot.delete()  # entries go with one DELETE: nothing refers to them
    round_.state = Round.State.CLOSED
    round_.save(update_fields=["state"])
    return round_


def snapshot_reproduce(*, snapshot: ResultSnapshot) -> dict:
    """Recompute the snapshot's round from the database with the snapshot's method and
    tie-breaks. Returns ``hash_matches``, ``ranks_match``, ``scores_match``, both hashes and the
    works whose rank or score differ now (at most 50 listed, ``differences`` counts them all)."""
    inputs = load_inputs(snapshot.round)
    params = snapshot.params
    inputs.settings.method = snapshot.method
    inputs.settings.tiebreak_criteria = params.get("tiebreak_criteria", [])
    inputs.settings.tiebreak_sheets = params.get("tiebreak_sheets", False)
    ranked, current_params = ranked_results(inputs)
    current = input_hash(inputs, snapshot.method, current_params)
    frozen = pd.DataFrame.from_records(
        SnapshotEntry.objects.filter(snapshot=snapshot).values_list("work_id", "rank", "score"),
        columns=["work", "frozen_rank", "frozen_score"],
    ).set_index("work")
    both = frozen.join(ranked[["rank", "score"]], how="outer")
    score_now = both["score"].astype(float).round(4)
    score_then = pd.to_numeric(both["frozen_score"], errors="coerce").astype(float)
    rank_differs = (both["rank"] != both["frozen_rank"]).to_numpy()
    score_differs = ~(
        np.isclose(score_now, score_then, atol=1e-4) | (score_now.isna() & score_then.isna())
    ).to_numpy()
    changed = [int(w) for w in both.index[rank_differs | score_differs]]
    codes = dict(Work.objects.filter(pk__in=changed[:50]).values_list("pk", "anonymous_code"))
    return {
        "hash_matches": current == snapshot.input_hash,
        "ranks_match": not rank_differs.any(),
        "scores_match": not score_differs.any(),
        "input_hash": current,
        "frozen_hash": snapshot.input_hash,
        "differences": len(changed),
        "changed": [{"work": w, "code": codes.get(w, "")} for w in changed[:50]],
    }


@transaction.atomic
def ranking_settings_update(
    *, round: Round, method: str, tiebreak_criteria, tiebreak_sheets: bool, actor: User
) -> RankingSettings:
    """Choose the round's method ("" follows the recommendation) and tie-breaks (criteria of
    the round's rubric, in order; then the number of sheets). Fixed once frozen."""
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.state == Round.State.FROZEN:
        raise Conflict(
            _("The results are frozen: unfreeze them to change how they are ranked."),
            code="frozen",
        )
    errors: dict[str, list[str]] = {}
    if method not in ("", *METHODS):
        errors["method"] = [_("Choose a method.")]
    known = set(round_.rubric.criteria.values_list("pk", flat=True))
    chosen = [int(getattr(c, "pk", c)) for c in tiebreak_criteria]
    if any(pk not in known for pk in chosen) or len(set(chosen)) != len(chosen):
        errors["tiebreak_criteria"] = [_("Choose criteria of the round's rubric, once each.")]
    if errors:
        raise ValidationFailed(fields=errors)
    settings, _created = RankingSettings.objects.update_or_create(
        round=round_,
        defaults={
            "method": method,
            "tiebreak_criteria": chosen,
            "tiebreak_sheets": bool(tiebreak_sheets),
            "updated_by": actor,
        },
    )
    return settings
