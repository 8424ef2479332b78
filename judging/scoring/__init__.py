"""Pure scoring computations (no Django): aggregation, reliability, ranking. See DESIGN.md §6."""

from .aggregate import (
    METHODS,
    all_methods,
    calibrate_totals,
    is_connected,
    judge_bias_model,
    mean,
    median,
    recommend,
    recommendation,
    trimmed_mean,
    zscore_calibrated,
)
from .final import RULES, apply_final_rule, closest_pair, closest_pair_spread, spread
from .rank import allocate_tiers, competition_rank
from .reliability import ICC_FORMS, complete_block, icc, judge_stats, krippendorff_alpha_interval

__all__ = [
    "ICC_FORMS",
    "METHODS",
    "RULES",
    "all_methods",
    "allocate_tiers",
    "apply_final_rule",
    "calibrate_totals",
    "closest_pair",
    "closest_pair_spread",
    "competition_rank",
    "complete_block",
    "icc",
    "is_connected",
    "judge_bias_model",
    "judge_stats",
    "krippendorff_alpha_interval",
    "mean",
    "median",
    "recommend",
    "recommendation",
    "spread",
    "trimmed_mean",
    "zscore_calibrated",
]
