"""Organiser pages of the judge panel (members, invitations, Excel import, chief judges,
conflicts of interest) and the page where an invited judge accepts.

Every organiser page fetches its contest through `access_contest(…, "judging.manage_panel")`
(one permission check; refusals become 404/403) and calls the services.
"""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from contest.errors import DomainError
from contest.forms.base import add_domain_error
from contest.models import Contest, User
from contest.selectors import access_contest
from judging.forms.panel import (
    ChiefForm,
    ConflictForm,
    ImportConfirmForm,
    InvitationForm,
    PanelImportForm,
    PanelMemberForm,
)
from judging.models import Round
from judging.selectors import panel as selectors
from judging.services import conflicts as conflict_services
from judging.services import panel as services
from judging.services.panel_import import panel_import_apply, panel_import_read

MANAGE = selectors.MANAGE_PANEL
PER_PAGE = 50
IMPORT_KEY = "judging:panel_import:%d"


def _contest(request, slug: str) -> Contest:
    return access_contest(request.user, slug, MANAGE)


def _page(request, items, param: str = "page"):
    return Paginator(items, PER_PAGE).get_page(request.GET.get(param))


# --- Members and invitations


def _render_panel(request, contest: Contest, form: InvitationForm):
    page = _page(request, selectors.panel_of(contest))
    labels = selectors.expertise_labels(contest)
    page.object_list = list(page.object_list)
    for member in page.object_list:
        member.expertise_labels = [labels.get(tag, tag) for tag in member.expertise]
    invitations = _page(request, selectors.open_invitations(contest), "invitations_page")
    context = {
        "contest": contest,
        "page": page,
        "invitations": invitations,
        "now": timezone.now(),
        "form": form,
    }
    return render(request, "judging/panel/panel_list.html", context)


@login_required
def panel_list(request, slug: str):
    contest = _contest(request, slug)
    return _render_panel(request, contest, InvitationForm(contest=contest))


@require_POST
@login_required
def panel_invite(request, slug: str):
    contest = _contest(request, slug)
    form = InvitationForm(request.POST, contest=contest)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                contest=contest, actor=request.user, **form.invitation()
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if invitation.accepted_at:
                text = _("%s has an account and joined the panel; they were told by e-mail.")
            else:
                text = _("An invitation was sent to %s.")
            messages.success(request, text % invitation.email)
            return redirect("panel_list", slug=contest.slug)
    return _render_panel(request, contest, form)


@login_required
@require_http_methods(["GET", "POST"])
def panel_edit(request, slug: str, pk: int):
    contest = _contest(request, slug)
    member = get_object_or_404(selectors.panel_of(contest), pk=pk)
    initial = PanelMemberForm.initial_for(member)
    form = PanelMemberForm(request.POST or None, contest=contest, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_update(member=member, **form.settings())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("panel_list", slug=contest.slug)
    context = {"contest": contest, "member": member, "form": form}
    return render(request, "judging/panel/member_form.html", context)


@require_POST
@login_required
def panel_active(request, slug: str, pk: int):
    contest = _contest(request, slug)
    member = get_object_or_404(selectors.panel_of(contest), pk=pk)
    active = request.POST.get("active") == "1"
    services.panel_set_active(member=member, active=active)
    text = _("%s is active again.") if active else _("%s is deactivated.")
    messages.success(request, text % member.user.real_name)
    return redirect("panel_list", slug=contest.slug)


@require_POST
@login_required
def panel_remove(request, slug: str, pk: int):
    contest = _contest(request, slug)
    member = get_object_or_404(selectors.panel_of(contest), pk=pk)
    try:
        services.panel_remove(member=member)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%s was removed from the panel.") % member.user.real_name)
    return redirect("panel_list", slug=contest.slug)


# --- Excel import: upload and preview, then confirm


@login_required
@require_http_methods(["GET", "POST"])
def panel_import(request, slug: str):
    contest = _contest(request, slug)
    form = PanelImportForm(request.POST or None, request.FILES or None)
    context = {"contest": contest, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            report = panel_import_read(contest=contest, file=form.cleaned_data["file"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            # The checked rows wait in the organiser's own session under a random token, so
            # the confirmation imports exactly what was previewed, and only once.
            token = secrets.token_urlsafe(16)
            request.session[IMPORT_KEY % contest.pk] = {
                "token": token,
                "rows": [row.as_dict() for row in report.valid_rows],
                "error_count": len(report.error_rows),
            }
            labels = selectors.expertise_labels(contest)
            for row in report.rows:
                row.expertise_labels = [labels.get(tag, tag) for tag in row.expertise]
            context.update(report=report, token=token)
    return render(request, "judging/panel/import.html", context)


@require_POST
@login_required
def panel_import_confirm(request, slug: str):
    contest = _contest(request, slug)
    form = ImportConfirmForm(request.POST)
    stored = request.session.get(IMPORT_KEY % contest.pk)
    if not (form.is_valid() and stored and stored["token"] == form.cleaned_data["token"]):
        messages.error(request, _("This preview is no longer valid. Upload the file again."))
        return redirect("panel_import", slug=contest.slug)
    try:
        result = panel_import_apply(
            contest=contest,
            rows=stored["rows"],
            error_count=stored["error_count"],
            valid_rows_only=form.cleaned_data["valid_rows_only"],
            actor=request.user,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("panel_import", slug=contest.slug)
    del request.session[IMPORT_KEY % contest.pk]
    messages.success(
        request,
        _("Import done: %(joined)d joined, %(invited)d invited, %(skipped)d skipped.")
        % {"joined": result.joined, "invited": result.invited, "skipped": len(result.skipped)},
    )
    for number, reason in result.skipped:
        messages.warning(
            request, _("Row %(number)d: %(reason)s") % {"number": number, "reason": reason}
        )
    return redirect("panel_list", slug=contest.slug)


# --- Accepting an invitation (the invitee)


@require_http_methods(["GET", "POST"])
def panel_join(request, token: str):
    invitation = selectors.invitation_by_token(token)
    context = {"invitation": invitation, "expired": False, "error": None}
    if invitation is None:
        context["error"] = _("This invitation link is not valid.")
        return render(request, "judging/panel/join.html", context, status=404)
    context["expired"] = invitation.expires_at <= timezone.now()
    context["email"] = services.masked_email(invitation.email)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            services.invitation_accept(token=token, user=request.user)
        except DomainError as exc:
            context["error"] = exc.message
            return render(request, "judging/panel/join.html", context, status=exc.status)
        messages.success(request, _("You joined the judge panel of %s.") % invitation.contest.title)
        return redirect("judge_home")
    return render(request, "judging/panel/join.html", context)


# --- Chief judges of a round


def _round(contest: Contest, pk: int) -> Round:
    return get_object_or_404(Round, contest=contest, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_chiefs(request, slug: str, pk: int):
    contest = _contest(request, slug)
    round_ = _round(contest, pk)
    members = list(selectors.panel_of(contest).filter(active=True))
    categories = list(selectors.round_categories(round_))
    form = ChiefForm(request.POST or None, members=members, categories=categories)
    if request.method == "POST" and form.is_valid():
        users = {m.user_id: m.user for m in members}
        category = {c.pk: c for c in categories}.get(form.cleaned_data["category"])
        try:
            services.chief_add(
                round_=round_, user=users[form.cleaned_data["user"]], category=category
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The chief judge was added."))
            return redirect("round_chiefs", slug=contest.slug, pk=round_.pk)
    context = {
        "contest": contest,
        "round": round_,
        "chiefs": selectors.chiefs_of(round_),
        "form": form,
    }
    return render(request, "judging/panel/round_chiefs.html", context)


@require_POST
@login_required
def chief_remove(request, slug: str, pk: int, chief_pk: int):
    contest = _contest(request, slug)
    round_ = _round(contest, pk)
    chief = get_object_or_404(selectors.chiefs_of(round_), pk=chief_pk)
    services.chief_remove(chief=chief)
    messages.success(request, _("The chief judge was removed."))
    return redirect("round_chiefs", slug=contest.slug, pk=round_.pk)


# --- Conflicts of interest


def _chosen_round(request, contest: Contest) -> Round | None:
    value = request.GET.get("round", "")
    return contest.rounds.filter(pk=value).first() if value.isdigit() else None


def _render_conflicts(request, contest: Contest, form: ConflictForm):
    round_ = _chosen_round(request, contest)
    context = {
        "contest": contest,
        "form": form,
        "rounds": contest.rounds.order_by("order", "pk"),
        "round": round_,
        "conflicts": _page(request, selectors.conflicts_of(contest)),
        "recusals": _page(request, selectors.recusals_of(contest), "recusals_page"),
    }
    if round_ is not None:
        context["automatic"] = _page(request, selectors.automatic_conflicts(round_), "auto_page")
        context["regions"] = selectors.region_conflicts(round_)
    return render(request, "judging/panel/conflict_list.html", context)


def _conflict_form(contest: Contest, data=None) -> ConflictForm:
    return ConflictForm(data, members=list(selectors.panel_of(contest)))


@login_required
def conflict_list(request, slug: str):
    contest = _contest(request, slug)
    return _render_conflicts(request, contest, _conflict_form(contest))


@require_POST
@login_required
def conflict_add(request, slug: str):
    contest = _contest(request, slug)
    form = _conflict_form(contest, request.POST)
    if form.is_valid():
        work = selectors.work_by_code(contest, form.cleaned_data["work_code"])
        judge = User.objects.filter(pk=form.cleaned_data["judge"]).first()
        if work is None:
            form.add_error("work_code", _("No work of this contest has this code."))
        else:
            try:
                conflict_services.conflict_set(
                    contest=contest,
                    judge=judge,
                    work=work,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The conflict of interest was recorded."))
                return redirect("conflict_list", slug=contest.slug)
    return _render_conflicts(request, contest, form)


@require_POST
@login_required
def conflict_remove(request, slug: str, pk: int):
    contest = _contest(request, slug)
    conflict = get_object_or_404(selectors.conflicts_of(contest), pk=pk)
    try:
        conflict_services.conflict_remove(conflict=conflict)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The conflict of interest was removed."))
    return redirect("conflict_list", slug=contest.slug)
