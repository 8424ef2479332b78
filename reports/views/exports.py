"""The organisers' reports page: the exports they may run, with filters and format buttons,
and their recent generated files with progress and download links.

Every view checks access once: `access_reports` (organisers of the contest) for the page and
the exports, `access_generated_file` (the file's creator, still an organiser) for files; anyone
else's file is 404. Small exports are sent straight away, large ones are queued.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from contest.errors import DomainError
from contest.forms.base import add_domain_error
from contest.views.media import login_or_token_required
from reports import conf
from reports.exporters.base import exporters_for
from reports.forms import ExportForm
from reports.selectors.exports import (
    FileExpired,
    access_exporter,
    access_generated_file,
    access_reports,
    downloadable_file,
    export_kind_name,
    recent_files,
)
from reports.services import exports as services
from reports.views.responses import export_response, generated_file_response


def _cards(request, contest, failed: tuple[str, ExportForm] | None = None) -> list[dict]:
    cards = []
    for cls in exporters_for(request.user, contest):
        form = ExportForm(contest=contest, exporter=cls)
        if failed and failed[0] == cls.key:
            form = failed[1]
        cards.append({"exporter": cls, "form": form})
    return cards


def _files(request, contest) -> list[dict]:
    return [
        {"file": generated, "name": export_kind_name(generated.kind)}
        for generated in recent_files(request.user, contest)
    ]


def _page(request, contest, failed=None, status: int = 200):
    files = _files(request, contest)
    return render(
        request,
        "reports/reports.html",
        {
            "contest": contest,
            "cards": _cards(request, contest, failed),
            "files": files,
            "busy": any(not item["file"].is_finished for item in files),
            "hours": int(conf.file_lifetime().total_seconds() // 3600),
        },
        status=status,
    )


@login_required
@require_safe
def reports_page(request, slug: str):
    return _page(request, access_reports(request.user, slug))


@login_required
@require_POST
def export_run(request, slug: str, key: str):
    """Send a small export now; queue a large one and come back to the page to watch it."""
    contest = access_reports(request.user, slug)
    cls = access_exporter(request.user, contest, key)
    form = ExportForm(request.POST, contest=contest, exporter=cls)
    if not form.is_valid():
        return _page(request, contest, failed=(key, form), status=400)
    fmt = form.cleaned_data["format"]
    try:
        exporter = services.export_build(
            user=request.user, contest=contest, key=key, params=form.params()
        )
        if services.export_is_small(exporter):
            return export_response(exporter, fmt)
        services.export_start(
            user=request.user, contest=contest, key=key, params=form.params(), format=fmt
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _page(request, contest, failed=(key, form), status=400)
    messages.info(
        request, _("The export is large: it is being made and will be ready to download below.")
    )
    return redirect("reports", slug=contest.slug)


@login_required
@require_safe
def generated_files_status(request, slug: str):
    """The list of recent files alone, polled by the page while one is being made."""
    contest = access_reports(request.user, slug)
    files = _files(request, contest)
    return render(
        request,
        "reports/_files.html",
        {
            "contest": contest,
            "files": files,
            "busy": any(not item["file"].is_finished for item in files),
        },
    )


@login_or_token_required
@require_safe
def generated_file_download(request, pk: int):
    """The file, to its creator only; an expired one says so (410) rather than vanish."""
    try:
        generated = downloadable_file(request.user, pk)
    except FileExpired:
        contest = access_generated_file(request.user, pk).contest
        return render(request, "reports/expired.html", {"contest": contest}, status=410)
    return generated_file_response(request, generated)
