"""Organisers' page of a round's judge quality and reliability, with server-drawn charts."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _

from judging.selectors.assignment import access_round
from results import charts
from results.selectors.quality import JudgeQuality, RoundQuality, round_quality

PER_PAGE = 100
CHART_JUDGES = 60


def chart_judges(judges: list[JudgeQuality]) -> list[JudgeQuality]:
    """The judges drawn in the charts: all of a panel up to CHART_JUDGES, else the flagged ones
    and the farthest from the panel first; drawn by mean total."""
    shown = sorted(judges, key=lambda j: (not j.outlier, -abs(j.leniency_z or 0), j.user_id))
    return sorted(shown[:CHART_JUDGES], key=lambda j: (-j.mean, j.name))


def quality_charts(quality: RoundQuality) -> dict:
    judges = chart_judges(quality.judges)
    boxes = [charts.Box(j.name, **vars(j.distribution), flagged=j.outlier) for j in judges]
    lenient = [
        (j.name, j.leniency, j.outlier)
        for j in sorted(judges, key=lambda j: -(j.leniency or 0))
        if j.leniency is not None
    ]
    days = [
        (formats.date_format(d.day, "m-d"), d.submitted, d.cumulative) for d in quality.progress
    ]
    return {
        "chart_judges": len(judges),
        "distribution_chart": charts.box_plot(boxes, _("Totals given by each judge")),
        "leniency_chart": charts.diverging_bars(
            lenient, _("Leniency: mean difference from the other judges of the same works")
        ),
        "progress_chart": charts.progress_chart(
            days, quality.expected, _("Sheets submitted per day and in all")
        ),
    }


def icc_rows(quality: RoundQuality) -> list[tuple[str, float | None, float | None]]:
    """The six Shrout & Fleiss forms as (model, one judge, mean of the block's judges)."""
    icc = quality.reliability.icc
    return [
        (_("One-way: each work scored by different judges"), icc["ICC(1,1)"], icc["ICC(1,k)"]),
        (_("Two-way random judges, absolute agreement"), icc["ICC(2,1)"], icc["ICC(2,k)"]),
        (_("Two-way fixed judges, consistency"), icc["ICC(3,1)"], icc["ICC(3,k)"]),
    ]


@login_required
def round_quality_view(request, slug: str, pk: int):
    round_ = access_round(request.user, pk, slug=slug)
    quality = round_quality(round_)
    context = {
        "round": round_,
        "contest": round_.contest,
        "tab": "quality",
        "quality": quality,
        "outliers": sum(j.outlier for j in quality.judges),
        "icc_rows": icc_rows(quality),
        "page": Paginator(quality.judges, PER_PAGE).get_page(request.GET.get("page")),
        **quality_charts(quality),
    }
    return render(request, "results/quality/round.html", context)
