"""Organisers' pages for a contest's rubrics (评分标准) and rounds (评审轮次).

Every page fetches through one access helper (access_judging, access_rubric, access_round), which
raises NotFound / PermissionDeniedError (pages show 404 / 403), and calls the services; refusals
come back as DomainError and are shown on the form or as a message.
"""

import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from contest.errors import DomainError
from contest.forms.base import add_domain_error
from judging.forms.rubrics import (
    CriterionForm,
    ImportForm,
    RoundForm,
    RubricForm,
    level_formset,
    levels_of,
)
from judging.models import Round
from judging.selectors.rounds import (
    access_judging,
    access_round,
    access_rubric,
    criterion_of,
    round_counts,
    rounds_of,
    rubric_export,
    rubric_total,
    rubrics_of,
)
from judging.services import rounds as round_services
from judging.services import rubrics as services

PER_PAGE = 30


def _submit(form, service, **kwargs):
    """Call the service with the form's data; on refusal show it on the form and return None."""
    if not form.is_valid():
        return None
    try:
        return service(**kwargs, **form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


def _rubric(request, slug: str, pk: int):
    rubric = access_rubric(request.user, pk, manage=True)
    if rubric.contest.slug != slug:
        raise Http404
    return rubric


def _round(request, slug: str, pk: int) -> Round:
    round_ = access_round(request.user, pk, manage=True)
    if round_.contest.slug != slug:
        raise Http404
    return round_


def _done(request, edit, message: str):
    """Say what happened (and that a frozen rubric was copied) and show the edited rubric."""
    if edit.copied_from is not None:
        messages.warning(
            request,
            _(
                "“%(original)s” is used by a round that has opened, so it stays as it is: "
                "your change was saved in a copy, “%(copy)s”."
            )
            % {"original": edit.copied_from.name, "copy": edit.rubric.name},
        )
    else:
        messages.success(request, message)
    return redirect("rubric_detail", edit.rubric.contest.slug, edit.rubric.pk)


# --- Rubrics


@login_required
def rubric_list(request, slug: str):
    contest = access_judging(request.user, slug, manage=True)
    page = Paginator(rubrics_of(contest), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "judging/rubrics/rubric_list.html", {"contest": contest, "page": page})


@login_required
def rubric_create(request, slug: str):
    contest = access_judging(request.user, slug, manage=True)
    form = RubricForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        rubric = _submit(form, services.rubric_create, contest=contest)
        if rubric:
            messages.success(request, _("The rubric was created. Add its criteria."))
            return redirect("rubric_detail", contest.slug, rubric.pk)
    return render(request, "judging/rubrics/rubric_form.html", {"contest": contest, "form": form})


@login_required
def rubric_detail(request, slug: str, pk: int):
    rubric = _rubric(request, slug, pk)
    context = {
        "contest": rubric.contest,
        "rubric": rubric,
        "criteria": list(rubric.criteria.order_by("order", "pk")),
        "rounds": list(rubric.rounds.order_by("order")),
    }
    context["total"] = sum((c.max_points * c.weight for c in context["criteria"]), Decimal(0))
    return render(request, "judging/rubrics/rubric_detail.html", context)


@login_required
def rubric_edit(request, slug: str, pk: int):
    rubric = _rubric(request, slug, pk)
    if request.method == "POST":
        form = RubricForm(request.POST)
        edit = _submit(form, services.rubric_update, rubric=rubric)
        if edit:
            return _done(request, edit, _("The rubric was saved."))
    else:
        form = RubricForm(initial={"name": rubric.name, "note": rubric.note})
    context = {"contest": rubric.contest, "rubric": rubric, "form": form}
    return render(request, "judging/rubrics/rubric_form.html", context)


def _criterion_page(request, rubric, criterion=None):
    """The criterion form with its level rows; on a valid POST, the add or update service."""
    levels = criterion.levels if criterion else []
    if request.method != "POST":
        initial = {f: getattr(criterion, f) for f in CriterionForm.base_fields} if criterion else {}
        form, formset = CriterionForm(initial=initial), level_formset(levels=levels)
    else:
        form, formset = CriterionForm(request.POST), level_formset(request.POST, levels=levels)
        if form.is_valid() & formset.is_valid():  # both, so both show their errors
            fields = {**form.service_fields(), "levels": levels_of(formset)}
            try:
                if criterion:
                    edit = services.criterion_update(criterion=criterion, **fields)
                else:
                    edit = services.criterion_add(rubric=rubric, **fields)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return _done(request, edit, _("The criterion was saved."))
    context = {
        "contest": rubric.contest,
        "rubric": rubric,
        "criterion": criterion,
        "form": form,
        "formset": formset,
    }
    return render(request, "judging/rubrics/criterion_form.html", context)


@login_required
def criterion_add(request, slug: str, pk: int):
    return _criterion_page(request, _rubric(request, slug, pk))


@login_required
def criterion_edit(request, slug: str, pk: int, criterion_pk: int):
    rubric = _rubric(request, slug, pk)
    return _criterion_page(request, rubric, criterion_of(rubric, criterion_pk))


@require_POST
@login_required
def criterion_delete(request, slug: str, pk: int, criterion_pk: int):
    rubric = _rubric(request, slug, pk)
    try:
        edit = services.criterion_delete(criterion=criterion_of(rubric, criterion_pk))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("rubric_detail", rubric.contest.slug, rubric.pk)
    return _done(request, edit, _("The criterion was deleted."))


@require_POST
@login_required
def criterion_move(request, slug: str, pk: int, criterion_pk: int):
    rubric = _rubric(request, slug, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    edit = services.criterion_move(criterion=criterion_of(rubric, criterion_pk), offset=offset)
    return _done(request, edit, _("The order was saved."))


@login_required
def rubric_import(request, slug: str):
    contest = access_judging(request.user, slug, manage=True)
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    report = []
    if posted and form.is_valid():
        try:
            rubric = services.rubric_import_file(contest=contest, **form.cleaned_data)
        except services.ImportRejected as exc:
            report = [m for field in exc.fields.values() for m in field] or [str(exc.message)]
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The rubric was imported."))
            return redirect("rubric_detail", contest.slug, rubric.pk)
    context = {"contest": contest, "form": form, "report": report}
    return render(request, "judging/rubrics/rubric_import.html", context)


@login_required
def rubric_download(request, slug: str, pk: int):
    rubric = _rubric(request, slug, pk)
    body = json.dumps(rubric_export(rubric), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="rubric-{rubric.pk}.json"'
    return response


# --- Rounds

DEFAULT_ROUND_NAMES = {
    1: pgettext_lazy("judging round", "First round"),
    2: pgettext_lazy("judging round", "Second round"),
    3: pgettext_lazy("judging round", "Final round"),
}


@login_required
def round_list(request, slug: str):
    contest = access_judging(request.user, slug, manage=True)
    page = Paginator(rounds_of(contest), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "judging/rounds/round_list.html", {"contest": contest, "page": page})


@login_required
def round_create(request, slug: str):
    contest = access_judging(request.user, slug, manage=True)
    if request.method == "POST":
        form = RoundForm(request.POST, contest=contest)
        round_ = _submit(form, round_services.round_create, contest=contest)
        if round_:
            messages.success(request, _("The round was created as a draft."))
            return redirect("round_detail", contest.slug, round_.pk)
    else:
        order = max(contest.rounds.values_list("order", flat=True), default=0) + 1
        name = str(DEFAULT_ROUND_NAMES.get(order, ""))
        form = RoundForm(contest=contest, initial={"order": order, "name": name})
    context = {"contest": contest, "form": form, "has_rubrics": contest.rubrics.exists()}
    return render(request, "judging/rounds/round_form.html", context)


@login_required
def round_detail(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    allowed = round_services.TRANSITIONS.get(round_.state, set())
    context = {
        "contest": round_.contest,
        "round": round_,
        "categories": list(round_.categories.order_by("order", "code")),
        "counts": round_counts(round_),
        "criterion_count": round_.rubric.criteria.count(),
        "total": rubric_total(round_.rubric),
        "next_states": [(v, label) for v, label in Round.State.choices if v in allowed],
        "can_refresh": round_.state in (Round.State.ASSIGNING, Round.State.OPEN),
    }
    return render(request, "judging/rounds/round_detail.html", context)


@login_required
def round_edit(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    contest = round_.contest
    initial = RoundForm.initial_for(round_)
    if request.method == "POST":
        form = RoundForm(request.POST, contest=contest, initial=initial)
        if form.is_valid():
            # Only what the organiser changed: the form shows times to the minute, and an
            # opened round refuses any change of its rubric or categories.
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                round_services.round_update(round=round_, **changes)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The round was saved."))
                return redirect("round_detail", contest.slug, round_.pk)
    else:
        form = RoundForm(contest=contest, initial=initial)
    context = {"contest": contest, "round": round_, "form": form, "has_rubrics": True}
    return render(request, "judging/rounds/round_form.html", context)


@require_POST
@login_required
def round_state(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    try:
        round_ = round_services.round_set_state(round=round_, state=request.POST.get("state", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The round is now “%s”.") % round_.get_state_display())
    return redirect("round_detail", slug, pk)


@require_POST
@login_required
def round_refresh_works(request, slug: str, pk: int):
    round_ = _round(request, slug, pk)
    try:
        added = round_services.round_refresh_works(round=round_)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d accepted work was added.", "%(count)d accepted works were added.", added
            )
            % {"count": added},
        )
    return redirect("round_detail", slug, pk)
