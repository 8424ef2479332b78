"""Assignments as Excel: the export read back with openpyxl, and the import (all or nothing,
each row through the hand-edit checks)."""

import io

import pytest
from django import forms
from django.utils import translation
from openpyxl import Workbook, load_workbook

from judging.forms.assignment import read_rows
from judging.models import Assignment
from judging.models import Conflict as ConflictOfInterest
from judging.services import assignment as services
from judging.services import assignment_excel as excel
from tests.judging.test_assignment_service import make_round

HEADER = ["Anonymous code", "Category", "Judge's e-mail", "Judge's name", "State"]


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English; Chinese ones come with the translations.
    with translation.override("en"):
        yield


@pytest.fixture
def setup(db):
    return make_round(k=2, judges=4, works=3)


def xlsx(rows, header=("Anonymous code", "Judge's e-mail")) -> io.BytesIO:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    return out


def read_back(file) -> list[tuple]:
    sheet = load_workbook(file, read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_the_export_reads_back_with_every_assignment(setup):
    services.round_apply(round=setup.round, actor=None)
    rows = read_back(excel.assignments_export(round=setup.round))
    assert list(rows[0]) == HEADER
    expected = {
        (
            a.work.anonymous_code,
            setup.category.name,
            a.judge.email,
            a.judge.real_name,
            "Not started",
        )
        for a in Assignment.objects.filter(round=setup.round).select_related("work", "judge")
    }
    assert set(rows[1:]) == expected and len(rows) == 7


@pytest.mark.django_db
def test_the_export_never_writes_a_formula(setup):
    judge = setup.judges[0].user
    judge.real_name = '=HYPERLINK("http://evil.example","点我")'
    judge.save()
    services.assignment_add(round=setup.round, work=setup.works[0], judge=judge, actor=None)
    workbook = load_workbook(excel.assignments_export(round=setup.round))
    cell = workbook.worksheets[0]["D2"]
    assert cell.data_type == "s" and cell.value == judge.real_name


@pytest.mark.django_db
def test_an_import_adds_every_row(setup):
    rows = read_rows(
        xlsx(
            [
                (setup.works[0].anonymous_code, setup.judges[0].user.email.upper()),
                (setup.works[1].anonymous_code, setup.judges[1].user.email),
                (None, None),
            ]
        )
    )
    report = excel.assignments_import(round=setup.round, rows=rows, actor=None)
    assert report.saved and report.added == 2 and not report.errors
    assert Assignment.objects.filter(round=setup.round).count() == 2


@pytest.mark.django_db
def test_an_export_imported_again_changes_nothing(setup):
    services.round_apply(round=setup.round, actor=None)
    rows = read_rows(excel.assignments_export(round=setup.round))
    report = excel.assignments_import(round=setup.round, rows=rows, actor=None)
    assert report.saved and report.added == 0
    assert {row.status for row in report.rows} == {"unchanged"}


@pytest.mark.django_db
def test_an_import_with_one_bad_row_saves_nothing(setup):
    other = make_round(works=1, judges=1)
    ConflictOfInterest.objects.create(
        contest=setup.contest,
        judge=setup.judges[2].user,
        work=setup.works[2],
        source="organiser",
        reason="x",
    )
    good = (setup.works[0].anonymous_code, setup.judges[0].user.email)
    rows = read_rows(
        xlsx(
            [
                good,
                ("NOSUCH99", setup.judges[1].user.email),
                (setup.works[1].anonymous_code, "nobody@example.cn"),
                (other.works[0].anonymous_code, setup.judges[1].user.email),
                (setup.works[1].anonymous_code, other.judges[0].user.email),
                (setup.works[2].anonymous_code, setup.judges[2].user.email),
                ("", setup.judges[3].user.email),
                ("<script>alert(1)</script>", "x"),
            ]
        )
    )
    report = excel.assignments_import(round=setup.round, rows=rows, actor=None)
    assert not report.saved
    assert [row.status for row in report.rows] == ["added"] + ["error"] * 7
    assert [row.number for row in report.rows] == list(range(2, 10))
    messages = [row.message for row in report.errors]
    assert "No work of the round has this code." in messages
    assert "No judge of the contest has this e-mail address." in messages
    assert any("Conflict of interest" in m for m in messages)
    assert Assignment.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a spreadsheet", "not an Excel"),
        (b"PK\x03\x04broken zip", "not an Excel"),
        (None, "must name the columns"),
    ],
)
def test_unreadable_files_are_refused(content, message):
    file = io.BytesIO(content) if content else xlsx([("A", "b@example.cn")], header=("x", "y"))
    with pytest.raises(forms.ValidationError) as refused:
        read_rows(file)
    assert message in str(refused.value)


@pytest.mark.django_db
def test_columns_are_found_by_their_titles_in_any_order(setup):
    file = xlsx([("b@example.cn", "甲", "CODE1234")], header=("judge's e-mail", "Category", "code"))
    assert read_rows(file) == [(2, "CODE1234", "b@example.cn")]


@pytest.mark.django_db
def test_a_chinese_export_imports_back(setup):
    services.round_apply(round=setup.round, actor=None)
    with translation.override("zh-hans"):
        file = excel.assignments_export(round=setup.round)
    assert len(read_rows(file)) == 6
