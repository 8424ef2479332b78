"""Judge quality and reliability of a round (DESIGN.md §6), for its organisers only: judges'
names appear here.

Computed on every submitted sheet of the round (not only the sheets that count under the
final-score rule: a judge's leniency shows in all their sheets), with judging.scoring. Reads are
set-based and their number does not grow with the number of judges or sheets: the totals through
a raw cursor, the judges' names in one query, the submissions per day counted by the database.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from django.db.models import Count
from django.db.models.functions import TruncDate

from contest.models import User
from judging.models import Assignment, Round, ScoreSheet
from judging.scoring import ICC_FORMS, complete_block, icc, judge_stats, krippendorff_alpha_interval
from judging.scoring.reliability import MIN_PAIRED, OUTLIER_Z, POOR_AGREEMENT
from results.selectors.frames import SUBMITTED, submitted_totals


@dataclass
class Distribution:
    """A judge's totals as a box: lowest, quartiles, highest."""

    low: float
    q1: float
    median: float
    q3: float
    high: float


@dataclass
class JudgeQuality:
    user_id: int
    name: str
    email: str
    count: int
    mean: float
    std: float | None
    paired: int
    leniency: float | None
    agreement: float | None
    mean_abs_dev: float | None
    leniency_z: float | None
    agreement_z: float | None
    outlier: bool
    distribution: Distribution


@dataclass
class Reliability:
    """ICC on the complete block (`block_works` × `block_judges` of the sheets) and
    Krippendorff's alpha on every sheet (`alpha_works`: works with ≥ 2 sheets, which pair)."""

    icc: dict[str, float | None]
    block_works: int
    block_judges: int
    alpha: float | None
    alpha_works: int


@dataclass
class ProgressDay:
    day: date
    submitted: int
    cumulative: int


@dataclass
class RoundQuality:
    round: Round
    sheets: int
    works: int
    expected: int  # live assignments: the sheets the round waits for
    judges: list[JudgeQuality] = field(default_factory=list)
    reliability: Reliability | None = None
    progress: list[ProgressDay] = field(default_factory=list)
    outlier_z: float = OUTLIER_Z
    poor_agreement: float = POOR_AGREEMENT
    min_paired: int = MIN_PAIRED


def _num(value) -> float | None:
    """A float for display and JSON, None for NaN."""
    return None if value is None or not np.isfinite(value) else float(value)


def reliability(totals: pd.DataFrame) -> Reliability:
    block = complete_block(totals)
    values = icc(block) if not block.empty else pd.Series(np.nan, index=list(ICC_FORMS))
    pairable = totals.dropna(subset=["total"]).groupby("work").size()
    return Reliability(
        icc={form: _num(values[form]) for form in ICC_FORMS},
        block_works=block.shape[0],
        block_judges=block.shape[1],
        alpha=_num(krippendorff_alpha_interval(totals)),
        alpha_works=int((pairable >= 2).sum()),
    )


def distributions(totals: pd.DataFrame) -> dict[int, Distribution]:
    """Five numbers per judge, computed for all judges at once."""
    d = totals.dropna(subset=["total"])
    if d.empty:
        return {}
    q = d.groupby("judge")["total"].quantile([0.0, 0.25, 0.5, 0.75, 1.0]).unstack()
    return {
        int(j): Distribution(*(float(v) for v in row))
        for j, row in zip(q.index, q.to_numpy(), strict=True)
    }


def _names(round_: Round) -> dict[int, tuple[str, str]]:
    judges = ScoreSheet.objects.filter(assignment__round=round_, **SUBMITTED).values(
        "assignment__judge_id"
    )
    rows = User.objects.filter(pk__in=judges).values_list("pk", "real_name", "email")
    return {pk: (name, email) for pk, name, email in rows}


def judge_rows(totals: pd.DataFrame, names: dict[int, tuple[str, str]]) -> list[JudgeQuality]:
    """Per judge, outliers first, then by name."""
    stats = judge_stats(totals)
    boxes = distributions(totals)
    rows = []
    for judge, s in zip(stats.index, stats.itertuples(index=False), strict=True):
        name, email = names.get(int(judge), ("", ""))
        rows.append(
            JudgeQuality(
                user_id=int(judge),
                name=name or email,
                email=email,
                count=int(s.count),
                mean=float(s.mean),
                std=_num(s.std),
                paired=int(s.paired),
                leniency=_num(s.leniency),
                agreement=_num(s.agreement),
                mean_abs_dev=_num(s.mean_abs_dev),
                leniency_z=_num(s.leniency_z),
                agreement_z=_num(s.agreement_z),
                outlier=bool(s.outlier),
                distribution=boxes[int(judge)],
            )
        )
    return sorted(rows, key=lambda r: (not r.outlier, r.name, r.user_id))


def progress(round_: Round) -> list[ProgressDay]:
    """Submitted sheets per day (in the site's time zone) and their running total."""
    per_day = (
        ScoreSheet.objects.filter(assignment__round=round_, **SUBMITTED)
        .exclude(submitted_at=None)
        .annotate(day=TruncDate("submitted_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by("day")
        .values_list("day", "n")
    )
    days, running = [], 0
    for day, n in per_day:
        running += n
        days.append(ProgressDay(day, n, running))
    return days


def round_quality(round_: Round) -> RoundQuality:
    """Everything on the round's quality page and in its API, in five queries."""
    totals = submitted_totals(round_)
    totals = totals.dropna(subset=["total"])
    expected = (
        Assignment.objects.filter(round=round_).exclude(state=Assignment.State.RECUSED).count()
    )
    return RoundQuality(
        round=round_,
        sheets=len(totals),
        works=int(totals["work"].nunique()),
        expected=expected,
        judges=judge_rows(totals, _names(round_)) if len(totals) else [],
        reliability=reliability(totals),
        progress=progress(round_),
    )
