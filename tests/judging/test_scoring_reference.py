"""Reliability statistics against reference implementations: pingouin's intraclass_corr for the
six Shrout & Fleiss forms, and the `krippendorff` package for interval alpha with missing cells.

Pingouin names the forms after McGraw & Wong: ICC(1,1) is the one-way model, ICC(A,1) the
two-way absolute-agreement form (Shrout & Fleiss ICC(2,1)) and ICC(C,1) the two-way consistency
form (ICC(3,1)); likewise for the average-of-k forms.
"""

import krippendorff
import numpy as np
import pandas as pd
import pingouin
import pytest

from judging.scoring import complete_block, icc, krippendorff_alpha_interval

PINGOUIN_NAME = {
    "ICC(1,1)": "ICC(1,1)",
    "ICC(2,1)": "ICC(A,1)",
    "ICC(3,1)": "ICC(C,1)",
    "ICC(1,k)": "ICC(1,k)",
    "ICC(2,k)": "ICC(A,k)",
    "ICC(3,k)": "ICC(C,k)",
}
SEEDS = range(6)
# pingouin 0.5 calls DataFrame.dropna(inplace=True), deprecated by pandas 3.1: not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword")


def long_of(matrix: np.ndarray) -> pd.DataFrame:
    rows = [
        (w, j, float(v))
        for w, row in enumerate(matrix)
        for j, v in enumerate(row)
        if not np.isnan(v)
    ]
    return pd.DataFrame(rows, columns=["work", "judge", "total"])


def judged(rng: np.random.Generator, works: int, judges: int) -> np.ndarray:
    """Totals with a work effect, a judge offset and noise, on a 0.5 step as a rubric gives."""
    quality = rng.normal(70, 8, (works, 1))
    offset = rng.normal(0, 4, (1, judges))
    return np.round((quality + offset + rng.normal(0, 5, (works, judges))) * 2) / 2


@pytest.mark.parametrize("seed", SEEDS)
def test_icc_matches_pingouin_on_complete_data(seed):
    rng = np.random.default_rng(seed)
    matrix = judged(rng, works=int(rng.integers(5, 40)), judges=int(rng.integers(2, 7)))
    ours = icc(matrix)
    ref = pingouin.intraclass_corr(
        data=long_of(matrix), targets="work", raters="judge", ratings="total"
    ).set_index("Type")["ICC"]
    for form, name in PINGOUIN_NAME.items():
        assert ours[form] == pytest.approx(ref[name], abs=1e-9), form


@pytest.mark.parametrize("seed", SEEDS)
def test_icc_of_the_complete_block_matches_pingouin(seed):
    # Missing cells around a complete core: the block is the core, and its ICC is pingouin's.
    rng = np.random.default_rng(100 + seed)
    matrix = judged(rng, works=30, judges=6)
    holes = rng.random(matrix.shape) < 0.3
    holes[:20, :3] = False  # works 0–19 were all scored by judges 0–2
    holes[20:, :3] |= rng.random((10, 3)) < 0.5
    holes[20:, 0] = True  # the rest lack judge 0, so they are outside the block
    matrix[holes] = np.nan
    block = complete_block(long_of(matrix))
    assert {0, 1, 2} <= set(block.columns)
    assert not block.isna().any().any()
    ref = pingouin.intraclass_corr(
        data=long_of(block.to_numpy()), targets="work", raters="judge", ratings="total"
    ).set_index("Type")["ICC"]
    ours = icc(block)
    for form, name in PINGOUIN_NAME.items():
        assert ours[form] == pytest.approx(ref[name], abs=1e-9), form


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("missing", [0.0, 0.2, 0.5])
def test_krippendorff_matches_the_reference_package_with_missing_cells(seed, missing):
    rng = np.random.default_rng(seed)
    matrix = judged(rng, works=int(rng.integers(8, 30)), judges=int(rng.integers(2, 6)))
    matrix[rng.random(matrix.shape) < missing] = np.nan
    # the reference takes coders × units and skips units with fewer than two values itself
    ref = krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="interval")
    assert krippendorff_alpha_interval(long_of(matrix)) == pytest.approx(ref, abs=1e-9)


def test_krippendorff_matches_on_integer_ratings_with_a_single_valued_unit():
    rng = np.random.default_rng(7)
    matrix = rng.integers(1, 6, (15, 4)).astype(float)
    matrix[rng.random(matrix.shape) < 0.3] = np.nan
    matrix[0, 1:] = np.nan  # a unit with one value: not pairable
    ref = krippendorff.alpha(reliability_data=matrix.T, level_of_measurement="interval")
    assert krippendorff_alpha_interval(long_of(matrix)) == pytest.approx(ref, abs=1e-9)
