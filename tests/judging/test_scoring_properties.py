"""Properties of judging.scoring that must hold for any data (hypothesis), and bad inputs.

Hand-worked values live in test_scoring_aggregate/-reliability/-rank; the reference
implementations in test_scoring_reference.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from judging.scoring import (
    METHODS,
    all_methods,
    apply_final_rule,
    closest_pair,
    closest_pair_spread,
    competition_rank,
    icc,
    is_connected,
    judge_stats,
    krippendorff_alpha_interval,
    mean,
    recommend,
    spread,
    trimmed_mean,
    zscore_calibrated,
)
from judging.scoring.boundary import work_standard_errors

MIN_SHEETS = 3


def long(rows):
    return pd.DataFrame(rows, columns=["work", "judge", "total"])


def standardised(s: pd.Series) -> np.ndarray:
    """Scores up to an increasing affine map: same order, same relative gaps."""
    v = s.to_numpy(dtype=float)
    return (v - v.mean()) / v.std() if v.std() > 0 else v - v.mean()


@st.composite
def complete_rounds(draw, min_works=MIN_SHEETS, max_works=8):
    """Every judge scores every work (so the design is connected and each judge has ≥
    MIN_SHEETS sheets), integer totals, each judge with some spread."""
    works = draw(st.integers(min_works, max_works))
    judges = draw(st.integers(2, 4))
    totals = draw(
        st.lists(
            st.lists(st.integers(0, 100), min_size=judges, max_size=judges),
            min_size=works,
            max_size=works,
        )
    )
    matrix = np.array(totals, dtype=float)
    assume((matrix.std(axis=0) > 0).all())
    return long([(w, j, matrix[w, j]) for w in range(works) for j in range(judges)])


@st.composite
def sparse_rounds(draw):
    """Any round: each work scored by some of the judges, totals on a 0.5 step."""
    works = draw(st.integers(1, 8))
    rows = []
    for w in range(works):
        judges = draw(st.sets(st.integers(0, 5), min_size=1, max_size=4))
        rows += [(w, j, draw(st.integers(0, 200)) / 2) for j in sorted(judges)]
    return long(rows)


# --- A judge's constant offset is what calibration removes


@settings(max_examples=40, deadline=None)
@given(df=complete_rounds(), judge=st.integers(0, 3), shift=st.integers(-30, 30))
def test_a_constant_added_to_one_judge_changes_no_calibrated_rank(df, judge, shift):
    assume(judge in set(df["judge"]))
    shifted = df.assign(total=df["total"] + np.where(df["judge"] == judge, shift, 0))
    before = zscore_calibrated(df, min_sheets=MIN_SHEETS)
    after = zscore_calibrated(shifted, min_sheets=MIN_SHEETS)
    np.testing.assert_allclose(standardised(after), standardised(before), atol=1e-9)
    # the bias model takes the offset into the judge's bias: qualities move all alike
    q0 = all_methods(df, min_sheets=MIN_SHEETS)["judge_bias_model"]
    q1 = all_methods(shifted, min_sheets=MIN_SHEETS)["judge_bias_model"]
    np.testing.assert_allclose((q1 - q0).to_numpy(), (q1 - q0).iloc[0], atol=1e-8)


def ranks(scores: pd.Series) -> pd.Series:
    return competition_rank(scores.round(9).rename("score").to_frame())["rank"].sort_index()


@settings(max_examples=30, deadline=None)
@given(df=complete_rounds(), judge=st.integers(0, 3), shift=st.integers(1, 30))
def test_calibrated_competition_ranks_are_unchanged_by_an_offset(df, judge, shift):
    assume(judge in set(df["judge"]))
    shifted = df.assign(total=df["total"] + np.where(df["judge"] == judge, shift, 0))
    for method in ("zscore_calibrated", "judge_bias_model"):
        a = ranks(all_methods(df, min_sheets=MIN_SHEETS)[method])
        b = ranks(all_methods(shifted, min_sheets=MIN_SHEETS)[method])
        # equal up to float noise at 1e-9: only exact ties could split, and rounding keeps them
        assert (a == b).all(), method


# --- Names carry no meaning


@settings(max_examples=40, deadline=None)
@given(df=sparse_rounds(), data=st.data())
def test_relabelling_judges_and_works_changes_nothing(df, data):
    works = sorted(set(df["work"]))
    judges = sorted(set(df["judge"]))
    new_works = data.draw(st.permutations([w * 7 + 1000 for w in works]))
    new_judges = data.draw(st.permutations([j * 13 + 50 for j in judges]))
    wmap, jmap = (
        dict(zip(works, new_works, strict=True)),
        dict(zip(judges, new_judges, strict=True)),
    )
    renamed = df.assign(work=df["work"].map(wmap), judge=df["judge"].map(jmap))
    renamed = renamed.sample(frac=1, random_state=0)  # row order carries no meaning either

    a = all_methods(df, min_sheets=MIN_SHEETS)
    b = all_methods(renamed, min_sheets=MIN_SHEETS)
    b.index = b.index.map({v: k for k, v in wmap.items()})
    if not is_connected(df):
        # Qualities in different components of a disconnected design are not comparable and
        # their minimum-norm solution depends on which judge carries the Σ bias = 0 constraint.
        a, b = a.drop(columns="judge_bias_model"), b.drop(columns="judge_bias_model")
    pd.testing.assert_frame_equal(a.sort_index(), b.sort_index(), check_names=False, atol=1e-8)
    assert recommend(df, MIN_SHEETS)[0] == recommend(renamed, MIN_SHEETS)[0]
    alpha_a, alpha_b = krippendorff_alpha_interval(df), krippendorff_alpha_interval(renamed)
    assert (np.isnan(alpha_a) and np.isnan(alpha_b)) or alpha_a == pytest.approx(alpha_b)
    s_a = judge_stats(df)
    s_b = judge_stats(renamed)
    s_b.index = s_b.index.map({v: k for k, v in jmap.items()})
    pd.testing.assert_frame_equal(
        s_a.sort_index(), s_b.sort_index(), check_names=False, check_dtype=False, atol=1e-8
    )


@settings(max_examples=30, deadline=None)
@given(df=complete_rounds(min_works=2), data=st.data())
def test_icc_of_complete_data_ignores_the_order_of_works_and_judges(df, data):
    matrix = df.pivot(index="work", columns="judge", values="total").to_numpy()
    rows = data.draw(st.permutations(range(matrix.shape[0])))
    cols = data.draw(st.permutations(range(matrix.shape[1])))
    a, b = icc(matrix), icc(matrix[np.ix_(rows, cols)])
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), atol=1e-9, equal_nan=True)


# --- Bounds and ties


@settings(max_examples=50, deadline=None)
@given(totals=st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=9))
def test_trimmed_mean_lies_between_the_lowest_and_the_highest(totals):
    df = long([(1, j, t) for j, t in enumerate(totals)])
    value = trimmed_mean(df)[1]
    assert min(totals) - 1e-9 <= value <= max(totals) + 1e-9


@settings(max_examples=40, deadline=None)
@given(df=sparse_rounds())
def test_works_with_identical_sheets_tie_under_every_method(df):
    # a twin of work 0: the same judges giving it the same totals
    twin = df[df["work"] == 0].assign(work=99)
    table = all_methods(pd.concat([df, twin], ignore_index=True), min_sheets=MIN_SHEETS)
    for method in METHODS:
        assert table.loc[0, method] == pytest.approx(table.loc[99, method], abs=1e-8), method
        ranked = ranks(table[method])
        assert ranked[0] == ranked[99]


# --- Bad inputs


def test_no_sheets_gives_empty_results_everywhere():
    empty = long([])
    assert all_methods(empty).empty
    assert judge_stats(empty).empty
    assert np.isnan(krippendorff_alpha_interval(empty))
    assert work_standard_errors(empty).empty
    assert recommend(empty) == ("mean", "no sheets")


def test_one_judge_with_one_sheet():
    df = long([(5, 9, 77.5)])
    table = all_methods(df)
    assert table.loc[5].tolist() == [77.5] * len(METHODS)
    stats = judge_stats(df)
    assert stats.loc[9, "count"] == 1 and stats.loc[9, "paired"] == 0
    assert np.isnan(stats.loc[9, "leniency"]) and not stats.loc[9, "outlier"]
    assert recommend(df) == ("mean", "only one judge")
    assert np.isnan(work_standard_errors(df).loc[5, "se"])


def test_all_judges_equal_keeps_mean_and_flags_nobody():
    df = long([(w, j, 50 + 4 * w) for w in range(6) for j in range(4)])
    table = all_methods(df)
    for method in ("trimmed_mean", "median", "judge_bias_model"):
        np.testing.assert_allclose(table[method], table["mean"], atol=1e-9)
    # z-scores rescale by the sample sd of all totals (ddof=1 over 24) rather than of one judge's
    # (ddof=1 over 6), so the values stretch a little; the order and the centre are the mean's.
    np.testing.assert_allclose(
        standardised(table["zscore_calibrated"]), standardised(table["mean"])
    )
    assert table["zscore_calibrated"].mean() == pytest.approx(table["mean"].mean())
    assert recommend(df)[0] == "mean"
    stats = judge_stats(df)
    assert not stats["outlier"].any()
    assert (stats["leniency"] == 0).all() and (stats["agreement"] == 1).all()
    np.testing.assert_allclose(icc(df.pivot(index="work", columns="judge", values="total")), 1.0)
    assert krippendorff_alpha_interval(df) == pytest.approx(1.0)


def test_every_score_identical():
    df = long([(w, j, 60.0) for w in range(5) for j in range(3)])
    table = all_methods(df)
    np.testing.assert_allclose(table.to_numpy(), 60.0, atol=1e-9)
    assert recommend(df) == ("mean", "all totals are equal")
    assert icc(df.pivot(index="work", columns="judge", values="total")).isna().all()
    assert np.isnan(krippendorff_alpha_interval(df))
    stats = judge_stats(df)
    assert stats["agreement"].isna().all() and not stats["outlier"].any()
    assert (work_standard_errors(df)["se"] == 0).all()


def test_nan_and_none_totals_are_ignored():
    df = pd.DataFrame(
        {"work": [1, 1, 1, 2, 2], "judge": [1, 2, 3, 1, 2], "total": [80, None, np.nan, 70, "x"]}
    )
    assert mean(df).to_dict() == {1: 80.0, 2: 70.0}
    assert all_methods(df).notna().all().all()
    assert judge_stats(df).loc[1, "count"] == 2
    assert krippendorff_alpha_interval(df) != krippendorff_alpha_interval(df)  # NaN: no pairs
    assert spread([80, None, float("nan"), 70]) == 10


def test_missing_columns_are_refused():
    with pytest.raises(ValueError):
        all_methods(pd.DataFrame({"work": [1], "total": [3]}))


def test_tolerance_zero_final_helpers():
    # with tolerance 0 any difference diverges, and equal totals never do
    assert spread([75.5, 75.5, 75.5]) == 0
    assert spread([75.5, 75.0]) > 0
    assert spread([80]) == 0 and spread([]) == 0
    assert closest_pair([70, 80, 80]) == (1, 2)
    assert closest_pair_spread([70, 80, 80]) == 0
    assert closest_pair([70]) is None and closest_pair_spread([70]) == 0
    df = long([(1, 1, 70), (1, 2, 80), (1, 3, 80), (2, 1, 60), (2, 2, 60)])
    kept = apply_final_rule(df, rule="closest_pair", divergent=[1])
    assert sorted(kept.loc[kept["work"] == 1, "judge"]) == [2, 3]
    assert len(kept[kept["work"] == 2]) == 2  # not divergent: untouched
    with pytest.raises(ValueError):
        apply_final_rule(df, rule="nope")
