"""Pure scoring: reliability and judge statistics (judging.scoring.reliability)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.scoring import complete_block, icc, judge_stats, krippendorff_alpha_interval

SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]

# Krippendorff (2011) "Computing Krippendorff's alpha-reliability", 4 coders × 12 units with
# missing values; published interval alpha = 0.849.
KRIPP = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def long(rows):
    return pd.DataFrame(rows, columns=["work", "judge", "total"])


def wide_to_long(matrix):
    return long(
        [(w, j, v) for w, row in enumerate(matrix) for j, v in enumerate(row) if v is not None]
    )


def kripp_long():
    return long(
        [
            (u, j, v)
            for j, values in enumerate(KRIPP.values())
            for u, v in enumerate(values)
            if v is not None
        ]
    )


def test_icc_shrout_fleiss_table():
    got = icc(SHROUT_FLEISS).round(2).to_dict()
    assert got == {
        "ICC(1,1)": 0.17,
        "ICC(2,1)": 0.29,
        "ICC(3,1)": 0.71,
        "ICC(1,k)": 0.44,
        "ICC(2,k)": 0.62,
        "ICC(3,k)": 0.91,
    }


def test_icc_accepts_dataframe_and_rejects_missing_cells():
    frame = pd.DataFrame(SHROUT_FLEISS)
    pd.testing.assert_series_equal(icc(frame), icc(np.array(SHROUT_FLEISS)))
    with pytest.raises(ValueError):
        icc([[1, 2], [3, np.nan]])
    assert icc([[1, 2, 3]]).isna().all()


def test_icc_perfect_agreement_is_one():
    m = [[1, 1, 1], [5, 5, 5], [3, 3, 3]]
    np.testing.assert_allclose(icc(m).to_numpy(), 1.0)


def test_complete_block_takes_most_common_judge_set_and_supersets():
    rows = [(1, 1, 5), (1, 2, 6), (2, 1, 7), (2, 2, 8), (3, 1, 1), (3, 2, 2), (3, 3, 3)]
    rows += [(4, 3, 9), (4, 4, 9)]
    block = complete_block(long(rows))
    assert list(block.index) == [1, 2, 3]
    assert list(block.columns) == [1, 2]
    assert not block.isna().any().any()
    assert block.loc[3, 2] == 2


def test_complete_block_roundtrip_and_empty():
    block = complete_block(wide_to_long(SHROUT_FLEISS))
    np.testing.assert_allclose(block.to_numpy(), SHROUT_FLEISS)
    assert complete_block(long([(1, 1, 3), (2, 2, 4)])).empty
    assert complete_block(long([])).empty


def test_krippendorff_published_example():
    assert krippendorff_alpha_interval(kripp_long()) == pytest.approx(0.849, abs=5e-4)


def test_krippendorff_perfect_agreement_and_degenerate_cases():
    df = wide_to_long([[1, 1, None], [4, 4, 4], [2, None, 2]])
    assert krippendorff_alpha_interval(df) == pytest.approx(1.0)
    assert np.isnan(krippendorff_alpha_interval(long([])))
    assert np.isnan(krippendorff_alpha_interval(long([(1, 1, 3), (2, 1, 4)])))
    assert np.isnan(krippendorff_alpha_interval(wide_to_long([[2, 2], [2, 2]])))


def test_krippendorff_random_is_near_zero():
    rng = np.random.default_rng(0)
    df = wide_to_long(rng.normal(size=(400, 3)).tolist())
    assert abs(krippendorff_alpha_interval(df)) < 0.1


@settings(max_examples=25, deadline=None)
@given(
    data=st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 10)), min_size=3, max_size=3),
        min_size=3,
        max_size=8,
    ),
    shift=st.integers(-50, 50),
)
def test_krippendorff_invariant_to_adding_a_constant(data, shift):
    df = wide_to_long(data)
    shifted = df.assign(total=df["total"] + shift)
    a, b = krippendorff_alpha_interval(df), krippendorff_alpha_interval(shifted)
    if np.isnan(a):
        assert np.isnan(b)
    else:
        assert b == pytest.approx(a, abs=1e-9)
        assert a <= 1 + 1e-9


def test_krippendorff_identical_coders_on_complete_data_is_one_and_matches_icc_sense():
    matrix = [[r, r, r] for r in (1, 3, 4, 7, 9)]
    assert krippendorff_alpha_interval(wide_to_long(matrix)) == pytest.approx(1.0)


def test_judge_stats_hand_example():
    # three judges on the same four works; judge 3 is 10 points more lenient
    rows = []
    for w, q in enumerate([60, 70, 80, 90]):
        rows += [(w, 1, q), (w, 2, q), (w, 3, q + 10)]
    stats = judge_stats(long(rows))
    assert list(stats.columns) == [
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
    assert stats.loc[3, "count"] == 4
    assert stats.loc[3, "mean"] == pytest.approx(85.0)
    assert stats.loc[3, "leniency"] == pytest.approx(10.0)
    assert stats.loc[1, "leniency"] == pytest.approx(-5.0)
    assert stats.loc[1, "agreement"] == pytest.approx(1.0)
    assert stats.loc[3, "mean_abs_dev"] == pytest.approx(10.0)
    assert stats.loc[1, "mean_abs_dev"] == pytest.approx(5.0)  # others' mean: (q + q + 10) / 2
    assert stats.loc[3, "paired"] == 4
    assert stats["outlier"].dtype == bool


def test_judge_stats_agreement_is_pearson_on_the_paired_sheets():
    rng = np.random.default_rng(5)
    rows = [
        (w, int(j), float(rng.normal(60, 10)))
        for w in range(30)
        for j in rng.choice(6, 3, replace=False)
    ]
    rows.append((99, 0, 70.0))  # a work nobody else scored: not paired
    df = long(rows)
    stats = judge_stats(df)
    totals = df.groupby("work")["total"]
    df["others"] = (totals.transform("sum") - df["total"]) / (totals.transform("count") - 1)
    for judge, g in df[df["work"] != 99].groupby("judge"):
        expected = np.corrcoef(g["total"], g["others"])[0, 1]
        assert stats.loc[judge, "agreement"] == pytest.approx(expected, abs=1e-9)
        assert stats.loc[judge, "leniency"] == pytest.approx((g["total"] - g["others"]).mean())
    assert stats.loc[0, "count"] == stats.loc[0, "paired"] + 1


def test_judge_stats_robust_z_ignores_hair_differences():
    # six judges agreeing to within 0.01 point: nobody is an outlier
    rows = [(w, j, 50 + 5 * w + 0.01 * j) for w in range(6) for j in range(6)]
    stats = judge_stats(long(rows))
    assert not stats["outlier"].any()
    assert stats["leniency_z"].abs().max() < 1


def test_judge_stats_outliers_need_three_paired_sheets():
    rows = [(w, j, 50 + 5 * w) for w in range(6) for j in range(1, 6)]
    rows += [(0, 9, 99.0), (1, 9, 99.0)]  # wildly lenient but only two sheets
    stats = judge_stats(long(rows))
    assert stats.loc[9, "leniency_z"] > 2.5
    assert not stats.loc[9, "outlier"]


def test_judge_stats_flags_poor_agreement_and_extreme_leniency():
    rng = np.random.default_rng(1)
    quality = rng.uniform(40, 90, 12)
    rows = []
    for w, q in enumerate(quality):
        for j in range(1, 8):
            rows.append((w, j, q + rng.normal(0, 1)))
        rows.append((w, 8, 130 - q))  # judge 8 ranks the works upside down
    stats = judge_stats(long(rows))
    assert stats.loc[8, "agreement"] < 0.2
    assert stats.loc[8, "outlier"]
    assert not stats.loc[1:7, "outlier"].any()
    # an extremely lenient judge among many close ones
    rows = [
        (w, j, q + (30 if j == 8 else 0.1 * j)) for w, q in enumerate(quality) for j in range(1, 9)
    ]
    stats = judge_stats(long(rows))
    assert stats.loc[8, "outlier"]
    assert stats["outlier"].sum() == 1


def test_judge_stats_single_judge_and_empty():
    stats = judge_stats(long([(1, 1, 50), (2, 1, 60)]))
    assert np.isnan(stats.loc[1, "leniency"])
    assert not stats.loc[1, "outlier"]
    assert judge_stats(long([])).empty
