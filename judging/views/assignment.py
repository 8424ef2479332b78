"""Organisers' pages of a round's assignment (评审分配) and monitoring (进度监控).

Every page needs "judging.manage_round" on the round, checked once by `access_round` (which
also refuses a round of another contest than the URL's). Writes go through the services;
their refusals come back as form errors or messages. Organisers see judges' names here, never
entrants': works appear by their anonymous code.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from contest.errors import DomainError, ValidationFailed
from contest.forms.base import add_domain_error
from contest.models import User
from judging.forms.assignment import (
    AssignmentAddForm,
    AssignmentFilterForm,
    AssignmentImportForm,
    JudgeChoiceForm,
    PlanForm,
    ReassignForm,
)
from judging.models import Assignment, Round
from judging.selectors.assignment import (
    access_assignment,
    access_round,
    assignments_of_round,
    panel_user_by_email,
    round_categories,
    round_work_by_code,
)
from judging.selectors.monitoring import round_progress
from judging.services import assignment as services
from judging.services import assignment_excel as excel
from judging.services import monitoring

PER_PAGE = 50
JUDGES_PER_PAGE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _round(request, slug: str, pk: int) -> Round:
    return access_round(request.user, pk, slug=slug)


def _assignment(request, round_: Round, aid: int) -> Assignment:
    assignment = access_assignment(request.user, aid)
    if assignment.round_id != round_.pk:
        raise Http404
    return assignment


def _back(round_: Round, name: str = "round_assignment", query: str = ""):
    url = reverse(name, args=[round_.contest.slug, round_.pk])
    return redirect(f"{url}?{query}" if query else url)


def _judge(round_: Round, email: str) -> User:
    judge = panel_user_by_email(round_, email)
    if judge is None:
        raise ValidationFailed(
            fields={"judge_email": [_("No judge of the contest has this e-mail address.")]}
        )
    return judge


# --- The assignment page


def _render(request, round_: Round, **forms):
    filters = AssignmentFilterForm(request.GET, categories=round_categories(round_))
    rows = assignments_of_round(round_, **filters.filters())
    plan_form = PlanForm(request.GET if "mode" in request.GET else None)
    preview = None
    if plan_form.is_bound and plan_form.is_valid():
        preview = services.round_plan(round=round_, incremental=plan_form.incremental)
    context = {
        "round": round_,
        "contest": round_.contest,
        "page": Paginator(rows, PER_PAGE).get_page(request.GET.get("page")),
        "filters": filters,
        "query": filters.query(),
        "plan_form": plan_form,
        "preview": preview,
        "add_form": forms.get("add_form") or AssignmentAddForm(),
        "import_form": forms.get("import_form") or AssignmentImportForm(),
        "report": forms.get("report"),
        "editable": round_.state in services.EDITABLE,
    }
    return render(request, "judging/assignment/round.html", context)


@login_required
def round_assignment(request, slug: str, pk: int):
    return _render(request, _round(request, slug, pk))


@require_POST
@login_required
def round_assignment_apply(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how to apply the plan."))
        return _back(round_)
    try:
        result = services.round_apply(
            round=round_, actor=request.user, incremental=form.incremental
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(round_)
    messages.success(
        request,
        ngettext(
            "The plan is applied: %(count)d new assignment.",
            "The plan is applied: %(count)d new assignments.",
            result.added_count,
        )
        % {"count": result.added_count},
    )
    if result.unstaffed_count:
        messages.warning(
            request,
            ngettext(
                "%(count)d work is still short of judges.",
                "%(count)d works are still short of judges.",
                result.unstaffed_count,
            )
            % {"count": result.unstaffed_count},
        )
    return _back(round_)


@require_POST
@login_required
def round_assignment_add(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    form = AssignmentAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            work = round_work_by_code(round_, data["code"])
            if work is None:
                raise ValidationFailed(fields={"code": [_("No work of the round has this code.")]})
            services.assignment_add(
                round=round_,
                work=work,
                judge=_judge(round_, data["judge_email"]),
                actor=request.user,
                force=data["force"],
            )
        except DomainError as exc:
            add_domain_error(form, _on_form(exc))
        else:
            messages.success(
                request, _("The work %(code)s is assigned.") % {"code": work.anonymous_code}
            )
            return _back(round_)
    return _render(request, round_, add_form=form)


def _on_form(exc: DomainError) -> DomainError:
    """The service names the fields `work` and `judge`; the form calls them otherwise."""
    names = {"work": "code", "judge": "judge_email"}
    exc.fields = {names.get(name, name): value for name, value in exc.fields.items()}
    return exc


@require_POST
@login_required
def round_assignment_remove(request, slug: str, pk: int, aid: int):
    round_ = _round(request, slug, pk)
    assignment = _assignment(request, round_, aid)
    try:
        services.assignment_remove(assignment=assignment, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(judge)s no longer has the work %(code)s.")
            % {"judge": assignment.judge.real_name, "code": assignment.work.anonymous_code},
        )
    return _back(round_, query=request.GET.urlencode())


@require_POST
@login_required
def round_assignment_move(request, slug: str, pk: int, aid: int):
    round_ = _round(request, slug, pk)
    assignment = _assignment(request, round_, aid)
    form = JudgeChoiceForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("Enter the e-mail address of the judge to move it to."))
        to_judge = _judge(round_, form.cleaned_data["judge_email"])
        services.assignment_move(
            assignment=assignment,
            to_judge=to_judge,
            actor=request.user,
            force=form.cleaned_data["force"],
        )
    except DomainError as exc:
        details = [str(m) for ms in exc.fields.values() for m in ms]
        messages.error(request, " ".join(details) or exc.message)
    else:
        messages.success(
            request,
            _("The work %(code)s moved to %(judge)s.")
            % {"code": assignment.work.anonymous_code, "judge": to_judge.real_name},
        )
    return _back(round_, query=request.GET.urlencode())


@login_required
def round_assignment_export(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    return FileResponse(
        excel.assignments_export(round=round_),
        as_attachment=True,
        filename=f"assignments-round-{round_.pk}.xlsx",
        content_type=XLSX,
    )


@require_POST
@login_required
def round_assignment_import(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    form = AssignmentImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, round_, import_form=form)
    report = excel.assignments_import(round=round_, rows=form.rows, actor=request.user)
    if not report.saved:
        return _render(request, round_, import_form=form, report=report)
    messages.success(
        request,
        ngettext("%(count)d assignment imported.", "%(count)d assignments imported.", report.added)
        % {"count": report.added},
    )
    return _back(round_)


# --- Monitoring


@login_required
def round_monitoring(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    progress = round_progress(round_)
    context = {
        "round": round_,
        "contest": round_.contest,
        "progress": progress,
        "editable": round_.state in services.EDITABLE,
        "judges": Paginator(progress.judges, JUDGES_PER_PAGE).get_page(request.GET.get("page")),
    }
    return render(request, "judging/monitoring/round.html", context)


@require_POST
@login_required
def round_reminders(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    try:
        count = monitoring.reminders_queue(round=round_, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "A reminder is on its way to %(count)d judge.",
                "Reminders are on their way to %(count)d judges.",
                count,
            )
            % {"count": count},
        )
    return _back(round_, "round_monitoring")


@require_POST
@login_required
def round_reassign(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    form = ReassignForm(request.POST)
    judge = None
    if form.is_valid():
        judge = User.objects.filter(
            pk=form.cleaned_data["judge"], panel_memberships__contest=round_.contest
        ).first()
    if judge is None:
        messages.error(request, _("Choose a judge of this contest."))
        return _back(round_, "round_monitoring")
    try:
        result = monitoring.judge_work_reassign(round=round_, judge=judge, actor=request.user)
    except DomainError as exc:
        details = [str(m) for ms in exc.fields.values() for m in ms]
        messages.error(request, " ".join(details) or exc.message)
    else:
        messages.success(
            request,
            _(
                "%(judge)s's unfinished works were taken back (%(taken)d); "
                "%(added)d new assignments were made."
            )
            % {
                "judge": judge.real_name,
                "taken": result.removed + result.withdrawn,
                "added": result.added,
            },
        )
    return _back(round_, "round_monitoring")
