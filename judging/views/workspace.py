"""The judge's workspace: my rounds, my queue, and the scoring page with its actions.

A work is reached only through the judge's own assignment, by the assignment's id: anyone
else's is 404 (`access_assignment`). Pages show the anonymous code, never the entrant (DESIGN
§7). Writes call judging.services.sheets; its refusals come back beside the fields. Autosave is
an htmx request answered with a small status fragment (static/js/scoring.js retries it).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from contest.errors import DomainError, ValidationFailed
from contest.forms.base import add_domain_error
from judging.forms.workspace import FlagForm, PlaybackForm, RecuseForm, ScoreSheetForm
from judging.models import Assignment
from judging.selectors.divergence import arbitration_count
from judging.selectors.workspace import (
    access_assignment,
    access_round_for_judge,
    criteria_of,
    queue_of,
    round_progress,
    rounds_of_judge,
    scoring_bundle,
    sheet_of,
)
from judging.services import sheets as services

A = Assignment.State
PER_PAGE = 50
SPEEDS = ("0.75", "1", "1.25", "1.5", "2")


@require_safe
@login_required
def judge_home(request):
    context = {
        "rounds": rounds_of_judge(request.user),
        "arbitration": arbitration_count(request.user),
    }
    return render(request, "judging/workspace/home.html", context)


@require_safe
@login_required
def judge_queue(request, pk: int):
    round_ = access_round_for_judge(request.user, pk)
    page = Paginator(queue_of(request.user, round_), PER_PAGE).get_page(request.GET.get("page"))
    writable = services.scoring_open(round_)
    for assignment in page:
        if writable and assignment.state in (A.PENDING, A.IN_PROGRESS):
            assignment.recuse_form = RecuseForm(auto_id=f"id_recuse_{assignment.pk}_%s")
    return render(
        request,
        "judging/workspace/queue.html",
        {
            "round": round_,
            "page": page,
            "progress": round_progress(request.user, round_),
            "writable": writable,
        },
    )


def _sheet_form(assignment: Assignment, data=None) -> ScoreSheetForm:
    return ScoreSheetForm(data, criteria=criteria_of(assignment), sheet=sheet_of(assignment))


def _render_score(request, assignment: Assignment, **forms):
    bundle = scoring_bundle(assignment)
    form = forms.get("sheet_form") or ScoreSheetForm(
        criteria=bundle["criteria"], sheet=bundle["sheet"]
    )
    if not bundle["writable"]:
        form.disable()
    return render(
        request,
        "judging/workspace/score.html",
        {
            **bundle,
            "work": assignment.work,
            "round": assignment.round,
            "form": form,
            "speeds": SPEEDS,
            "recuse_form": forms.get("recuse_form") or RecuseForm(),
            "flag_form": forms.get("flag_form") or FlagForm(),
        },
    )


@require_safe
@login_required
def judge_score(request, pk: int):
    return _render_score(request, access_assignment(request.user, pk))


def _save(request, assignment: Assignment, form: ScoreSheetForm, service):
    """Run a sheet service with the form's values. Returns (sheet, None), or (None, the
    refusal or None for a malformed form) with the errors on the form."""
    if not form.is_valid():
        return None, None
    try:
        sheet = service(
            assignment=assignment,
            actor=request.user,
            values=form.sheet_values(),
            comments=form.sheet_comments(),
            expected_version=form.expected_version(),
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        if exc.fields and exc.message != exc.default_message:
            form.add_error(None, exc.message)  # e.g. "Complete the sheet before submitting it."
        return None, exc
    return sheet, None


def _status(request, form: ScoreSheetForm, *, sheet=None, status: int = 200):
    """The autosave fragment: the status line, the new version and the fields' errors."""
    return render(
        request,
        "judging/workspace/_autosave_status.html",
        {"form": form, "sheet": sheet},
        status=status,
    )


@require_POST
@login_required
def judge_autosave(request, pk: int):
    """A draft save: an htmx request gets the status fragment (400 or 409 with the reason), a
    plain form post the page."""
    assignment = access_assignment(request.user, pk)
    form = _sheet_form(assignment, request.POST)
    sheet, refusal = _save(request, assignment, form, services.sheet_save)
    if request.htmx:
        status = 200 if sheet else (refusal.status if refusal else 400)
        return _status(request, form, sheet=sheet, status=status)
    if sheet is None:
        return _render_score(request, assignment, sheet_form=form)
    messages.success(request, _("Your scores are saved as a draft."))
    return redirect("judge_score", pk=assignment.pk)


@require_POST
@login_required
def judge_submit(request, pk: int):
    assignment = access_assignment(request.user, pk)
    form = _sheet_form(assignment, request.POST)
    sheet, _refusal = _save(request, assignment, form, services.sheet_submit)
    if sheet is None:
        return _render_score(request, assignment, sheet_form=form)
    messages.success(request, _("Your scores are submitted. The sheet is now locked."))
    return redirect("judge_score", pk=assignment.pk)


@require_POST
@login_required
def judge_recuse(request, pk: int):
    assignment = access_assignment(request.user, pk)
    form = RecuseForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_recuse(
                assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("You declared a conflict with %(code)s. Another judge will score it.")
                % {"code": assignment.work.anonymous_code},
            )
            return redirect("judge_queue", pk=assignment.round_id)
    return _render_score(request, assignment, recuse_form=form)


@require_POST
@login_required
def judge_flag(request, pk: int):
    assignment = access_assignment(request.user, pk)
    form = FlagForm(request.POST)
    if form.is_valid():
        try:
            services.author_flag_create(
                assignment=assignment, actor=request.user, note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Thank you. The organisers will look at your note."))
            return redirect("judge_score", pk=assignment.pk)
    return _render_score(request, assignment, flag_form=form)


@require_POST
@login_required
def judge_playback(request, pk: int):
    """Where the player is (static/js/player.js posts it every few seconds): 204, or 400."""
    assignment = access_assignment(request.user, pk)
    form = PlaybackForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    try:
        services.playback_record(assignment=assignment, actor=request.user, **form.cleaned_data)
    except ValidationFailed:
        return HttpResponse(status=400)
    return HttpResponse(status=204)
