"""Pure scoring: aggregation methods (judging.scoring.aggregate)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.scoring import (
    METHODS,
    all_methods,
    calibrate_totals,
    is_connected,
    judge_bias_model,
    mean,
    median,
    recommend,
    trimmed_mean,
    zscore_calibrated,
)


def long(rows):
    return pd.DataFrame(rows, columns=["work", "judge", "total"])


def test_mean_and_median_by_work():
    df = long([(1, 1, 80), (1, 2, 90), (1, 3, 70), (2, 1, 60), (2, 2, 64)])
    assert mean(df).to_dict() == {1: 80.0, 2: 62.0}
    assert median(df).to_dict() == {1: 80.0, 2: 62.0}


def test_trimmed_mean_drops_one_high_one_low_with_five_sheets():
    df = long([(1, j, t) for j, t in enumerate([10, 50, 60, 70, 100], start=1)])
    assert trimmed_mean(df)[1] == pytest.approx(60.0)  # mean of 50, 60, 70
    assert mean(df)[1] == pytest.approx(58.0)


def test_trimmed_mean_drops_only_one_of_repeated_extremes():
    df = long([(1, j, t) for j, t in enumerate([10, 10, 50, 100, 100], start=1)])
    assert trimmed_mean(df)[1] == pytest.approx((10 + 50 + 100) / 3)


def test_trimmed_mean_is_plain_mean_under_five_sheets():
    df = long([(1, j, t) for j, t in enumerate([10, 50, 60, 100], start=1)])
    assert trimmed_mean(df)[1] == pytest.approx(55.0)


def test_nan_totals_are_ignored_and_empty_input_gives_empty_results():
    df = long([(1, 1, 80), (1, 2, np.nan), (2, 1, np.nan)])
    assert mean(df).to_dict() == {1: 80.0}
    empty = long([])
    for fn in (mean, trimmed_mean, median, zscore_calibrated):
        assert fn(empty).empty
    quality, bias = judge_bias_model(empty)
    assert quality.empty and bias.empty
    assert all_methods(empty).empty
    assert list(all_methods(empty).columns) == list(METHODS)
    assert recommend(empty) == ("mean", "no sheets")


def test_zscore_calibration_removes_a_judge_offset():
    # judge 1 and judge 2 see the same 6 works; judge 2 is 10 points harsher throughout.
    base = [60, 65, 70, 75, 80, 85]
    df = long(
        [(w, 1, t) for w, t in enumerate(base)] + [(w, 2, t - 10) for w, t in enumerate(base)]
    )
    cal = calibrate_totals(df)
    a = cal[cal.judge == 1].set_index("work")["calibrated"]
    b = cal[cal.judge == 2].set_index("work")["calibrated"]
    np.testing.assert_allclose(a, b)
    # rescaled to the whole data's mean and std
    assert cal["calibrated"].mean() == pytest.approx(df["total"].mean())
    z = zscore_calibrated(df)
    assert z.is_monotonic_increasing


def test_zscore_keeps_raw_for_few_sheets_and_zero_spread():
    rows = [(w, 1, 50 + w) for w in range(6)]  # judge 1: 6 sheets, calibrated
    rows += [(w, 2, 70) for w in range(6)]  # judge 2: no spread, raw
    rows += [(0, 3, 99), (1, 3, 11)]  # judge 3: two sheets, raw
    cal = calibrate_totals(long(rows)).set_index(["work", "judge"])
    assert not cal.loc[(0, 1), "raw_kept"]
    assert cal.loc[(0, 2), "calibrated"] == 70
    assert cal.loc[(0, 3), "calibrated"] == 99
    assert cal.loc[(1, 3), "raw_kept"]


def test_single_judge_is_handled():
    df = long([(w, 7, 60 + w) for w in range(6)])
    quality, bias = judge_bias_model(df)
    np.testing.assert_allclose(quality.to_numpy(), 60 + np.arange(6))
    assert bias.to_dict() == {7: 0.0}
    table = all_methods(df)
    np.testing.assert_allclose(table["zscore_calibrated"], table["mean"])
    assert recommend(df)[0] == "mean"


def test_bias_model_hand_example():
    # works A=1, B=2; judge 1 lenient (+2), judge 2 harsh (-2); qualities 10 and 20.
    df = long([(1, 1, 12), (1, 2, 8), (2, 1, 22), (2, 2, 18)])
    quality, bias = judge_bias_model(df)
    assert quality.to_dict() == pytest.approx({1: 10.0, 2: 20.0})
    assert bias.to_dict() == pytest.approx({1: 2.0, 2: -2.0})


def test_bias_model_recovers_planted_biases():
    rng = np.random.default_rng(42)
    n_works, n_judges = 60, 8
    quality = rng.uniform(50, 90, n_works)
    bias = rng.normal(0, 5, n_judges)
    bias -= bias.mean()
    rows = []
    for w in range(n_works):
        for j in rng.choice(n_judges, 3, replace=False):
            rows.append((w, int(j), quality[w] + bias[j] + rng.normal(0, 0.5)))
    df = long(rows)
    assert is_connected(df)
    q_hat, b_hat = judge_bias_model(df)
    assert b_hat.sum() == pytest.approx(0.0, abs=1e-9)
    np.testing.assert_allclose(b_hat.to_numpy(), bias, atol=0.5)
    np.testing.assert_allclose(q_hat.to_numpy(), quality, atol=1.5)
    assert recommend(df)[0] == "judge_bias_model"


@settings(max_examples=25, deadline=None)
@given(
    biases=st.lists(st.floats(-10, 10), min_size=2, max_size=5),
    qualities=st.lists(st.floats(0, 100), min_size=2, max_size=6),
)
def test_bias_model_is_exact_on_noise_free_complete_data(biases, qualities):
    b = np.array(biases) - np.mean(biases)
    df = long([(w, j, q + b[j]) for w, q in enumerate(qualities) for j in range(len(b))])
    q_hat, b_hat = judge_bias_model(df)
    np.testing.assert_allclose(b_hat.to_numpy(), b, atol=1e-6)
    np.testing.assert_allclose(q_hat.to_numpy(), qualities, atol=1e-6)


def test_is_connected():
    assert is_connected(long([(1, 1, 1), (1, 2, 1), (2, 2, 1)]))
    assert not is_connected(long([(1, 1, 1), (2, 2, 1)]))


def test_all_methods_side_by_side():
    df = long([(1, 1, 80), (1, 2, 90), (2, 1, 60), (2, 2, 70)])
    table = all_methods(df)
    assert list(table.columns) == list(METHODS)
    assert list(table.index) == [1, 2]
    assert table.loc[1, "mean"] == 85.0
    assert table.loc[1, "judge_bias_model"] == pytest.approx(85.0)


def test_recommend_rules():
    agree = long([(w, j, 60 + 5 * w) for w in range(4) for j in (1, 2)])
    assert recommend(agree)[0] == "mean"
    # disconnected design, judges differ, everybody has ≥ 5 sheets -> calibrated
    rows = [(w, 1, 80 + w) for w in range(6)] + [(w, 2, 40 + w) for w in range(6, 12)]
    method, reason = recommend(long(rows))
    assert method == "zscore_calibrated"
    assert "5 sheets" in reason
    # disconnected and too few sheets -> mean
    rows = [(1, 1, 90), (2, 1, 91), (3, 2, 40), (4, 2, 41)]
    assert recommend(long(rows))[0] == "mean"
