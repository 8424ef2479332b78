"""The published results as CSV for organisers, streamed, every cell safe against formula
injection (a spreadsheet must never run what an entrant typed as a title or a name)."""

import csv
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from contest.models import Contest
from publication.selectors.results import authors_of, institution_of, published_awards

# Cells starting with these are read as formulas by Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 500


def safe_cell(value) -> str:
    """The value as text; a leading formula character is neutralised with an apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def header() -> list[str]:
    return [
        _("Prize"),
        _("Rank"),
        _("Pool"),
        _("Category"),
        _("Anonymous code"),
        _("Title"),
        _("Authors"),
        _("Institution"),
        _("Final score"),
    ]


def result_rows(contest: Contest) -> Iterator[list]:
    """Every published work award of the contest, in the public page's order, with all fields
    (organisers see what the public page may hide)."""
    for award in published_awards(contest).iterator(chunk_size=CHUNK):
        work = award.work
        yield [
            award.prize_name,
            award.rank,
            award.pool_name,
            work.category.name,
            work.anonymous_code,
            work.title,
            "、".join(authors_of(work)),
            institution_of(work),
            award.score,
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(head: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV text line by line: a UTF-8 byte-order mark first so that Excel reads Chinese."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([safe_cell(cell) for cell in head])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])


def results_csv_response(contest: Contest) -> StreamingHttpResponse:
    # The header is translated now: the stream is read after the language is deactivated.
    response = StreamingHttpResponse(
        csv_lines(header(), result_rows(contest)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="results-{contest.slug}.csv"'
    return response
