"""Screening (形式审查): the organisers' queue of works, one work's page, and their decisions.

Every page needs "contest.manage_contest" on the contest (through `access_contest`); a work's
page and every decision also "contest.screen_work" on the work (through `access_work`). The
decisions go through the services, which keep the status graph and e-mail the entrants.
The queue's filters travel in the query string, so they survive a decision and a page change.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from contest.errors import DomainError
from contest.forms.base import add_domain_error
from contest.forms.screening import (
    ScreeningBulkForm,
    ScreeningDecisionForm,
    ScreeningFilterForm,
)
from contest.models import Contest, Work
from contest.models.contests import AttachmentKind
from contest.selectors import (
    access_contest,
    access_work,
    categories_of,
    work_media,
    works_for_screening,
)
from contest.services.media import refusal_text
from contest.services.works import work_screen, works_screen_bulk

MANAGE = "contest.manage_contest"
SCREEN = "contest.screen_work"
WORKS_PER_PAGE = 50


def _access(request, slug: str) -> Contest:
    return access_contest(request.user, slug, MANAGE)


def _access_work(request, contest: Contest, pk: int) -> Work:
    work = access_work(request.user, pk, SCREEN)
    if work.contest_id != contest.pk:
        raise Http404
    return work


def _filters(request, contest: Contest) -> ScreeningFilterForm:
    return ScreeningFilterForm(request.GET, categories=categories_of(contest))


def _with_query(url: str, query: str) -> str:
    return f"{url}?{query}" if query else url


# --- The queue


def _render_queue(request, contest: Contest, bulk_form: ScreeningBulkForm | None = None):
    filters = _filters(request, contest)
    works = works_for_screening(contest, **filters.filters())
    page = Paginator(works, WORKS_PER_PAGE).get_page(request.GET.get("page"))
    bulk_form = bulk_form or ScreeningBulkForm(contest=contest)
    return render(
        request,
        "contest/screening/queue.html",
        {
            "contest": contest,
            "page": page,
            "filters": filters,
            "query": filters.query(),
            "bulk_form": bulk_form,
            "ticked": {str(pk) for pk in bulk_form["works"].value() or []},
        },
    )


@login_required
def screening_queue(request, slug: str):
    return _render_queue(request, _access(request, slug))


def _report(request, works: list[Work], refused: dict[int, str], status_label: str) -> None:
    """One message for the works changed, one per reason for those left alone."""
    done = len(works) - len(refused)
    if done:
        messages.success(
            request,
            ngettext(
                "%(count)d work is now “%(status)s”.",
                "%(count)d works are now “%(status)s”.",
                done,
            )
            % {"count": done, "status": status_label},
        )
    codes_by_reason: dict[str, list[str]] = {}
    for work in works:
        if work.pk in refused:
            codes_by_reason.setdefault(refused[work.pk], []).append(work.anonymous_code)
    for reason, codes in codes_by_reason.items():
        messages.warning(
            request,
            _("Not changed: %(codes)s. %(reason)s") % {"codes": "、".join(codes), "reason": reason},
        )


@require_POST
@login_required
def screening_bulk(request, slug: str):
    contest = _access(request, slug)
    form = ScreeningBulkForm(request.POST, contest=contest)
    if not form.is_valid():
        return _render_queue(request, contest, bulk_form=form)
    works = list(form.cleaned_data["works"])
    allowed = [work for work in works if request.user.has_perm(SCREEN, work)]
    refused = dict.fromkeys(
        {w.pk for w in works} - {w.pk for w in allowed}, _("You do not have permission to do this.")
    )
    decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
    try:
        refused |= works_screen_bulk(
            works=allowed, actor=request.user, decision=decision, reason=reason
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        return _render_queue(request, contest, bulk_form=form)
    _report(request, works, refused, dict(form.fields["decision"].choices)[decision])
    query = _filters(request, contest).query()
    return redirect(_with_query(reverse("screening_queue", args=[contest.slug]), query))


# --- One work


def _attachment_rows(contest: Contest, media: dict) -> list[dict]:
    """Each required or uploaded kind of attachment: its current file and its latest upload."""
    labels = dict(AttachmentKind.choices)
    kinds = dict.fromkeys([*contest.required_attachments, *media["latest_attachments"]])
    rows = []
    for kind in kinds:
        latest = media["latest_attachments"].get(kind)
        rows.append(
            {
                "label": labels.get(kind, kind),
                "required": kind in contest.required_attachments,
                "current": media["attachments"].get(kind),
                "latest": latest,
                "refusal": refusal_text(latest) if latest else "",
            }
        )
    return rows


def _render_work(request, contest: Contest, work: Work, form: ScreeningDecisionForm):
    media = work_media(work)
    latest = media["latest_video"]
    return render(
        request,
        "contest/screening/work.html",
        {
            "contest": contest,
            "work": work,
            "video": media["video"],
            "latest_video": latest if latest and latest != media["video"] else None,
            "video_refusal": refusal_text(latest) if latest else "",
            "attachments": _attachment_rows(contest, media),
            "co_authors": work.co_authors.all(),
            "events": work.events.select_related("actor"),
            "form": form,
            "query": _filters(request, contest).query(),
        },
    )


@login_required
def screening_work(request, slug: str, pk: int):
    contest = _access(request, slug)
    work = _access_work(request, contest, pk)
    return _render_work(request, contest, work, ScreeningDecisionForm())


def _next_in_queue(contest: Contest, work: Work, filters: dict) -> int | None:
    """The work after this one in the (filtered) queue, which is ordered by submission time."""
    if work.submitted_at is None:
        return None
    after = Q(submitted_at__gt=work.submitted_at) | Q(
        submitted_at=work.submitted_at, pk__gt=work.pk
    )
    queue = works_for_screening(contest, **filters).prefetch_related(None)
    return queue.filter(after).values_list("pk", flat=True).first()


@require_POST
@login_required
def screening_decide(request, slug: str, pk: int):
    contest = _access(request, slug)
    work = _access_work(request, contest, pk)
    form = ScreeningDecisionForm(request.POST)
    if form.is_valid():
        try:
            work = work_screen(work=work, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("The work %(code)s is now “%(status)s”.")
                % {"code": work.anonymous_code, "status": work.get_status_display()},
            )
            filters = _filters(request, contest)
            following = _next_in_queue(contest, work, filters.filters())
            url = (
                reverse("screening_work", args=[contest.slug, following])
                if following
                else reverse("screening_queue", args=[contest.slug])
            )
            return redirect(_with_query(url, filters.query()))
    return _render_work(request, contest, work, form)
