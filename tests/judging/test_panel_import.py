"""Importing a judge list from Excel: a row-by-row report first, nothing saved from a file with
errors unless the organiser imports its valid rows, and hostile files refused."""

import io
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from contest.errors import Conflict, ValidationFailed
from judging.models import Invitation, PanelMember
from judging.services.panel_import import MAX_ROWS, panel_import_apply, panel_import_read
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf


@pytest.fixture(autouse=True)
def _english():
    """Services speak the active language; these tests read their English messages."""
    with translation.override("en"):
        yield


HEADER = ["姓名", "邮箱", "单位", "学科", "学段", "组别", "最大评审量", "评审组长"]
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
TOKEN = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture
def contest(db):
    contest = factories.ContestFactory(phase="judging", slug="a")
    factories.SubjectFactory(contest=contest, code="math", name="数学")
    factories.SubjectFactory(contest=contest, code="chinese", name="语文")
    factories.StageFactory(contest=contest, code="junior", name="初中")
    factories.GroupFactory(contest=contest, code="teacher", name="教师组")
    return contest


@pytest.fixture
def organiser(contest):
    return factories.OrganiserFactory(contest=contest).user


@pytest.fixture
def as_organiser(client, organiser):
    client.force_login(organiser)
    client.cookies["lang"] = "en"
    return client


def xlsx(rows, header=HEADER, name="评委名单.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, contest, file):
    return client.post(reverse("panel_import", args=[contest.slug]), {"file": file})


def confirm(client, contest, token, capture, **data):
    with capture(execute=True):
        return client.post(
            reverse("panel_import_confirm", args=[contest.slug]), {"token": token, **data}
        )


def nothing_saved():
    return not PanelMember.objects.exists() and not Invitation.objects.exists()


# --- A valid file


@pytest.mark.django_db
def test_valid_file_is_previewed_then_imported(
    as_organiser, contest, mailoutbox, django_capture_on_commit_callbacks
):
    known = factories.UserFactory(email="known@example.cn")
    file = xlsx(
        [
            ["王喆", "Known@Example.cn", "杭州一中", "数学、语文", "初中", "教师组", 12, "是"],
            ["李珺", "new@example.cn", "宁波二中", "math, CHINESE", "junior", "", 8.0, "否"],
            [None] * 8,  # a blank line is skipped
            ["张堃", "third@example.cn", "", "", "", "", None, None],
        ]
    )
    response = upload(as_organiser, contest, file)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Has an account: joins at once" in html and "Will be invited by e-mail" in html
    assert ">数学</span>" in html and ">教师组</span>" in html
    assert nothing_saved()

    token = TOKEN.search(html).group(1)
    response = confirm(as_organiser, contest, token, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    member = PanelMember.objects.get(user=known)
    expertise = ["subject:math", "subject:chinese", "stage:junior", "group:teacher"]
    assert (member.expertise, member.max_load, member.is_chief) == (expertise, 12, True)
    invited = {i.email: i for i in Invitation.objects.filter(accepted_at__isnull=True)}
    assert set(invited) == {"new@example.cn", "third@example.cn"}
    new = invited["new@example.cn"]
    assert (new.name, new.institution_name, new.max_load, new.is_chief) == (
        "李珺",
        "宁波二中",
        8,
        False,
    )
    assert new.expertise == ["subject:math", "subject:chinese", "stage:junior"]
    assert invited["third@example.cn"].max_load == 60  # the default when the cell is empty
    assert sorted(m.to[0] for m in mailoutbox) == [
        "known@example.cn",
        "new@example.cn",
        "third@example.cn",
    ]


@pytest.mark.django_db
def test_english_and_combined_headers(contest):
    file = xlsx(
        [["Wang", "w@example.cn", "math", 5, "yes"]],
        header=["姓名/Name", "E-mail", "Subjects", "Max load", "Chief"],
    )
    (row,) = panel_import_read(contest=contest, file=file).rows
    assert (row.name, row.email, row.expertise, row.max_load, row.is_chief) == (
        "Wang",
        "w@example.cn",
        ["subject:math"],
        5,
        True,
    )


@pytest.mark.django_db
def test_a_preview_is_imported_only_once(as_organiser, contest, django_capture_on_commit_callbacks):
    html = upload(as_organiser, contest, xlsx([["李珺", "a@example.cn"]])).content.decode()
    token = TOKEN.search(html).group(1)
    confirm(as_organiser, contest, token, django_capture_on_commit_callbacks)
    response = confirm(as_organiser, contest, token, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert "no longer valid" in as_organiser.get(response.url).content.decode()
    assert Invitation.objects.count() == 1
    response = confirm(as_organiser, contest, "forged", django_capture_on_commit_callbacks)
    assert Invitation.objects.count() == 1


# --- A file with errors


ERROR_ROWS = [
    ["王喆", "ok@example.cn", "", "数学", "", "", 10, "是"],  # row 2: valid
    ["李珺", "not-an-address", "", "", "", "", 10, ""],  # row 3
    ["张堃", "b@example.cn", "", "物理", "大学", "", 10, ""],  # row 4
    ["陈淼", "OK@example.cn", "", "", "", "", 10, ""],  # row 5: same as row 2
    ["刘燚", "c@example.cn", "", "", "", "", 0, ""],  # row 6
    ["赵犇", "d@example.cn", "", "", "", "", "十", ""],  # row 7
    ["孙鑫", "e@example.cn", "", "", "", "", 2.5, "也许"],  # row 8
    [None, "f@example.cn", "", "", "", "", 1, ""],  # row 9
    ["周垚", "g@example.cn", "", "", "", "", 3, ""],  # row 10: valid
]


@pytest.mark.django_db
def test_errors_are_reported_by_row_and_nothing_is_saved(as_organiser, contest):
    response = upload(as_organiser, contest, xlsx(ERROR_ROWS))
    html = response.content.decode()
    assert "The e-mail address “not-an-address” is not valid." in html
    assert "Unknown subject: 物理." in html and "Unknown school stage: 大学." in html
    assert "The same e-mail address as row 2." in html
    assert html.count("The maximum load must be a whole number from 1 to 10000.") == 3
    assert "Write 是 or 否 (yes or no) for the chief judge." in html
    assert "The name is missing." in html
    assert "Import the 2 valid rows only" in html
    assert nothing_saved()


@pytest.mark.django_db
def test_report_names_the_rows(contest):
    report = panel_import_read(contest=contest, file=xlsx(ERROR_ROWS))
    assert [row.number for row in report.error_rows] == [3, 4, 5, 6, 7, 8, 9]
    assert [row.number for row in report.valid_rows] == [2, 10]


@pytest.mark.django_db
def test_a_file_with_errors_needs_the_explicit_choice(
    as_organiser, contest, django_capture_on_commit_callbacks
):
    html = upload(as_organiser, contest, xlsx(ERROR_ROWS)).content.decode()
    token = TOKEN.search(html).group(1)
    response = confirm(as_organiser, contest, token, django_capture_on_commit_callbacks)
    assert "import the valid rows" in as_organiser.get(response.url).content.decode()
    assert nothing_saved()
    confirm(as_organiser, contest, token, django_capture_on_commit_callbacks, valid_rows_only="1")
    emails = set(Invitation.objects.values_list("email", flat=True))
    assert emails == {"ok@example.cn", "g@example.cn"}


@pytest.mark.django_db
def test_apply_refuses_a_file_with_errors_without_the_choice(contest, organiser):
    with pytest.raises(Conflict):
        panel_import_apply(
            contest=contest, rows=[], error_count=1, valid_rows_only=False, actor=organiser
        )


@pytest.mark.django_db
def test_people_who_may_not_judge_are_reported(contest, organiser):
    member = jf.judge(contest)
    entrant = wf.WorkFactory(contest=contest).entrant
    rows = [["甲", organiser.email], ["乙", member.user.email.upper()], ["丙", entrant.email]]
    report = panel_import_read(contest=contest, file=xlsx(rows, header=["姓名", "邮箱"]))
    messages = [row.errors for row in report.rows]
    assert messages == [
        ["An organiser of this contest cannot judge it."],
        ["This person is already on the panel."],
        ["This person has a work in this contest and cannot judge it."],
    ]


@pytest.mark.django_db
def test_a_row_refused_at_import_time_is_skipped(
    as_organiser, contest, django_capture_on_commit_callbacks
):
    html = upload(
        as_organiser, contest, xlsx([["甲", "late@example.cn"], ["乙", "fine@example.cn"]])
    ).content.decode()
    late = factories.UserFactory(email="late@example.cn")
    factories.OrganiserFactory(contest=contest, user=late)  # became an organiser meanwhile
    response = confirm(
        as_organiser, contest, TOKEN.search(html).group(1), django_capture_on_commit_callbacks
    )
    page = as_organiser.get(response.url).content.decode()
    assert "1 invited, 1 skipped" in page and "Row 2: An organiser" in page
    assert list(Invitation.objects.values_list("email", flat=True)) == ["fine@example.cn"]


@pytest.mark.django_db
def test_markup_in_the_file_is_escaped(as_organiser, contest):
    html = upload(
        as_organiser, contest, xlsx([[SCRIPT, "x@example.cn", SCRIPT, SCRIPT]])
    ).content.decode()
    assert ESCAPED in html and SCRIPT not in html


# --- Hostile and broken files


def refused(client, contest, file, message):
    response = client.post(reverse("panel_import", args=[contest.slug]), {"file": file})
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html, html
    assert 'name="token"' not in html
    assert nothing_saved()


@pytest.mark.django_db
def test_not_an_xlsx(as_organiser, contest):
    text = SimpleUploadedFile("judges.xlsx", "姓名,邮箱\n王喆,a@example.cn\n".encode())
    refused(as_organiser, contest, text, "This is not an Excel workbook (.xlsx).")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    fake = SimpleUploadedFile("judges.xlsx", buffer.getvalue())
    refused(as_organiser, contest, fake, "This is not an Excel workbook (.xlsx).")


@pytest.mark.django_db
def test_a_workbook_that_unpacks_too_big(as_organiser, contest):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * (61 * 1024 * 1024))
    bomb = SimpleUploadedFile("judges.xlsx", buffer.getvalue())
    refused(as_organiser, contest, bomb, "The workbook is too large once unpacked.")


@pytest.mark.django_db
def test_empty_files(as_organiser, contest):
    refused(as_organiser, contest, xlsx([], header=None), "The file is empty.")
    refused(as_organiser, contest, xlsx([]), "The file lists no judges.")
    refused(
        as_organiser, contest, SimpleUploadedFile("x.xlsx", b""), "The submitted file is empty."
    )
    refused(
        as_organiser,
        contest,
        xlsx([["王喆"]], header=["姓名", "电话"]),
        "姓名 (name) and 邮箱 (email) are required",
    )


@pytest.mark.django_db
def test_a_huge_sheet_is_refused(as_organiser, contest):
    rows = [["王喆", f"t{n}@example.cn"] for n in range(MAX_ROWS + 1)]
    refused(
        as_organiser,
        contest,
        xlsx(rows, header=["姓名", "邮箱"]),
        f"The sheet has more than {MAX_ROWS} rows.",
    )


@pytest.mark.django_db
def test_formulas_give_values_not_formulas(contest):
    rows = [["=1+1", '=CONCATENATE("a","@example.cn")', "杭州一中", "", "", "", "=2*3", ""]]
    (row,) = panel_import_read(contest=contest, file=xlsx(rows)).rows
    # A formula saved without a computed value reads as empty: it is never evaluated or kept.
    assert row.name == "" and row.email == "" and row.max_load == 60
    assert "The name is missing." in row.errors


@pytest.mark.django_db
def test_reading_the_file_checks_people_in_constant_queries(contest):
    def queries(n):
        rows = [[f"评委{i}", f"p{n}-{i}@example.cn", "", "数学"] for i in range(n)]
        for i in range(n):
            factories.UserFactory(email=f"p{n}-{i}@example.cn")
        with CaptureQueriesContext(connection) as ctx:
            panel_import_read(contest=contest, file=xlsx(rows, header=HEADER[:4]))
        return len(ctx.captured_queries)

    assert queries(1) == queries(3)


@pytest.mark.django_db
def test_reading_saves_nothing_even_when_valid(contest):
    with pytest.raises(ValidationFailed) as err:
        panel_import_read(contest=contest, file=io.BytesIO(b"garbage"))
    assert "file" in err.value.fields
    panel_import_read(contest=contest, file=xlsx([["王喆", "a@example.cn"]]))
    assert nothing_saved()
