"""Divergence cases (三评 / 仲裁) on pages.

Organisers: a round's cases with counts per state, and a case page with its whole history, the
sheets with the judges' names, arbitration (when no chief judge does it) and reopening.
Chief judges: their arbitration queue and a blind case page (DESIGN §7): the work by its
anonymous code and title, the judges' copies, the counted sheets as "Judge 1", "Judge 2"…
Writes call judging.services.divergence; its refusals come back beside the fields.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from contest.errors import DomainError
from contest.forms.base import add_domain_error
from judging.forms.cases import ArbitrationForm, CaseReopenForm
from judging.models import DivergenceCase
from judging.selectors.assignment import access_round
from judging.selectors.divergence import (
    access_arbitration,
    arbitration_queue,
    case_bundle,
    case_counts,
    case_history,
    case_of_round,
    cases_of_round,
)
from judging.services.divergence import case_arbitrate, case_reopen

S = DivergenceCase.State
PER_PAGE = 50


# --- Organisers


@require_safe
@login_required
def round_cases(request, slug: str, pk: int):
    round_ = access_round(request.user, pk, slug=slug)
    state = request.GET.get("state", "")
    state = state if state in S.values else ""
    page = Paginator(cases_of_round(round_, state=state), PER_PAGE).get_page(
        request.GET.get("page")
    )
    counts = case_counts(round_)
    context = {
        "round": round_,
        "contest": round_.contest,
        "tab": "cases",
        "state": state,
        "counts": counts,
        "total": sum(n for _value, _label, n in counts),
        "page": page,
        "query": urlencode({"state": state}) if state else "",
    }
    return render(request, "judging/cases/round_cases.html", context)


def _case_page(request, round_, case, **forms):
    bundle = case_bundle(case, with_judges=True)
    context = {
        **bundle,
        "round": round_,
        "contest": round_.contest,
        "tab": "cases",
        "events": case_history(case),
        "arbitration_form": bundle["writable"]
        and (forms.get("arbitration_form") or ArbitrationForm()),
        "reopen_form": not bundle["frozen"]
        and case.state in (S.RESOLVED, S.ARBITRATED)
        and (forms.get("reopen_form") or CaseReopenForm()),
    }
    return render(request, "judging/cases/case.html", context)


def _organiser_case(request, slug: str, pk: int, cid: int):
    round_ = access_round(request.user, pk, slug=slug)
    return round_, case_of_round(round_, cid)


@require_safe
@login_required
def round_case(request, slug: str, pk: int, cid: int):
    round_, case = _organiser_case(request, slug, pk, cid)
    return _case_page(request, round_, case)


@require_POST
@login_required
def round_case_arbitrate(request, slug: str, pk: int, cid: int):
    round_, case = _organiser_case(request, slug, pk, cid)
    form = ArbitrationForm(request.POST)
    if form.is_valid() and _arbitrate(request, case, form):
        return redirect("round_case", slug, round_.pk, case.pk)
    return _case_page(request, round_, case, arbitration_form=form)


@require_POST
@login_required
def round_case_reopen(request, slug: str, pk: int, cid: int):
    round_, case = _organiser_case(request, slug, pk, cid)
    form = CaseReopenForm(request.POST)
    if form.is_valid():
        try:
            case_reopen(case=case, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The case is back in arbitration."))
            return redirect("round_case", slug, round_.pk, case.pk)
    return _case_page(request, round_, case, reopen_form=form)


def _arbitrate(request, case, form) -> bool:
    try:
        case_arbitrate(
            case=case,
            actor=request.user,
            score=form.cleaned_data["score"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return False
    messages.success(request, _("Your score for %s is recorded.") % case.work.anonymous_code)
    return True


# --- Chief judges


@require_safe
@login_required
def arbitration_list(request):
    page = Paginator(arbitration_queue(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "judging/cases/queue.html", {"page": page})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def arbitration_case(request, pk: int):
    case = access_arbitration(request.user, pk)
    form = None
    if request.method == "POST":
        form = ArbitrationForm(request.POST)
        if form.is_valid() and _arbitrate(request, case, form):
            return redirect("arbitration_queue")
    bundle = case_bundle(case)
    context = {**bundle, "form": bundle["writable"] and (form or ArbitrationForm())}
    return render(request, "judging/cases/arbitrate.html", context)
