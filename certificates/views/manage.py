"""Organisers' certificate pages: templates, issuing, batch files, revoking and reissuing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.forms import ReasonForm
from certificates.models import Certificate, CertificateKind
from certificates.selectors import (
    access_certificate,
    access_certificate_file,
    access_certificates,
    certificate_files_of,
    certificates_of,
    templates_of,
)
from certificates.services.batches import certificate_batch_start
from certificates.services.issuing import (
    certificate_reissue,
    certificate_revoke,
    certificates_check,
    certificates_issue,
)
from certificates.services.rendering import certificate_pdf, file_name
from contest.errors import DomainError
from reports.views.responses import generated_file_response

PER_PAGE = 50


def pdf_response(data: bytes, name: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    # Numbers may hold Chinese (e.g. "证字第{seq}号"): the header encodes them per RFC 6266.
    response["Content-Disposition"] = content_disposition_header(not inline, name)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def certificate_overview(request, slug: str):
    contest = access_certificates(request.user, slug)
    search = request.GET.get("q", "").strip()[:80]
    state = request.GET.get("state", "")
    templates = {t.kind: t for t in templates_of(contest)}
    context = {
        "contest": contest,
        "active": "certificates",
        "kinds": [(kind, label, templates.get(kind)) for kind, label in CertificateKind.choices],
        "has_templates": bool(templates),
        # The check reads every award: run on request (and after issuing), not on each visit.
        "checked": bool(templates) and "check" in request.GET,
        "problems": certificates_check(contest=contest)
        if templates and "check" in request.GET
        else [],
        "files": certificate_files_of(contest)[:6],
        "search": search,
        "state": state,
        "states": Certificate.State.choices,
        "page": Paginator(certificates_of(contest, search=search, state=state), PER_PAGE).get_page(
            request.GET.get("page")
        ),
    }
    return render(request, "certificates/overview.html", context)


def _overview(slug: str):
    return redirect(reverse("certificate_overview", args=[slug]))


@require_POST
@login_required
def certificate_issue_view(request, slug: str):
    contest = access_certificates(request.user, slug)
    try:
        report = certificates_issue(contest=contest, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _overview(slug)
    messages.success(
        request,
        _("%(created)d certificates issued, %(updated)d updated, %(unchanged)d unchanged.")
        % {"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
    )
    if report.problems:
        messages.warning(
            request,
            _("%(count)d certificates were not issued: their names need characters the font lacks.")
            % {"count": len(report.problems)},
        )
    if report.revoked or report.stale:
        messages.info(
            request,
            _(
                "%(revoked)d revoked certificates were left alone (reissue them if needed); "
                "%(stale)d issued certificates have no award any more (revoke them if needed)."
            )
            % {"revoked": report.revoked, "stale": report.stale},
        )
    if report.problems:  # show the list of names at once
        return redirect(reverse("certificate_overview", args=[slug]) + "?check=1")
    return _overview(slug)


@require_POST
@login_required
def certificate_batch_view(request, slug: str):
    contest = access_certificates(request.user, slug)
    try:
        certificate_batch_start(contest=contest, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The ZIP and the merged PDF are being made."))
    return _overview(slug)


@login_required
def certificate_file_state(request, pk: int):
    """The batch file's row, polled by the overview page while it is being made."""
    generated = access_certificate_file(request.user, pk)
    return render(request, "certificates/_file.html", {"file": generated})


@login_required
def certificate_file_download(request, pk: int):
    """The batch file, locally or from the bucket (reports serves every generated file)."""
    generated = access_certificate_file(request.user, pk)
    if generated.is_expired:
        raise Http404
    return generated_file_response(request, generated)


def _detail(request, certificate, form=None, action=""):
    """The page; `form` is the bound form of `action` ("revoke" or "reissue") after an error."""
    context = {
        "contest": certificate.contest,
        "active": "certificates",
        "certificate": certificate,
        "revoke_form": form if action == "revoke" else ReasonForm(auto_id="revoke_%s"),
        "reissue_form": form if action == "reissue" else ReasonForm(auto_id="reissue_%s"),
    }
    return render(request, "certificates/detail.html", context)


@login_required
def certificate_detail(request, pk: int):
    return _detail(request, access_certificate(request.user, pk))


@login_required
def certificate_download(request, pk: int):
    certificate = access_certificate(request.user, pk)
    return pdf_response(certificate_pdf(certificate), file_name(certificate))


def _with_reason(request, pk: int, service, done_message: str, action: str):
    certificate = access_certificate(request.user, pk)
    form = ReasonForm(request.POST, auto_id=f"{action}_%s")
    if form.is_valid():
        try:
            result = service(
                certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done_message % {"number": result.number})
            return redirect(reverse("certificate_detail", args=[result.pk]))
    return _detail(request, certificate, form, action)


@require_POST
@login_required
def certificate_revoke_view(request, pk: int):
    return _with_reason(
        request, pk, certificate_revoke, _("Certificate %(number)s is revoked."), "revoke"
    )


@require_POST
@login_required
def certificate_reissue_view(request, pk: int):
    return _with_reason(
        request, pk, certificate_reissue, _("Certificate %(number)s replaces it."), "reissue"
    )
