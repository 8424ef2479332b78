"""Contest pages: the public list and detail, and the organisers' set-up pages.

Views only fetch through `access_contest` (one permission check per object) and call services;
refusals come back as DomainError and are shown on the form or as a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import F
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from contest.errors import DomainError
from contest.forms.base import add_domain_error
from contest.forms.contests import (
    CategoryForm,
    ContestForm,
    RoleAddForm,
    dimension_form_class,
)
from contest.models import Contest, ContestRole
from contest.models.contests import VIDEO_FORMAT_CHOICES, AttachmentKind
from contest.selectors import (
    access_contest,
    categories_of,
    contest_people,
    contest_people_counts,
    contests_visible_to,
    dimensions_of,
)
from contest.services import contests as services

MANAGE = "contest.manage_contest"
CONTESTS_PER_PAGE = 20
PEOPLE_PER_PAGE = 50


def _submit(form, service, **kwargs):
    """Call the service with the form's data; on refusal show it on the form and return None."""
    if not form.is_valid():
        return None
    try:
        return service(**kwargs, **form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


def _minutes(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _requirements(contest: Contest) -> dict:
    """What an entrant's work must meet, as display labels."""
    formats = dict(VIDEO_FORMAT_CHOICES)
    kinds = dict(AttachmentKind.choices)
    return {
        "min_duration": _minutes(contest.min_duration_seconds),
        "max_duration": _minutes(contest.max_duration_seconds),
        "formats": [formats.get(code, code) for code in contest.allowed_formats],
        "attachments": [kinds.get(kind, kind) for kind in contest.required_attachments],
    }


def _timeline(contest: Contest) -> list[tuple[str, object]]:
    return [
        (Contest._meta.get_field(name).verbose_name, getattr(contest, name))
        for name in services.TIMELINE
        if getattr(contest, name)
    ]


# --- Public pages


def home(request):
    contests = contests_visible_to(request.user)
    page = Paginator(contests, CONTESTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "contest/contest_list.html", {"page": page})


def contest_detail(request, slug: str):
    contest = access_contest(request.user, slug)
    categories = categories_of(contest).order_by(
        F("group__order").asc(nulls_last=True), "group_id", "order", "code"
    )
    return render(
        request,
        "contest/contest_detail.html",
        {
            "contest": contest,
            "categories": categories,
            "timeline": _timeline(contest),
            "requirements": _requirements(contest),
        },
    )


# --- Creating and setting up a contest


@login_required
@permission_required("contest.create_contest", raise_exception=True)
def contest_create(request):
    form = ContestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        contest = _submit(form, services.contest_create, creator=request.user)
        if contest:
            messages.success(request, _("The contest was created as a draft."))
            return redirect("contest_manage", slug=contest.slug)
    return render(request, "contest/contest_form.html", {"form": form})


@login_required
def contest_edit(request, slug: str):
    contest = access_contest(request.user, slug, MANAGE)
    if request.method == "POST":
        form = ContestForm(request.POST)
        saved = _submit(form, services.contest_update, contest=contest)
        if saved:
            messages.success(request, _("The settings were saved."))
            return redirect("contest_manage", slug=saved.slug)
    else:
        form = ContestForm(initial=model_to_dict(contest, fields=services.CONTEST_FIELDS))
    return render(request, "contest/contest_form.html", {"form": form, "contest": contest})


@login_required
def contest_manage(request, slug: str):
    contest = access_contest(request.user, slug, MANAGE)
    allowed = services.PHASE_TRANSITIONS.get(contest.phase, set())
    people = contest_people_counts(contest)
    return render(
        request,
        "contest/contest_manage.html",
        {
            "contest": contest,
            "next_phases": [
                (value, label) for value, label in Contest.Phase.choices if value in allowed
            ],
            "category_count": categories_of(contest).count(),
            "organiser_count": people[ContestRole.Role.ORGANISER],
            "judge_count": people[ContestRole.Role.JUDGE],
            "requirements": _requirements(contest),
            "timeline": _timeline(contest),
        },
    )


@require_POST
@login_required
def contest_phase(request, slug: str):
    contest = access_contest(request.user, slug, MANAGE)
    try:
        contest = services.contest_set_phase(contest=contest, phase=request.POST.get("phase", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The contest is now in the phase “%s”.") % contest.get_phase_display()
        )
    return redirect("contest_manage", slug=contest.slug)


# --- Groups, subjects, stages and categories


def _dimension_model(kind: str):
    try:
        return services.DIMENSIONS[kind]
    except KeyError as exc:
        raise Http404 from exc


def _render_categories(request, contest: Contest, *, bound: dict | None = None):
    """The categories page; `bound` holds a submitted form to show again with its errors."""
    bound = bound or {}
    dimensions = [
        (
            kind,
            model._meta.verbose_name_plural,
            dimensions_of(contest, model),
            bound.get(kind) or dimension_form_class(kind)(prefix=kind),
        )
        for kind, model in services.DIMENSIONS.items()
    ]
    category_form = bound.get("category") or CategoryForm(contest=contest, prefix="category")
    return render(
        request,
        "contest/contest_categories.html",
        {
            "contest": contest,
            "dimensions": dimensions,
            "categories": categories_of(contest),
            "category_form": category_form,
        },
    )


@login_required
def contest_categories(request, slug: str):
    return _render_categories(request, access_contest(request.user, slug, MANAGE))


@require_POST
@login_required
def dimension_add(request, slug: str, kind: str):
    contest = access_contest(request.user, slug, MANAGE)
    model = _dimension_model(kind)
    form = dimension_form_class(kind)(request.POST, prefix=kind)
    if _submit(form, services.dimension_save, contest=contest, model=model):
        messages.success(request, _("Added."))
        return redirect("contest_categories", slug=contest.slug)
    return _render_categories(request, contest, bound={kind: form})


@login_required
def dimension_edit(request, slug: str, kind: str, pk: int):
    contest = access_contest(request.user, slug, MANAGE)
    model = _dimension_model(kind)
    item = get_object_or_404(model, contest=contest, pk=pk)
    if request.method == "POST":
        form = dimension_form_class(kind)(request.POST)
        if _submit(form, services.dimension_save, contest=contest, model=model, instance=item):
            messages.success(request, _("Saved."))
            return redirect("contest_categories", slug=contest.slug)
    else:
        initial = {
            "name": item.name,
            "code": item.code,
            "order": item.order,
            "requires_supervisor": getattr(item, "requires_supervisor", False),
        }
        form = dimension_form_class(kind)(initial=initial)
    return render(
        request,
        "contest/dimension_form.html",
        {
            "contest": contest,
            "form": form,
            "kind_label": model._meta.verbose_name,
        },
    )


@require_POST
@login_required
def dimension_delete(request, slug: str, kind: str, pk: int):
    contest = access_contest(request.user, slug, MANAGE)
    item = get_object_or_404(_dimension_model(kind), contest=contest, pk=pk)
    try:
        services.dimension_delete(instance=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Deleted."))
    return redirect("contest_categories", slug=contest.slug)


@require_POST
@login_required
def category_add(request, slug: str):
    contest = access_contest(request.user, slug, MANAGE)
    form = CategoryForm(request.POST, contest=contest, prefix="category")
    if _submit(form, services.category_save, contest=contest):
        messages.success(request, _("The category was added."))
        return redirect("contest_categories", slug=contest.slug)
    return _render_categories(request, contest, bound={"category": form})


@login_required
def category_edit(request, slug: str, pk: int):
    contest = access_contest(request.user, slug, MANAGE)
    category = get_object_or_404(categories_of(contest), pk=pk)
    if request.method == "POST":
        form = CategoryForm(request.POST, contest=contest)
        if _submit(form, services.category_save, contest=contest, instance=category):
            messages.success(request, _("The category was saved."))
            return redirect("contest_categories", slug=contest.slug)
    else:
        form = CategoryForm(contest=contest, initial=CategoryForm.initial_for(category))
    return render(request, "contest/category_form.html", {"contest": contest, "form": form})


@require_POST
@login_required
def category_delete(request, slug: str, pk: int):
    contest = access_contest(request.user, slug, MANAGE)
    category = get_object_or_404(categories_of(contest), pk=pk)
    services.category_delete(category=category)
    messages.success(request, _("The category was deleted."))
    return redirect("contest_categories", slug=contest.slug)


@require_POST
@login_required
def categories_generate(request, slug: str):
    contest = access_contest(request.user, slug, MANAGE)
    try:
        created = services.categories_generate(contest=contest)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d category was created.",
                "%(count)d categories were created.",
                len(created),
            )
            % {"count": len(created)},
        )
    return redirect("contest_categories", slug=contest.slug)


# --- Organisers and judges (staff only: entrants are never listed here)


def _render_people(request, contest: Contest, form: RoleAddForm):
    page = Paginator(contest_people(contest), PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "contest/contest_people.html",
        {
            "contest": contest,
            "page": page,
            "form": form,
        },
    )


@login_required
def contest_people_page(request, slug: str):
    return _render_people(request, access_contest(request.user, slug, MANAGE), RoleAddForm())


@require_POST
@login_required
def person_add(request, slug: str):
    contest = access_contest(request.user, slug, MANAGE)
    form = RoleAddForm(request.POST)
    if _submit(form, services.contest_role_add, contest=contest):
        messages.success(request, _("The role was given."))
        return redirect("contest_people", slug=contest.slug)
    return _render_people(request, contest, form)


@require_POST
@login_required
def person_remove(request, slug: str, pk: int):
    contest = access_contest(request.user, slug, MANAGE)
    role = get_object_or_404(contest_people(contest), pk=pk)
    try:
        services.contest_role_remove(contest=contest, role_id=role.pk)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("contest_people", slug=contest.slug)
    messages.success(request, _("The role was removed."))
    if role.user_id == request.user.pk and role.role == ContestRole.Role.ORGANISER:
        # They may no longer see this contest (a draft): send them where they can still go.
        return redirect("home")
    return redirect("contest_people", slug=contest.slug)
