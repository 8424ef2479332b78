"""Judge assignment engine: pure Python, no Django. See `engine.assign`."""

from .engine import assign
from .model import (
    ALL_ELIGIBLE_JUDGES_CONFLICTED,
    ALL_ELIGIBLE_JUDGES_FULL,
    NO_ELIGIBLE_JUDGE,
    NOT_ENOUGH_ELIGIBLE_JUDGES,
    Judge,
    Plan,
    Rules,
    Shortfall,
    Work,
)

__all__ = [
    "ALL_ELIGIBLE_JUDGES_CONFLICTED",
    "ALL_ELIGIBLE_JUDGES_FULL",
    "NOT_ENOUGH_ELIGIBLE_JUDGES",
    "NO_ELIGIBLE_JUDGE",
    "Judge",
    "Plan",
    "Rules",
    "Shortfall",
    "Work",
    "assign",
]
