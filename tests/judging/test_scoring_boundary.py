"""Pure boundary re-review: standard errors, tier cut-offs, uncertain works
(judging.scoring.boundary)."""

import math

import numpy as np
import pandas as pd
import pytest

from judging.scoring import allocate_tiers, competition_rank
from judging.scoring.boundary import (
    adjusted_totals,
    pooled_within_sd,
    tier_cutoffs,
    uncertain_works,
    work_standard_errors,
)


def long(rows):
    return pd.DataFrame(rows, columns=["work", "judge", "total"])


def allocated(values, **spec):
    ranked = competition_rank(pd.DataFrame({"score": values}, index=range(1, len(values) + 1)))
    return allocate_tiers(ranked, **spec)


def test_pooled_sd_weights_works_by_degrees_of_freedom():
    # work 1: 70, 74 (var 8, 1 df); work 2: 60, 62, 64 (var 4, 2 df); work 3: one sheet
    df = long([(1, 1, 70), (1, 2, 74), (2, 1, 60), (2, 2, 62), (2, 3, 64), (3, 1, 90)])
    assert pooled_within_sd(df) == pytest.approx(math.sqrt((8 + 2 * 4) / 3))
    assert math.isnan(pooled_within_sd(long([(1, 1, 5)])))


def test_standard_errors_pool_each_work_with_the_round():
    df = long([(1, 1, 70), (1, 2, 74), (2, 1, 60), (2, 2, 62), (2, 3, 64), (3, 1, 90)])
    pooled2 = (8 + 2 * 4) / 3
    se = work_standard_errors(df, prior_df=2)
    assert se.loc[3, "sheets"] == 1 and math.isnan(se.loc[3, "sd"])
    assert se.loc[3, "se"] == pytest.approx(math.sqrt(pooled2))  # the round's sd alone
    assert se.loc[2, "sd_used"] == pytest.approx(math.sqrt((2 * 4 + 2 * pooled2) / 4))
    assert se.loc[2, "se"] == pytest.approx(se.loc[2, "sd_used"] / math.sqrt(3))
    # agreeing judges do not make a work certain while the round's judges disagree elsewhere
    df = long([(1, 1, 70), (1, 2, 70), (1, 3, 70), (2, 1, 50), (2, 2, 60), (2, 3, 70)])
    assert work_standard_errors(df).loc[1, "se"] > 0


def test_cutoffs_are_midpoints_between_tiers():
    out = allocated([95, 90, 85, 80, 75, 70], counts=[("一等奖", 1), ("二等奖", 2)])
    lines = tier_cutoffs(out, ["一等奖", "二等奖"])
    assert lines.to_dict("records") == [
        {"tier": "一等奖", "lowest_in": 95.0, "highest_out": 90.0, "cutoff": 92.5},
        {"tier": "二等奖", "lowest_in": 85.0, "highest_out": 80.0, "cutoff": 82.5},
    ]


def test_no_line_under_an_empty_tier_or_when_everybody_is_awarded():
    out = allocated([95, 90, 85], counts=[("一等奖", 0), ("二等奖", 3)])
    assert tier_cutoffs(out, ["一等奖", "二等奖"]).empty
    out = allocated([95, 90, 85], percents=[("一等奖", 40)])
    assert tier_cutoffs(out, ["一等奖"])["cutoff"].tolist() == [92.5]


def test_a_tie_at_the_cutoff_sits_on_the_line():
    out = allocated([95, 90, 90, 80], counts=[("一等奖", 2)])  # the tie stays in, flagged
    lines = tier_cutoffs(out, ["一等奖"])
    assert lines["cutoff"].tolist() == [85.0]


def test_uncertain_works_within_margin_of_the_nearest_line():
    scores = pd.Series({1: 95.0, 2: 90.0, 3: 85.0, 4: 80.0, 5: 82.5, 6: 70.0})
    se = pd.Series({1: 1.0, 2: 3.0, 3: 2.5, 4: 1.0, 5: 0.0, 6: np.nan})
    lines = pd.DataFrame({"tier": ["A", "B"], "cutoff": [92.5, 82.5]})
    near = uncertain_works(scores, se, lines, margin=1.0)
    assert near.index.tolist() == [5, 2, 3]  # by z: 0 (on the line), 0.83, 1.0
    assert near.loc[2, "tier"] == "A" and near.loc[2, "distance"] == pytest.approx(-2.5)
    assert near.loc[3, "tier"] == "B" and near.loc[3, "z"] == pytest.approx(1.0)
    wider = uncertain_works(scores, se, lines, margin=2.5)
    assert sorted(wider.index) == [1, 2, 3, 4, 5]  # work 6 has no se and is off the line
    assert uncertain_works(scores, se, lines, margin=0).index.tolist() == [5]


def test_uncertain_works_bad_inputs():
    lines = pd.DataFrame({"tier": ["A"], "cutoff": [80.0]})
    with pytest.raises(ValueError):
        uncertain_works(pd.Series({1: 80.0}), pd.Series({1: 1.0}), lines, margin=-1)
    with pytest.raises(ValueError):
        uncertain_works(pd.Series({1: 80.0}), pd.Series({1: 1.0}), lines, margin=float("nan"))
    empty_lines = pd.DataFrame(columns=["tier", "cutoff"])
    assert uncertain_works(pd.Series({1: 80.0}), pd.Series({1: 1.0}), empty_lines).empty
    assert uncertain_works(pd.Series({1: np.nan}), pd.Series({1: 1.0}), lines).empty


def test_adjusted_totals_remove_what_the_method_corrects():
    # judge 2 is 10 points more lenient on the same works: raw spread, none once adjusted
    rows = [(w, 1, 50 + 5 * w) for w in range(6)] + [(w, 2, 60 + 5 * w) for w in range(6)]
    df = long(rows)
    raw = work_standard_errors(adjusted_totals(df, "mean"))
    assert (raw["sd"] > 7).all()
    for method in ("judge_bias_model", "zscore_calibrated"):
        adjusted = adjusted_totals(df, method, min_sheets=5)
        assert list(adjusted.columns) == ["work", "judge", "total"]
        np.testing.assert_allclose(work_standard_errors(adjusted)["se"], 0.0, atol=1e-9)
    assert adjusted_totals(long([]), "judge_bias_model").empty
