"""Organisers' template editor: fields, text blocks, images, and a PDF preview in the browser."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from certificates.forms import ImageForm, TemplateForm
from certificates.models import CertificateKind, CertificateTemplate
from certificates.selectors import access_certificates, access_template
from certificates.services.defaults import DEFAULT_BLOCKS, DEFAULT_POSITIONS, SAMPLE_FIELDS
from certificates.services.rendering import template_preview_pdf
from certificates.services.templates import (
    IMAGE_SLOTS,
    template_clear_image,
    template_create,
    template_delete,
    template_set_image,
    template_update,
)
from certificates.views.manage import pdf_response
from contest.errors import DomainError
from contest.forms.base import add_domain_error


def _kind(kind: str) -> str:
    if kind not in CertificateKind.values:
        raise Http404
    return kind


def _page(request, contest, kind, form, template=None, image_form=None):
    context = {
        "contest": contest,
        "active": "certificates",
        "kind": kind,
        "kind_label": CertificateKind(kind).label,
        "form": form,
        "template": template,
        "image_form": image_form or ImageForm(),
        "slots": [(slot, getattr(template, slot, "")) for slot in IMAGE_SLOTS],
    }
    return render(request, "certificates/template_form.html", context)


@login_required
def template_edit(request, slug: str, kind: str):
    """Create the contest's template of this kind, or change it."""
    contest = access_certificates(request.user, slug)
    kind = _kind(kind)
    template = CertificateTemplate.objects.filter(contest=contest, kind=kind).first()
    instance = template or CertificateTemplate(
        contest=contest,
        kind=kind,
        name=str(CertificateKind(kind).label),
        blocks=DEFAULT_BLOCKS[kind],
        **DEFAULT_POSITIONS,
    )
    form = TemplateForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            if template is None:
                template = template_create(contest=contest, kind=kind, **form.values())
            else:
                template = template_update(template=template, **form.values())
        except DomainError as exc:
            if "blocks" in exc.fields:
                exc.fields["blocks_json"] = exc.fields.pop("blocks")
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The template is saved."))
            return redirect(reverse("certificate_template", args=[slug, kind]))
    return _page(request, contest, kind, form, template)


@require_POST
@login_required
def template_image(request, pk: int, slot: str):
    template = access_template(request.user, pk)
    if slot not in IMAGE_SLOTS:
        raise Http404
    back = reverse("certificate_template", args=[template.contest.slug, template.kind])
    if "clear" in request.POST:
        template_clear_image(template=template, slot=slot)
        return redirect(back)
    form = ImageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            template_set_image(template=template, slot=slot, upload=form.cleaned_data["image"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The image is saved."))
            return redirect(back)
    return _page(
        request,
        template.contest,
        template.kind,
        TemplateForm(instance=template),
        template,
        image_form=form,
    )


@login_required
def template_preview(request, pk: int):
    """The template filled with sample values, shown inline as a PDF."""
    template = access_template(request.user, pk)
    sample = {**SAMPLE_FIELDS, "contest": template.contest.title}
    return pdf_response(template_preview_pdf(template, sample), "preview.pdf", inline=True)


@require_POST
@login_required
def template_delete_view(request, pk: int):
    template = access_template(request.user, pk)
    slug = template.contest.slug
    try:
        template_delete(template=template)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The template is deleted."))
    return redirect(reverse("certificate_overview", args=[slug]))
