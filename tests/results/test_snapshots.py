"""Freezing, tie-breaks, the snapshot's breakdown and hash, unfreezing and reproducing."""

from decimal import Decimal

import pytest
from django.utils import translation

from contest.errors import Conflict
from judging.models import DivergenceCase, Round, Score
from results.models import Advancement, RankingSettings, ResultSnapshot, SnapshotEntry
from results.services.snapshots import (
    snapshot_freeze,
    snapshot_reproduce,
    snapshot_unfreeze,
)
from tests import factories
from tests import judging_factories as jf
from tests import results_factories as rf

pytestmark = pytest.mark.django_db


def entries(snapshot):
    return {e.work_id: e for e in SnapshotEntry.objects.filter(snapshot=snapshot)}


def test_freeze_ranks_with_shared_ranks_and_keeps_the_breakdown():
    round_, works, judges = rf.scored_round(
        {
            "A": {"j1": [8], "j2": [6]},  # 7
            "B": {"j1": [9], "j2": [7]},  # 8
            "C": {"j1": [7], "j2": [7]},  # 7
            "D": {"j1": [2], "j2": [4]},  # 3
        }
    )
    RankingSettings.objects.create(round=round_, method="mean")
    user = factories.UserFactory()
    snapshot = snapshot_freeze(round=round_, actor=user)
    round_.refresh_from_db()
    assert round_.state == Round.State.FROZEN
    got = entries(snapshot)
    ranks = {label: got[w.pk].rank for label, w in works.items()}
    assert ranks == {"A": 2, "B": 1, "C": 2, "D": 4}
    assert got[works["A"].pk].shares_rank and not got[works["B"].pk].shares_rank
    b = got[works["B"].pk]
    assert b.score == Decimal("8.0000")
    assert b.method_scores["mean"] == 8.0 and set(b.method_scores) >= {"median"}
    assert b.sheet_count == 2
    assert all(type(row["judge"]) is int for row in b.judge_totals)
    totals = {row["judge"]: row["total"] for row in b.judge_totals}
    assert totals == {judges["j1"].pk: 9.0, judges["j2"].pk: 7.0}
    assert all(row["counted"] and not row["arbitrator"] for row in b.judge_totals)
    criterion = round_.rubric.criteria.get()
    assert b.criterion_means == {str(criterion.pk): 8.0}
    assert b.adjustments["dropped"] == 0 and b.adjustments["arbitrated"] is False
    assert snapshot.method == "mean" and snapshot.work_count == 4
    assert len(snapshot.input_hash) == 64
    assert snapshot.params["pools"][0]["key"] == f"category-{works['A'].category_id}"
    assert got[works["A"].pk].pool_key == f"category-{works['A'].category_id}"


def test_tie_breaks_criteria_in_order_then_sheets():
    # A and B tie on the total 10; B is better on the first criterion.
    round_, works, _judges = rf.scored_round(
        {
            "A": {"j1": [4, 6], "j2": [4, 6]},
            "B": {"j1": [6, 4], "j2": [6, 4]},
            "C": {"j1": [5, 5], "j2": [5, 5], "j3": [5, 5]},
        },
        criteria=((10, 1), (10, 1)),
    )
    first = round_.rubric.criteria.order_by("order").first()
    RankingSettings.objects.create(
        round=round_, method="mean", tiebreak_criteria=[first.pk], tiebreak_sheets=True
    )
    snapshot = snapshot_freeze(round=round_, actor=factories.UserFactory())
    got = entries(snapshot)
    # B (first criterion 6) and C (5 with three sheets) beat A (4).
    assert [got[works[x].pk].rank for x in "BCA"] == [1, 2, 3]
    assert not any(e.shares_rank for e in got.values())


def test_tie_break_on_sheets_alone():
    round_, works, _ = rf.scored_round(
        {"A": {"j1": [5], "j2": [5]}, "B": {"j1": [5], "j2": [5], "j3": [5]}}
    )
    RankingSettings.objects.create(round=round_, method="mean", tiebreak_sheets=True)
    got = entries(snapshot_freeze(round=round_, actor=factories.UserFactory()))
    assert got[works["B"].pk].rank == 1 and got[works["A"].pk].rank == 2


def test_freeze_refuses_open_cases_listing_them():
    round_, works, _ = rf.scored_round({"A": {"j1": [2], "j2": [9]}, "B": {"j1": [5]}})
    rf.case(round_, works["A"])
    rf.case(round_, works["B"], state=DivergenceCase.State.ARBITRATION)
    with translation.override("en"), pytest.raises(Conflict) as exc:
        snapshot_freeze(round=round_, actor=factories.UserFactory())
    assert exc.value.code == "open_cases"
    assert works["A"].anonymous_code in str(exc.value.message)
    assert works["B"].anonymous_code in str(exc.value.message)
    assert not ResultSnapshot.objects.exists()


@pytest.mark.parametrize("state", [Round.State.OPEN, Round.State.DRAFT])
def test_freeze_refuses_a_round_not_closed(state):
    round_, _works, _ = rf.scored_round({"A": {"j1": [2]}}, state=state)
    with pytest.raises(Conflict) as exc:
        snapshot_freeze(round=round_, actor=factories.UserFactory())
    assert exc.value.code == "not_closed"


def test_freeze_twice_is_refused():
    round_, _works, _ = rf.scored_round({"A": {"j1": [2]}})
    snapshot_freeze(round=round_, actor=factories.UserFactory())
    with pytest.raises(Conflict) as exc:
        snapshot_freeze(round=round_, actor=factories.UserFactory())
    assert exc.value.code == "frozen"


def test_round_without_sheets_freezes_all_tied_last():
    round_, _works, _ = rf.scored_round({"A": {}, "B": {}})
    got = entries(snapshot_freeze(round=round_, actor=factories.UserFactory()))
    assert {e.rank for e in got.values()} == {1}
    assert all(e.score is None and e.shares_rank for e in got.values())


def test_arbitrated_work_breakdown():
    round_, works, judges = rf.scored_round(
        {"A": {"j1": [2], "j2": [9]}, "B": {"j1": [5], "j2": [6]}},
        final_rule=Round.FinalRule.ARBITRATOR,
    )
    chief = factories.UserFactory()
    rf.case(
        round_,
        works["A"],
        state=DivergenceCase.State.ARBITRATED,
        arbitrator=chief,
        arbitrated_score=Decimal("7.5"),
    )
    RankingSettings.objects.create(round=round_, method="mean")
    got = entries(snapshot_freeze(round=round_, actor=factories.UserFactory()))
    a = got[works["A"].pk]
    assert a.score == Decimal("7.5") and a.rank == 1
    rows = {(r["judge"], r["arbitrator"]): r for r in a.judge_totals}
    assert rows[(chief.pk, True)]["counted"] is True
    assert rows[(judges["j1"].pk, False)]["counted"] is False
    assert a.adjustments == {
        "calibration_shift": a.adjustments["calibration_shift"],
        "bias_shift": a.adjustments["bias_shift"],
        "arbitrated": True,
        "dropped": 2,
    }


def _rescore(work, judge, value):
    score = Score.objects.get(sheet__assignment__work=work, sheet__assignment__judge=judge)
    score.value = Decimal(value)
    score.save()
    score.sheet.total = Decimal(value)
    score.sheet.save()


def test_hash_is_stable_and_reproduce_detects_a_changed_score():
    table = {"A": {"j1": [8], "j2": [6]}, "B": {"j1": [9], "j2": [7]}}  # 7 and 8
    round_, works, judges = rf.scored_round(table)
    snapshot = snapshot_freeze(round=round_, actor=factories.UserFactory())
    report = snapshot_reproduce(snapshot=snapshot)
    assert report["hash_matches"] and report["ranks_match"] and report["scores_match"]
    assert report["input_hash"] == snapshot.input_hash
    # Same inputs, same hash: freeze again after unfreezing.
    snapshot_unfreeze(round=round_)
    again = snapshot_freeze(round=round_, actor=factories.UserFactory())
    assert again.input_hash == snapshot.input_hash
    # A changed score changes the hash even when the ranks stay (B: 8.25).
    _rescore(works["B"], judges["j2"], "7.5")
    report = snapshot_reproduce(snapshot=again)
    assert not report["hash_matches"] and not report["scores_match"]
    assert report["ranks_match"]
    assert report["changed"] == [{"work": works["B"].pk, "code": works["B"].anonymous_code}]
    # B falls to 5: both ranks change.
    _rescore(works["B"], judges["j2"], "1")
    report = snapshot_reproduce(snapshot=again)
    assert not report["ranks_match"]
    assert {row["work"] for row in report["changed"]} == {works["A"].pk, works["B"].pk}


def test_hash_changes_with_method():
    round_, _works, _ = rf.scored_round({"A": {"j1": [8]}, "B": {"j1": [6]}})
    first = snapshot_freeze(round=round_, actor=factories.UserFactory()).input_hash
    snapshot_unfreeze(round=round_)
    RankingSettings.objects.create(round=round_, method="median")
    assert snapshot_freeze(round=round_, actor=factories.UserFactory()).input_hash != first


def test_unfreeze_refused_while_an_advancement_uses_the_snapshot():
    round_, _works, _ = rf.scored_round({"A": {"j1": [8]}})
    snapshot = snapshot_freeze(round=round_, actor=factories.UserFactory())
    later = jf.RoundFactory(contest=round_.contest, state=Round.State.DRAFT)
    Advancement.objects.create(snapshot=snapshot, to_round=later, rule="top_n", value=1)
    with pytest.raises(Conflict) as exc:
        snapshot_unfreeze(round=round_)
    assert exc.value.code == "snapshot_in_use"


def test_unfreeze_discards_the_snapshot():
    round_, _works, _ = rf.scored_round({"A": {"j1": [8]}})
    snapshot_freeze(round=round_, actor=factories.UserFactory())
    snapshot_unfreeze(round=round_)
    round_.refresh_from_db()
    assert round_.state == Round.State.CLOSED
    assert not ResultSnapshot.objects.exists() and not SnapshotEntry.objects.exists()
    with pytest.raises(Conflict):
        snapshot_unfreeze(round=round_)


def test_hash_ignores_row_order_and_dtypes():
    from results.services.aggregation import load_inputs
    from results.services.snapshots import input_hash, snapshot_params

    round_, _works, _ = rf.scored_round(
        {"A": {"j1": [8, 1], "j2": [6, 2]}, "B": {"j1": [9, 3], "j2": [5, 4]}},
        criteria=((10, 1), (10, 2)),
    )
    inputs = load_inputs(round_)
    params = snapshot_params(inputs)
    first = input_hash(inputs, "mean", params)
    inputs.scores = inputs.scores.sample(frac=1, random_state=3).astype({"value": "float32"})
    inputs.totals = inputs.totals.iloc[::-1]
    assert input_hash(inputs, "mean", params) == first
    inputs.scores.loc[inputs.scores.index[0], "value"] += 0.5
    assert input_hash(inputs, "mean", params) != first


def test_pools_in_the_snapshot_and_a_used_pool_cannot_be_deleted():
    from results.models import Pool, PoolCategory
    from results.services.pools import pool_delete

    round_, works, judges = rf.scored_round({"A": {"j1": [5]}, "B": {"j1": [7]}})
    other = factories.CategoryFactory(contest=round_.contest)
    c = rf.work(round_, other)
    rf.sheet(round_, c, judges["j1"], [6])
    pool = Pool.objects.create(contest=round_.contest, name="合并")
    PoolCategory.objects.create(pool=pool, category=works["A"].category)
    PoolCategory.objects.create(pool=pool, category=other)
    got = entries(snapshot_freeze(round=round_, actor=factories.UserFactory()))
    assert {e.pool_id for e in got.values()} == {pool.pk}
    assert [got[w.pk].rank for w in (works["B"], c, works["A"])] == [1, 2, 3]
    with pytest.raises(Conflict):
        pool_delete(pool=pool)
