"""Entrants' pages: their work's result (total, rank in its pool, prizes) once the notice has
started, and their appeals. Only the entrant reaches them: any other user gets not-found."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from contest.errors import DomainError
from contest.forms.base import add_domain_error
from publication.forms import AppealForm
from publication.models import Appeal, Notice
from publication.selectors.appeals import access_own_work, appeals_of_work, notice_of
from publication.selectors.results import result_of_work
from publication.services.appeals import appeal_file


def _may_appeal(notice: Notice | None, result, appeals) -> bool:
    return (
        result is not None
        and notice.state == Notice.State.OPEN
        and not any(a.state == Appeal.State.OPEN for a in appeals)
    )


@login_required
def work_result(request, pk: int):
    """The work's result and its appeals; POST files an appeal."""
    work = access_own_work(request.user, pk)
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal_file(work=work, user=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your appeal was filed. The organisers will answer it."))
            return redirect("work_result", pk=work.pk)
    notice = notice_of(work.contest)
    result = result_of_work(work, notice)
    appeals = list(appeals_of_work(work))
    context = {
        "work": work,
        "contest": work.contest,
        "notice": notice,
        "result": result,
        "appeals": appeals,
        "form": form,
        "may_appeal": _may_appeal(notice, result, appeals) or form.is_bound,
    }
    return render(request, "publication/work_result.html", context)
