"""The entrant's work pages: create, edit, the work's page (uploads, checklist, what judges will
see), submit and withdraw; the list of one's works; and the coordinators' endorsement queue.

Views fetch through `access_work` / `access_contest` (one permission check per object) and call
the works services; refusals come back as DomainError and are shown on the form or as a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contest.errors import DomainError
from contest.forms.base import add_domain_error
from contest.forms.works import SubmitForm, WorkForm, co_author_formset
from contest.media.errors import MediaRejected
from contest.media.store import store
from contest.models import ProcessingState, Work
from contest.models.contests import AttachmentKind
from contest.selectors import (
    access_contest,
    access_work,
    work_media,
    works_of_entrant,
    works_to_endorse,
)
from contest.services import works as services

EDIT = "contest.edit_work"
WORKS_PER_PAGE = 20
ENDORSE_PER_PAGE = 50
DASHBOARD_WORKS = 5
MB = 1024 * 1024
BUSY = {ProcessingState.UPLOADED, ProcessingState.PROCESSING}
# What the file pickers offer: extensions and MIME types, so phones open the right picker.
VIDEO_TYPES = {
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "mkv": "video/x-matroska",
    "webm": "video/webm",
    "avi": "video/x-msvideo",
    "flv": "video/x-flv",
    "wmv": "video/x-ms-wmv",
}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCUMENT_ACCEPT = {
    AttachmentKind.DESIGN: ".docx,.pdf," + DOCX + ",application/pdf",
    AttachmentKind.SLIDES: ".pptx,.pdf," + PPTX + ",application/pdf",
}


def _save(form, formset, service, **kwargs) -> Work | None:
    """Call the service with the forms' data; on refusal show it on the form and return None."""
    if not (form.is_valid() & formset.is_valid()):  # `&`: validate both, show every error
        return None
    try:
        return service(**kwargs, co_authors=formset.co_authors(), **form.cleaned_data)
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


def _refusal(check, *args) -> str:
    """The message a service check gives, or '' when it lets the action through."""
    try:
        check(*args)
    except DomainError as exc:
        return str(exc.message)
    return ""


# --- Creating and editing


@login_required
def work_create(request, slug: str):
    contest = access_contest(request.user, slug, "contest.enter_contest")
    data = request.POST if request.method == "POST" else None
    form = WorkForm(data, contest=contest)
    formset = co_author_formset(contest, data=data)
    if data is not None:
        work = _save(form, formset, services.work_create, contest=contest, entrant=request.user)
        if work:
            messages.success(request, _("The work was created. Now upload its files."))
            return redirect("work_detail", pk=work.pk)
    context = {"contest": contest, "form": form, "formset": formset}
    return render(request, "contest/works/work_form.html", context)


@login_required
def work_edit(request, pk: int):
    work = access_work(request.user, pk, EDIT)
    contest = work.contest
    if request.method == "POST":
        form = WorkForm(request.POST, contest=contest)
        formset = co_author_formset(contest, data=request.POST)
        if _save(form, formset, services.work_update, work=work):
            messages.success(request, _("The changes were saved."))
            return redirect("work_detail", pk=work.pk)
    else:
        form = WorkForm(contest=contest, initial=WorkForm.initial_for(work))
        initial = [{"name": a.name, "institution": a.institution} for a in work.co_authors.all()]
        formset = co_author_formset(contest, initial=initial)
    context = {
        "contest": contest,
        "work": work,
        "form": form,
        "formset": formset,
        "locked": _refusal(services.check_editable, work),
    }
    return render(request, "contest/works/work_form.html", context)


# --- The work's page


def _refusal_text(item) -> str:
    """Why processing refused a file, in the reader's language."""
    if item is None or item.state != ProcessingState.FAILED:
        return ""
    try:
        return str(MediaRejected(item.error_code, **item.error_params))
    except (KeyError, TypeError, ValueError):
        return _(
            "The file could not be checked. Please upload it again; if this happens again, "
            "write to the organisers."
        )


def _slot(
    kind: str, label, current, latest, *, upload_url: str, accept: str, max_mb: int, formats: str
) -> dict:
    return {
        "kind": kind,
        "label": label,
        "current": current,
        "latest": latest,
        "replaced": latest is not None and latest != current,
        "refusal": _refusal_text(latest),
        "upload_url": upload_url,
        "accept": accept,
        "max_mb": max_mb,
        "max_bytes": max_mb * MB,
        "formats": formats,
        "busy": latest is not None and latest.state in BUSY,
    }


def _media_slots(work: Work, media: dict) -> list[dict]:
    """One row per file the contest asks for: the checked file, the latest upload, the picker."""
    contest = work.contest
    formats = list(contest.allowed_formats) or list(VIDEO_TYPES)
    slots = [
        _slot(
            "video",
            _("Video"),
            media["video"],
            media["latest_video"],
            upload_url=reverse("video_upload", args=[work.pk]),
            accept=",".join(
                [f".{f}" for f in formats] + [VIDEO_TYPES[f] for f in formats if f in VIDEO_TYPES]
            ),
            max_mb=contest.max_file_size_mb,
            formats=", ".join(f.upper() for f in formats),
        )
    ]
    labels = dict(AttachmentKind.choices)
    for kind in contest.required_attachments:
        if kind not in labels:
            continue
        slots.append(
            _slot(
                kind,
                labels[kind],
                media["attachments"].get(kind),
                media["latest_attachments"].get(kind),
                upload_url=reverse("attachment_upload", args=[work.pk, kind]),
                accept=DOCUMENT_ACCEPT[kind],
                max_mb=contest.max_attachment_size_mb,
                formats="DOCX, PDF" if kind == AttachmentKind.DESIGN else "PPTX, PDF",
            )
        )
    return slots


def _media_context(work: Work) -> dict:
    slots = _media_slots(work, work_media(work))
    return {"work": work, "slots": slots, "busy": any(slot["busy"] for slot in slots)}


@login_required
def work_detail(request, pk: int):
    work = access_work(request.user, pk)
    is_entrant = request.user.has_perm(EDIT, work)
    editable = is_entrant and services.can_edit(work)
    context = _media_context(work) | {
        "contest": work.contest,
        "co_authors": work.co_authors.all(),
        "is_entrant": is_entrant,
        "can_edit": editable,
        # Files in a bucket: the page uploads straight to it (static/js/upload_s3.js).
        "direct_uploads": editable and store().remote,
        "can_withdraw": is_entrant and services.can_withdraw(work),
        "missing": services.missing_for_submission(work) if editable else [],
        "submit_form": SubmitForm(),
    }
    return render(request, "contest/works/work_detail.html", context)


@login_required
def work_media_state(request, pk: int):
    """The files' states, polled by the work's page while one is being checked."""
    work = access_work(request.user, pk)
    context = _media_context(work)
    response = render(request, "contest/works/_media_state.html", context)
    if request.GET.get("was_busy") and not context["busy"]:
        # Checking ended: reload the page so the checklist and the judges' preview follow.
        response["HX-Refresh"] = "true"
    return response


@require_POST
@login_required
def work_submit(request, pk: int):
    work = access_work(request.user, pk, EDIT)
    form = SubmitForm(request.POST)
    form.is_valid()
    try:
        services.work_submit(
            work=work,
            actor=request.user,
            accept_licence=form.cleaned_data.get("accept_licence", False),
        )
    except DomainError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("The work was submitted. We have sent you an e-mail."))
    return redirect("work_detail", pk=work.pk)


def _messages_of(error: DomainError) -> list[str]:
    fields = [
        str(m) for ms in error.fields.values() for m in (ms if isinstance(ms, list) else [ms])
    ]
    return fields or [str(error.message)]


@require_POST
@login_required
def work_withdraw(request, pk: int):
    work = access_work(request.user, pk, EDIT)
    try:
        services.work_withdraw(work=work, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The work was withdrawn."))
    return redirect("work_detail", pk=work.pk)


# --- Lists


@login_required
def my_works(request):
    page = Paginator(works_of_entrant(request.user), WORKS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "contest/works/my_works.html", {"page": page})


# --- Endorsement (单位推荐)


@login_required
def endorse_queue(request, slug: str):
    contest = access_contest(request.user, slug)
    if not request.user.has_perm("contest.coordinate_contest", contest):
        raise PermissionDenied
    page = Paginator(works_to_endorse(request.user, contest), ENDORSE_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "contest/works/endorse_queue.html", {"contest": contest, "page": page})


@require_POST
@login_required
def work_endorse(request, pk: int):
    work = access_work(request.user, pk, "contest.endorse_work")
    try:
        services.work_endorse(work=work, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("You endorsed “%s”.") % work.title)
    return redirect("endorse_queue", slug=work.contest.slug)
