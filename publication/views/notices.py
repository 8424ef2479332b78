"""Organisers' pages: the contest's public notice (times, what it shows, publishing) and the
appeals (list, answer). Every view fetches through an access_* helper, then calls a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contest.errors import DomainError
from contest.forms.base import add_domain_error
from publication.exports import results_csv_response
from publication.forms import AnswerForm, AppealFilterForm, NoticeForm
from publication.models import Appeal
from publication.selectors.appeals import (
    access_appeal,
    access_notice_contest,
    appeals_of_contest,
    notice_of,
)
from publication.selectors.results import publication_readiness, result_of_work, scheme_of
from publication.services import appeals as appeal_services
from publication.services import notices as services

APPEALS_PER_PAGE = 30


@login_required
def notice_manage(request, slug: str):
    contest = access_notice_contest(request.user, slug)
    notice = notice_of(contest)
    if request.method == "POST":
        form = NoticeForm(request.POST)
        if form.is_valid():
            try:
                services.notice_save(contest=contest, actor=request.user, fields=form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The notice was saved."))
                return redirect("notice_manage", slug=contest.slug)
    else:
        form = NoticeForm(initial=NoticeForm.initial_for(notice))
    context = {
        "contest": contest,
        "notice": notice,
        "form": form,
        "readiness": publication_readiness(contest),
        "open_appeals": appeals_of_contest(contest, state=Appeal.State.OPEN).count(),
        "now": timezone.now(),
    }
    return render(request, "publication/notice_manage.html", context)


def _state_change(request, slug: str, service, done: str):
    contest = access_notice_contest(request.user, slug)
    try:
        service(contest=contest, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("notice_manage", slug=contest.slug)


@require_POST
@login_required
def notice_publish(request, slug: str):
    return _state_change(
        request, slug, services.notice_publish, _("The notice is published; the awards are locked.")
    )


@require_POST
@login_required
def notice_withdraw(request, slug: str):
    return _state_change(
        request, slug, services.notice_withdraw, _("The notice was withdrawn before it started.")
    )


@login_required
def appeal_list(request, slug: str):
    contest = access_notice_contest(request.user, slug)
    filters = AppealFilterForm(request.GET)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    page = Paginator(appeals_of_contest(contest, state=state), APPEALS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {"contest": contest, "page": page, "state": state, "filters": filters}
    return render(request, "publication/appeal_list.html", context)


@login_required
def appeal_detail(request, pk: int):
    """The appeal: its entrant reads it and the answer; organisers answer it here."""
    appeal = access_appeal(request.user, pk)
    may_answer = request.user.has_perm("publication.answer_appeal", appeal)
    form = None
    if may_answer and appeal.state == Appeal.State.OPEN:
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                appeal_services.appeal_answer(
                    appeal=appeal, actor=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The answer was sent to the entrant."))
                return redirect("appeal_detail", pk=appeal.pk)
    context = {
        "appeal": appeal,
        "work": appeal.work,
        "contest": appeal.work.contest,
        "may_answer": may_answer,
        "form": form,
        "result": result_of_work(appeal.work, appeal.notice) if may_answer else None,
        "scheme": scheme_of(appeal.work.contest) if may_answer else None,
    }
    return render(request, "publication/appeal_detail.html", context)


@login_required
def results_csv(request, slug: str):
    """The published awards with every field, for organisers (whatever the public page hides)."""
    return results_csv_response(access_notice_contest(request.user, slug))
