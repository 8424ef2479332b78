"""Certificates as PDF: one on demand, or a batch (a ZIP of PDFs, or one merged PDF) written
into a generated file by a background task.

PDFs are not stored: a certificate is drawn from its snapshot whenever it is downloaded, so a
changed template or a revocation is never out of step with a stored copy. The data for drawing
is gathered here, in two queries per batch chunk; the drawing code runs none.
"""

import re
import zipfile
from collections.abc import Iterator
from io import BytesIO

from django.urls import reverse
from django.utils.translation import gettext as _

from certificates import conf
from certificates.models import Certificate, CertificateTemplate
from certificates.pdf.fonts import missing_characters
from certificates.pdf.render import CertificateWriter, Layout, PageData
from certificates.services.fields import fields_in, fill
from certificates.services.templates import fonts, layout_of, text_block
from contest.errors import DomainError

CHUNK = 500


def verification_url(code: str) -> str:
    return conf.site_url() + reverse("certificate_verify_code", args=[code])


def page_of(certificate: Certificate, template: CertificateTemplate) -> PageData:
    """The certificate's own texts (its snapshot filled into the template's field blocks)."""
    values = {**certificate.fields, "certificate_no": certificate.number, "code": certificate.code}
    blocks = tuple(
        text_block(b, fill(b["text"], values)) for b in template.blocks if fields_in(b["text"])
    )
    text = "".join(block.text for block in blocks)
    missing = missing_characters(text, fonts())
    if missing:
        raise DomainError(
            _("Certificate %(number)s needs characters the font lacks: %(chars)s.")
            % {"number": certificate.number, "chars": " ".join(missing)},
            code="missing_glyphs",
        )
    return PageData(blocks=blocks, qr_url=verification_url(certificate.code))


class _Layouts:
    """Each template's layout, read (images included) once per batch."""

    def __init__(self):
        self._layouts: dict[int, Layout] = {}

    def __call__(self, template: CertificateTemplate) -> Layout:
        if template.pk not in self._layouts:
            self._layouts[template.pk] = layout_of(template)
        return self._layouts[template.pk]


def certificate_pdf(certificate: Certificate) -> bytes:
    """One certificate as a PDF (select_related its template)."""
    out = BytesIO()
    writer = CertificateWriter(out, fonts(), title=certificate.number)
    template = certificate.template
    writer.add(layout_of(template), page_of(certificate, template))
    writer.close()
    return out.getvalue()


def template_preview_pdf(template: CertificateTemplate, sample: dict[str, str]) -> bytes:
    """The template filled with sample values, for the organiser's browser."""
    certificate = Certificate(number=sample["certificate_no"], code="SAMPLE", fields=sample)
    out = BytesIO()
    writer = CertificateWriter(out, fonts(), title=template.name)
    writer.add(layout_of(template), page_of(certificate, template))
    writer.close()
    return out.getvalue()


def _chunks(ids: list[int]) -> Iterator[list[Certificate]]:
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = Certificate.objects.filter(pk__in=chunk).select_related("template")
        by_id = {c.pk: c for c in rows}
        yield [by_id[pk] for pk in chunk if pk in by_id]


def file_name(certificate: Certificate) -> str:
    """The number as a file name: only letters, digits, '-', '_' and '.' kept."""
    return re.sub(r"[^\w.-]", "_", certificate.number) + ".pdf"


def write_zip(ids: list[int], out, progress) -> int:
    """A ZIP with one PDF per certificate (stored, not deflated: PDFs are compressed)."""
    layouts, done = _Layouts(), 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for chunk in _chunks(ids):
            for certificate in chunk:
                buffer = BytesIO()
                writer = CertificateWriter(buffer, fonts(), title=certificate.number)
                writer.add(
                    layouts(certificate.template), page_of(certificate, certificate.template)
                )
                writer.close()
                archive.writestr(file_name(certificate), buffer.getvalue())
                done += 1
            progress(done, len(ids))
    return done


def write_merged(ids: list[int], out, progress) -> int:
    """One PDF with every certificate, one per page, in the order of `ids`.

    reportlab keeps every page until the file is saved: about 13 KB of memory per page (26 MB
    for 2,000, some 1.3 GB for 100,000). The ZIP, written certificate by certificate, stays flat.
    """
    layouts, writer, done = _Layouts(), CertificateWriter(out, fonts()), 0
    for chunk in _chunks(ids):
        for certificate in chunk:
            writer.add(layouts(certificate.template), page_of(certificate, certificate.template))
            done += 1
        progress(done, len(ids))
    writer.close()
    return done
