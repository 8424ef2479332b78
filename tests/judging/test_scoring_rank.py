"""Pure scoring: competition ranking and award tiers (judging.scoring.rank)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.scoring import allocate_tiers, competition_rank

TIERS = ["特等奖", "一等奖", "二等奖", "三等奖"]


def scores(values, **tiebreaks):
    return pd.DataFrame({"score": values, **tiebreaks}, index=range(1, len(values) + 1))


def test_competition_rank_1224():
    ranked = competition_rank(scores([90, 85, 85, 80]))
    assert ranked["rank"].tolist() == [1, 2, 2, 4]
    assert ranked.index.tolist() == [1, 2, 3, 4]


def test_tiebreaks_in_order_and_remaining_ties_shared():
    df = scores([85, 90, 85, 85, 85], a=[1, 0, 2, 2, 2], b=[0, 0, 1, 1, 0])
    assert competition_rank(df)["rank"].tolist() == [1, 2, 2, 2, 2]
    ranked = competition_rank(df, ["a"])
    assert ranked.loc[[2, 3, 4, 5, 1], "rank"].tolist() == [1, 2, 2, 2, 5]
    ranked = competition_rank(df, ["a", "b"])
    assert ranked.loc[[2, 3, 4, 5, 1], "rank"].tolist() == [1, 2, 2, 4, 5]


def test_nan_scores_rank_last_and_missing_column_raises():
    ranked = competition_rank(scores([np.nan, 70, np.nan]))
    assert ranked["rank"].to_dict() == {2: 1, 1: 2, 3: 2}
    with pytest.raises(ValueError):
        competition_rank(scores([1, 2]), ["nope"])
    assert competition_rank(scores([])).empty


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=20))
def test_rank_is_one_plus_number_strictly_better(values):
    ranked = competition_rank(scores(values))
    for work, row in ranked.iterrows():
        assert row["rank"] == 1 + sum(v > values[work - 1] for v in values)


def test_tiers_by_counts_without_ties():
    ranked = competition_rank(scores([99, 95, 90, 88, 80, 70]))
    out = allocate_tiers(ranked, counts=dict(zip(TIERS, [1, 1, 2, 1], strict=True)))
    assert out["tier"].tolist() == ["特等奖", "一等奖", "二等奖", "二等奖", "三等奖", None]
    assert not out["tie_at_cutoff"].any()


def test_tie_straddling_a_count_boundary_stays_in_better_tier_flagged():
    ranked = competition_rank(scores([99, 95, 95, 90, 80]))
    out = allocate_tiers(ranked, counts=[("一等奖", 2), ("二等奖", 2)])
    assert out["tier"].tolist() == ["一等奖", "一等奖", "一等奖", "二等奖", None]
    assert out["tie_at_cutoff"].tolist() == [False, True, True, False, False]


def test_tie_fitting_exactly_is_not_flagged():
    ranked = competition_rank(scores([99, 95, 95, 90]))
    out = allocate_tiers(ranked, counts={"一等奖": 3, "二等奖": 1})
    assert out["tier"].tolist() == ["一等奖", "一等奖", "一等奖", "二等奖"]
    assert not out["tie_at_cutoff"].any()


def test_tie_straddling_the_last_boundary_is_flagged():
    ranked = competition_rank(scores([99, 90, 90, 90, 50]))
    out = allocate_tiers(ranked, counts={"一等奖": 1, "二等奖": 1})
    assert out["tier"].tolist() == ["一等奖", "二等奖", "二等奖", "二等奖", None]
    assert out["tie_at_cutoff"].tolist() == [False, True, True, True, False]


def test_tiers_by_percent_round_down():
    ranked = competition_rank(scores(list(range(100, 90, -1))))  # 10 works
    out = allocate_tiers(ranked, percents={"一等奖": 15, "二等奖": 25, "三等奖": 5})
    # floor(1.5)=1, floor(2.5)=2, floor(0.5)=0
    assert out["tier"].tolist() == ["一等奖", "二等奖", "二等奖"] + [None] * 7


def test_tiers_by_cutoffs():
    ranked = competition_rank(scores([95, 90, 90, 85, 60]))
    out = allocate_tiers(ranked, cutoffs={"一等奖": 90, "二等奖": 80})
    assert out["tier"].tolist() == ["一等奖", "一等奖", "一等奖", "二等奖", None]
    assert not out["tie_at_cutoff"].any()
    with pytest.raises(ValueError):
        allocate_tiers(ranked, cutoffs={"一等奖": 80, "二等奖": 90})


def test_exactly_one_spec_required_and_rank_computed_if_missing():
    df = scores([1, 3, 2])
    with pytest.raises(ValueError):
        allocate_tiers(df)
    with pytest.raises(ValueError):
        allocate_tiers(df, counts={"a": 1}, cutoffs={"a": 1})
    out = allocate_tiers(df, counts={"一等奖": 1})
    assert out.loc[2, "tier"] == "一等奖"
    assert out["tier"].isna().sum() == 2


@settings(max_examples=30, deadline=None)
@given(
    values=st.lists(st.integers(0, 6), min_size=1, max_size=25),
    counts=st.lists(st.integers(0, 5), min_size=1, max_size=4),
)
def test_counts_never_split_a_tie(values, counts):
    ranked = competition_rank(scores(values))
    out = allocate_tiers(ranked, counts={f"t{i}": c for i, c in enumerate(counts)})
    for _, group in out.groupby("rank"):
        assert group["tier"].nunique(dropna=False) == 1
        assert group["tie_at_cutoff"].nunique() == 1
    awarded_unflagged = out[out["tier"].notna() & ~out["tie_at_cutoff"]]
    assert len(awarded_unflagged) <= sum(counts)
