"""Organisers' review page of a round: flags that a work reveals its author, and reopening a
submitted sheet with a reason. Both are kept in the history (revisions, flag resolutions)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contest.errors import DomainError
from judging.forms.review import ReopenForm, ResolveFlagForm
from judging.selectors.assignment import access_assignment, access_round
from judging.selectors.review import flag_of_round, flags_of_round, submitted_sheets
from judging.services.sheets import author_flag_resolve, sheet_reopen

PER_PAGE = 50


def _page(request, round_, **forms):
    code = request.GET.get("code", "")[:12]
    context = {
        "round": round_,
        "contest": round_.contest,
        "tab": "review",
        "code": code,
        "flags": flags_of_round(round_),
        "page": Paginator(submitted_sheets(round_, code=code), PER_PAGE).get_page(
            request.GET.get("page")
        ),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "resolve_form": forms.get("resolve_form") or ResolveFlagForm(),
        "bound_for": forms.get("bound_for"),
        "bound_flag": forms.get("bound_flag"),
    }
    return render(request, "judging/review/round.html", context)


def _back(round_):
    return redirect(reverse("round_review", args=[round_.contest.slug, round_.pk]))


@login_required
def round_review(request, slug: str, pk: int):
    return _page(request, access_round(request.user, pk, slug=slug))


@require_POST
@login_required
def sheet_reopen_view(request, slug: str, pk: int, aid: int):
    round_ = access_round(request.user, pk, slug=slug)
    assignment = access_assignment(request.user, aid)
    if assignment.round_id != round_.pk:
        return _back(round_)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            sheet_reopen(
                assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The sheet of %s is open again for its judge.") % assignment.work.anonymous_code,
            )
            return _back(round_)
    return _page(request, round_, reopen_form=form, bound_for=assignment.pk)


@require_POST
@login_required
def flag_resolve_view(request, slug: str, pk: int, fid: int):
    round_ = access_round(request.user, pk, slug=slug)
    flag = flag_of_round(round_, fid)
    form = ResolveFlagForm(request.POST)
    if form.is_valid():
        try:
            author_flag_resolve(
                flag=flag, actor=request.user, resolution=form.cleaned_data["resolution"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The flag is resolved."))
            return _back(round_)
    return _page(request, round_, resolve_form=form, bound_flag=flag.pk)
