"""Organisers' ranking pages of a round: compare methods, choose how to rank, freeze, the
frozen ranking per pool, one work's explanation, reproduce, unfreeze.

Every page fetches the round through access_round(manage=True) (organisers only: 404 for
people who cannot see the round, 403 for judges) and calls the services; refusals come back
as DomainError and are shown as messages.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contest.errors import DomainError
from contest.models import Work
from judging.models import Round
from judging.selectors.rounds import access_round
from results.models import METHOD_LABELS
from results.selectors.ranking import (
    access_snapshot,
    entry_explanation,
    entry_of,
    pool_of,
    ranking_settings,
    snapshot_entries,
    snapshot_pools,
)
from results.services.aggregation import method_comparison, round_scores, tiebreak_columns
from results.services.snapshots import (
    ranking_settings_update,
    snapshot_freeze,
    snapshot_reproduce,
    snapshot_unfreeze,
)
from results.views.ranking_forms import RankingSettingsForm

PER_PAGE = 50


def _round(request, slug: str, pk: int) -> Round:
    round_ = access_round(request.user, pk, manage=True)
    if round_.contest.slug != slug:
        raise Http404
    return round_


def page_snapshot(request, slug: str, pk: int):
    snapshot = access_snapshot(request.user, pk)
    if snapshot.round.contest.slug != slug:
        raise Http404
    return snapshot


def _home(round_: Round) -> str:
    return reverse("round_ranking", args=[round_.contest.slug, round_.pk])


def comparison_context(round_: Round, page_number) -> dict:
    """Each method's rank side by side per pool; the works whose rank changes listed first."""
    settings = ranking_settings(round_)
    frame = round_scores(round_)
    tiebreaks = tiebreak_columns(frame, settings.tiebreak_criteria, settings.tiebreak_sheets)
    compared = method_comparison(frame, tiebreaks)
    pools = (
        compared.groupby(["pool_key", "pool_name"], sort=False)["changes"]
        .agg(["size", "sum"])
        .reset_index()
        .to_dict("records")
    )
    method = frame.attrs["method"]
    changed = compared[compared["changes"]].sort_values(["pool_key", f"rank_{method}"])
    page = Paginator(changed.reset_index().to_dict("records"), PER_PAGE).get_page(page_number)
    codes = dict(
        Work.objects.filter(pk__in=[r["work"] for r in page]).values_list("pk", "anonymous_code")
    )
    for row in page:
        row["code"] = codes.get(row["work"], "")
        row["cells"] = [{"rank": row[f"rank_{m}"], "score": row[m]} for m in METHOD_LABELS]
    return {
        "settings": settings,
        "method": method,
        "recommended": frame.attrs["recommended"],
        "reason": frame.attrs["reason"],
        "methods": list(METHOD_LABELS.items()),
        "pools": pools,
        "page": page,
        "work_count": len(compared),
    }


@login_required
def round_ranking(request, slug: str, pk: int):
    """Before freezing: compare methods and choose; once frozen, the snapshot's summary."""
    round_ = _round(request, slug, pk)
    if round_.state == Round.State.FROZEN:
        return snapshot_page(request, round_)
    settings = ranking_settings(round_)
    criteria = list(round_.rubric.criteria.order_by("order", "pk"))
    form = RankingSettingsForm(
        initial={
            "method": settings.method,
            "tiebreak_criteria": settings.tiebreak_criteria,
            "tiebreak_sheets": settings.tiebreak_sheets,
        },
        criteria=criteria,
    )
    context = comparison_context(round_, request.GET.get("page"))
    context.update(contest=round_.contest, round=round_, form=form)
    return render(request, "results/ranking/compare.html", context)


def snapshot_page(request, round_: Round):
    snapshot = access_snapshot(request.user, round_.pk)
    context = {
        "contest": round_.contest,
        "round": round_,
        "snapshot": snapshot,
        "pools": snapshot_pools(snapshot),
        "method_label": METHOD_LABELS.get(snapshot.method, snapshot.method),
    }
    return render(request, "results/ranking/snapshot.html", context)


@login_required
@require_POST
def ranking_settings_save(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    criteria = list(round_.rubric.criteria.order_by("order", "pk"))
    form = RankingSettingsForm(request.POST, criteria=criteria)
    if form.is_valid():
        try:
            ranking_settings_update(round=round_, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The ranking settings were saved."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("The ranking settings were not saved: check the choices."))
    return redirect(_home(round_))


@login_required
@require_POST
def ranking_freeze(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    try:
        snapshot = snapshot_freeze(round=round_, actor=request.user)
        messages.success(
            request,
            _("The results are frozen: %(count)s works ranked.") % {"count": snapshot.work_count},
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_home(round_))


@login_required
@require_POST
def ranking_unfreeze(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    try:
        snapshot_unfreeze(round=round_)
        messages.success(request, _("The snapshot was discarded; the round is closed again."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_home(round_))


@login_required
def ranking_pool(request, slug: str, pk: int, key: str):
    """One pool of the frozen ranking, paginated (one query per page for the entries)."""
    snapshot = page_snapshot(request, slug, pk)
    pool = pool_of(snapshot, key)
    page = Paginator(snapshot_entries(snapshot, key), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "contest": snapshot.round.contest,
        "round": snapshot.round,
        "snapshot": snapshot,
        "pool": pool,
        "page": page,
    }
    return render(request, "results/ranking/pool.html", context)


@login_required
def ranking_work(request, slug: str, pk: int, work_pk: int):
    """Why a work is ranked where it is (organisers see judges' names)."""
    snapshot = page_snapshot(request, slug, pk)
    entry = entry_of(snapshot, work_pk)
    context = entry_explanation(entry, names=True)
    context.update(
        contest=snapshot.round.contest,
        round=snapshot.round,
        snapshot=snapshot,
        pool=pool_of(snapshot, entry.pool_key),
        method_labels=METHOD_LABELS,
    )
    return render(request, "results/ranking/work.html", context)


@login_required
@require_POST
def ranking_reproduce(request, slug: str, pk: int):
    """Recompute from the database and say whether the hash and every rank still match."""
    snapshot = page_snapshot(request, slug, pk)
    report = snapshot_reproduce(snapshot=snapshot)
    context = {
        "contest": snapshot.round.contest,
        "round": snapshot.round,
        "snapshot": snapshot,
        "report": report,
    }
    return render(request, "results/ranking/reproduce.html", context)
