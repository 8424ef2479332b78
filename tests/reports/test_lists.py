"""The list exports read back (XLSX with openpyxl, CSV with the csv module) against the
selectors' data; filters; query counts that do not grow with the rows."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from contest.models import Work
from reports.exporters.base import Filters, exporter_class
from reports.exporters.writers import write_csv, write_xlsx
from tests import factories
from tests import work_factories as wf
from tests.reports_factories import add_conflicts, judged_round

pytestmark = pytest.mark.django_db


def xlsx(exporter):
    out = io.BytesIO()
    rows = write_xlsx(exporter, out)
    out.seek(0)
    return rows, load_workbook(out, read_only=False)


def csv_rows(exporter) -> list[list[str]]:
    out = io.BytesIO()
    write_csv(exporter, out)
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def build(key, contest, **filters):
    return exporter_class(key)(contest, Filters(**filters))


def sheet_values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_works_export_reads_back_in_both_formats():
    data = judged_round()
    contest = data.round.contest
    wf.WorkFactory(contest=contest, category=data.categories[0])  # a draft: not listed
    with translation.override("en"):
        rows, book = xlsx(build("works", contest))
        table = csv_rows(build("works", contest))
    assert rows == 4
    assert book.sheetnames == ["Works for screening", "初中·数学·教师组", "小学·语文·师范生组"]
    everything = sheet_values(book.worksheets[0])
    assert everything[0][:4] == ["Anonymous code", "Title", "Category", "Status"]
    works = sorted(data.works, key=lambda w: (w.category.order, w.anonymous_code))
    assert [row[0] for row in everything[1:]] == [w.anonymous_code for w in works]
    first = everything[1]
    assert first[3] == "Accepted"
    assert first[5] == works[0].entrant.real_name
    assert first[9] == "Zhejiang"
    assert first[11] == "欧阳燚"
    assert first[15] == 420
    assert len(sheet_values(book.worksheets[1])) == 3
    assert table[0] == everything[0]
    assert [row[0] for row in table[1:]] == [w.anonymous_code for w in works]
    assert Decimal(table[1][15]) == 420


def test_works_export_filters_by_category_and_round():
    data = judged_round()
    contest = data.round.contest
    with translation.override("en"):
        _rows, book = xlsx(build("works", contest, category=data.categories[1]))
    codes = {row[0] for row in sheet_values(book.worksheets[0])[1:]}
    assert codes == {w.anonymous_code for w in data.works if w.category == data.categories[1]}
    outside = wf.WorkFactory(contest=contest, category=data.categories[0], status="accepted")
    exporter = build("works", contest, round=data.round)
    assert exporter.count() == 4
    assert outside.anonymous_code not in {row[0] for row in exporter.rows()}


def test_score_details_have_one_column_per_criterion():
    data = judged_round()
    criteria = list(data.round.rubric.criteria.order_by("order", "pk"))
    with translation.override("en"):
        rows, book = xlsx(build("scores", data.round.contest, round=data.round))
    assert rows == len(data.sheets) == 12
    values = sheet_values(book.worksheets[0])
    header = values[0]
    assert header[8 : 8 + len(criteria)] == [c.name for c in criteria]
    by_key = {(row[0], row[4]): row for row in values[1:]}
    for sheet in data.sheets:
        row = by_key[(sheet.assignment.work.anonymous_code, sheet.assignment.judge.email)]
        assert Decimal(str(row[5])) == sheet.total
        scores = {s.criterion_id: s.value for s in sheet.scores.all()}
        assert [Decimal(str(v)) for v in row[8 : 8 + len(criteria)]] == [
            scores[c.pk] for c in criteria
        ]
        assert row[-1].startswith(f"{criteria[0].name}: 意见0")
    cell = book.worksheets[0].cell(row=2, column=9)
    assert cell.number_format == "0.00"


def test_assignments_export_needs_a_round():
    from contest.errors import ValidationFailed

    data = judged_round()
    with pytest.raises(ValidationFailed):
        build("assignments", data.round.contest)
    with translation.override("en"):
        exporter = build("assignments", data.round.contest, round=data.round)
        table = csv_rows(exporter)
    assert len(table) == 13
    assert {row[6] for row in table[1:]} == {"Submitted"}


def test_conflicts_and_recusals_export():
    data = judged_round()
    add_conflicts(data)
    with translation.override("en"):
        table = csv_rows(build("conflicts", data.round.contest, round=data.round))
    kinds = [row[0] for row in table[1:]]
    assert sorted(kinds) == ["Declared by the judge", "Recusal", "Set by an organiser"]
    reasons = {row[0]: row[9] for row in table[1:]}
    assert reasons["Declared by the judge"] == '\'=HYPERLINK("http://evil")'
    assert reasons["Recusal"] == "'+认识作者"
    assert reasons["Set by an organiser"] == "同一学校"


@pytest.mark.parametrize("key", ["works", "assignments", "conflicts", "scores"])
def test_query_count_does_not_grow_with_rows(key, django_assert_max_num_queries):
    small = judged_round(works_per_category=1, judges=1)
    large = judged_round(works_per_category=4, judges=3)
    add_conflicts(large)
    counts = []
    for data in (small, large):
        exporter = build(key, data.round.contest, round=data.round)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            xlsx(exporter)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_unknown_work_status_labels_fall_back_to_the_value():
    contest = factories.ContestFactory()
    assert build("works", contest).count() == 0
    assert Work.Status.ACCEPTED.label
