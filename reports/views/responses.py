"""Sending exports and generated files: the same for pages and the API.

File names are neutral (the export's key and a date or the file's id): nothing about people or
works goes into a header.
"""

import tempfile

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils import timezone, translation

from contest.media.store import store
from reports.exporters.base import Exporter
from reports.exporters.writers import CONTENT_TYPES, csv_chunks, write_xlsx
from reports.models import GeneratedFile

SPOOL_BYTES = 8 * 1024 * 1024  # a small XLSX stays in memory; a larger one spills to disk
FILE_TYPES = {**CONTENT_TYPES, "zip": "application/zip", "pdf": "application/pdf"}


def _name(exporter: Exporter, format: str) -> str:
    return f"{exporter.key}-{timezone.localdate():%Y%m%d}.{format}"


def _in_language(chunks, language: str):
    """Produce each chunk in the request's language: a streamed body is produced after the
    language middleware has finished with the request."""
    iterator = iter(chunks)
    while True:
        with translation.override(language):
            chunk = next(iterator, None)
        if chunk is None:
            return
        yield chunk


def export_response(exporter: Exporter, format: str):
    """The export as a download made during the request: CSV streamed row by row, XLSX
    written to a spooled file first (a zip cannot be streamed before it is complete)."""
    if format == "csv":
        response = StreamingHttpResponse(
            _in_language(csv_chunks(exporter), translation.get_language()),
            content_type=CONTENT_TYPES["csv"],
        )
        response["Content-Disposition"] = f'attachment; filename="{_name(exporter, "csv")}"'
    else:
        out = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by FileResponse)
        write_xlsx(exporter, out)
        out.seek(0)
        response = FileResponse(
            out,
            as_attachment=True,
            filename=_name(exporter, "xlsx"),
            content_type=CONTENT_TYPES["xlsx"],
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def generated_file_response(request, generated: GeneratedFile):
    """A finished, unexpired file (callers check); a file missing on disk is 404."""
    if generated.state != GeneratedFile.State.DONE or not generated.file:
        raise Http404
    return store().serve(
        request,
        generated.file,
        content_type=FILE_TYPES.get(generated.format, "application/octet-stream"),
        download_name=generated.download_name,
        as_attachment=True,
    )
