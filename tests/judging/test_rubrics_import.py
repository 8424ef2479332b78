"""Importing rubrics: the shared JSON files, malformed JSON, and Excel sheets with row reports."""

import io
import json
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from judging.models import Criterion, Rubric
from judging.selectors.rounds import rubric_export
from judging.services import rubrics as services
from tests import factories
from tests.judging.test_rounds_helpers import HEADINGS, rubric, xlsx


@pytest.fixture(autouse=True)
def _english():
    """Services speak the active language; these tests read their English messages."""
    with translation.override("en"):
        yield


RUBRICS = Path(__file__).resolve().parents[2] / "judging" / "data" / "rubrics"


@pytest.fixture
def contest(db):
    return factories.ContestFactory(phase="judging")


def _shared(name: str) -> dict:
    return json.loads((RUBRICS / f"{name}.json").read_text())


def _total(rubric_: Rubric) -> Decimal:
    return sum((c.max_points * c.weight for c in rubric_.criteria.all()), Decimal(0))


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def _rejected(call) -> list[str]:
    with pytest.raises(services.ImportRejected) as caught:
        call()
    return [m for messages in caught.value.fields.values() for m in messages] or [
        str(caught.value.message)
    ]


# --- The shared JSON files


@pytest.mark.django_db
def test_c20_demo_imports_with_levels_and_steps(contest):
    imported = services.rubric_import(contest=contest, data=_shared("c20-demo"))
    criteria = list(imported.criteria.order_by("order"))
    assert imported.name == "C20 微视频大奖赛评分标准（演示）"
    assert len(criteria) == 5
    assert _total(imported) == 100
    assert {c.step for c in criteria} == {Decimal("0.5")}
    assert [level["label"] for level in criteria[0].levels] == ["优", "良", "中", "差"]
    assert criteria[0].levels[0]["text"] == "选题聚焦一个知识点，设计完整，适合学生自学"


@pytest.mark.django_db
def test_china_microlesson_keeps_includes_in_the_description(contest):
    imported = services.rubric_import(contest=contest, data=_shared("china-microlesson"))
    criteria = list(imported.criteria.order_by("order"))
    assert len(criteria) == 4
    assert _total(imported) == 95  # as published: the remaining 5 points were not
    assert {c.step for c in criteria} == {Decimal("1")}
    assert "网上评价 (10)" in criteria[3].description
    assert imported.note.startswith("Blocks and points")


@pytest.mark.django_db
def test_college_microlesson_keeps_groups_and_sources(contest):
    imported = services.rubric_import(contest=contest, data=_shared("college-microlesson-2013"))
    criteria = list(imported.criteria.order_by("order"))
    assert len(criteria) == 9
    assert _total(imported) == 100
    assert "作品规范" in criteria[0].description
    assert "public votes" in criteria[8].description
    assert [c.name for c in criteria][:2] == ["材料完整", "技术规范"]


@pytest.mark.parametrize("name", ["c20-demo", "china-microlesson", "college-microlesson-2013"])
@pytest.mark.django_db
def test_export_imports_back_the_same(contest, name):
    first = services.rubric_import(contest=contest, data=_shared(name))
    exported = rubric_export(first)
    second = services.rubric_import(contest=contest, data=json.loads(json.dumps(exported)))
    assert rubric_export(second) == exported


@pytest.mark.django_db
def test_stated_total_must_match(contest):
    data = _shared("c20-demo")
    data["total"] = 90
    report = _rejected(lambda: services.rubric_import(contest=contest, data=data))
    assert "100" in report[0] and "90" in report[0]
    assert not Rubric.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        [],
        "rubric",
        {"name": "x"},
        {"name": "x", "criteria": []},
        {"name": "x", "criteria": "many"},
        {"name": "x", "criteria": ["选题"]},
        {"name": "x", "criteria": [{"name": "选题"}]},
        {"name": "x", "criteria": [{"name": "选题", "max": "twenty"}]},
        {"name": "x", "criteria": [{"name": "选题", "max": True}]},
        {"name": "x", "criteria": [{"name": "选题", "max": 10, "step": 3}]},
        {"name": "x", "criteria": [{"name": "选题", "max": 10, "levels": 5}]},
        {"name": "x", "criteria": [{"name": "选题", "max": 10, "comment_required": "maybe"}]},
        {"name": "x", "criteria": [{"name": "a", "max": 10}, {"name": "A", "max": 5}]},
        {"name": "", "criteria": [{"name": "a", "max": 10}]},
        {"name": "x", "total": "lots", "criteria": [{"name": "a", "max": 10}]},
    ],
)
@pytest.mark.django_db
def test_bad_json_shapes_are_refused_and_nothing_saved(contest, data):
    with pytest.raises(services.ValidationFailed):
        services.rubric_import(contest=contest, data=data)
    assert not Rubric.objects.exists()
    assert not Criterion.objects.exists()


@pytest.mark.django_db
def test_json_report_names_every_bad_criterion(contest):
    data = {
        "name": "x",
        "criteria": [
            {"name": "好的", "max": 10},
            {"name": "坏的", "max": 10, "step": 3},
            {"name": "也坏", "max": "多"},
        ],
    }
    report = _rejected(lambda: services.rubric_import(contest=contest, data=data))
    assert len(report) == 2
    assert report[0].startswith("Criterion 2") and report[1].startswith("Criterion 3")


# --- Files


@pytest.mark.django_db
def test_json_file_import_and_name_override(contest):
    content = (RUBRICS / "c20-demo.json").read_bytes()
    imported = services.rubric_import_file(
        contest=contest, file=_upload("c20.json", content), name="初评标准"
    )
    assert imported.name == "初评标准"
    assert imported.criteria.count() == 5


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "line 1"),
        (b"", "line 1"),
        ('{"name": "评\u00e9"}'.encode("utf-16"), "UTF-8"),
        (
            '{"name": "x", "criteria": [{"name": "a", "max": 10, '
            '"levels": {"优": "a", "优": "b"}}]}'.encode(),
            "优",
        ),
    ],
)
@pytest.mark.django_db
def test_malformed_json_files_are_refused(contest, content, expected):
    report = _rejected(
        lambda: services.rubric_import_file(contest=contest, file=_upload("r.json", content))
    )
    assert expected in " ".join(report)
    assert not Rubric.objects.exists()


@pytest.mark.django_db
def test_other_file_types_and_big_files_are_refused(contest):
    report = _rejected(
        lambda: services.rubric_import_file(contest=contest, file=_upload("r.csv", b"a,b"))
    )
    assert ".json" in report[0]
    big = _upload("r.json", b" " * (services.MAX_IMPORT_BYTES + 1))
    assert "1 MB" in _rejected(lambda: services.rubric_import_file(contest=contest, file=big))[0]


# --- Excel


@pytest.mark.django_db
def test_excel_import_happy_path(contest):
    upload = xlsx(
        [
            ["选题与设计", "聚焦一个知识点", 20, 1, 0.5, "优:选题聚焦；良:选题明确;中：偏大", "是"],
            ["教学内容", None, 25, 1.5, None, None, "否"],
            ["技术规范", "画面、声音", 15, None, 1, "", None],
        ]
    )
    imported = services.rubric_import_file(contest=contest, file=upload)
    assert imported.name == "评分标准"
    first, second, third = imported.criteria.order_by("order")
    assert (first.max_points, first.step, first.comment_required) == (20, Decimal("0.5"), True)
    assert first.levels == [
        {"label": "优", "text": "选题聚焦"},
        {"label": "良", "text": "选题明确"},
        {"label": "中", "text": "偏大"},
    ]
    assert (second.weight, second.step, second.comment_required) == (Decimal("1.5"), 1, False)
    assert (third.weight, third.description, third.levels) == (1, "画面、声音", [])


@pytest.mark.django_db
def test_excel_english_headings_and_blank_rows(contest):
    upload = xlsx(
        [[], ["Design", 10, "yes"], [None, None, None], ["Content", 5, "no"]],
        headings=["Name", "Max", "Comment required"],
        name="rubric.xlsx",
    )
    imported = services.rubric_import_file(contest=contest, file=upload, name="English")
    assert list(imported.criteria.values_list("name", "comment_required")) == [
        ("Design", True),
        ("Content", False),
    ]


@pytest.mark.django_db
def test_excel_bad_rows_are_reported_by_row_and_nothing_saved(contest):
    upload = xlsx(
        [
            ["选题与设计", "", 20, 1, 0.5, "优:好", "否"],  # row 2: fine
            ["教学内容", "", 10, 1, 3, "", "否"],  # row 3: 10 is not a multiple of 3
            ["选题与设计", "", 20, 1, 1, "", "否"],  # row 4: the same name as row 2
            ["技术规范", "", "满分", 1, 1, "", "否"],  # row 5: not a number
            ["创新", "", 10, -1, 1, "", "否"],  # row 6: negative weight
            ["特色", "", 10, 1, 1, "优:好;优:差", "否"],  # row 7: a level label twice
            ["效果", "", 10, 1, 1, "没有冒号", "也许"],  # row 8: two problems
            ["", "", 10, 1, 1, "", "否"],  # row 9: no name
        ]
    )
    report = _rejected(lambda: services.rubric_import_file(contest=contest, file=upload))
    rows = [line.split(" — ")[0] for line in report]
    assert rows == ["Row 3", "Row 4", "Row 5", "Row 6", "Row 7", "Row 8", "Row 8", "Row 9"]
    assert not Rubric.objects.exists()
    assert not Criterion.objects.exists()


@pytest.mark.django_db
def test_excel_without_the_required_columns_is_refused(contest):
    upload = xlsx([["选题", "20"]], headings=["项目", "分"])
    assert "名称" in _rejected(lambda: services.rubric_import_file(contest=contest, file=upload))[0]


@pytest.mark.django_db
def test_excel_with_only_headings_is_refused(contest):
    upload = xlsx([])
    _rejected(lambda: services.rubric_import_file(contest=contest, file=upload))
    assert not Rubric.objects.exists()


def _zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "不是表格")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    ["name,max\n选题,20\n".encode(), b"%PDF-1.4\n%%EOF\n", b"", _zip_without_workbook()],
)
@pytest.mark.django_db
def test_non_excel_file_named_xlsx_is_refused_cleanly(contest, content):
    report = _rejected(
        lambda: services.rubric_import_file(contest=contest, file=_upload("假的.xlsx", content))
    )
    assert report == ["This file is not an Excel workbook (.xlsx)."]
    assert not Rubric.objects.exists()


# --- The import page


@pytest.fixture
def as_organiser(client, contest):
    client.force_login(factories.OrganiserFactory(contest=contest).user)
    client.cookies["lang"] = "en"
    return client


@pytest.mark.django_db
def test_import_page_imports_json(as_organiser, contest):
    url = reverse("rubric_import", args=[contest.slug])
    assert 'enctype="multipart/form-data"' in as_organiser.get(url).content.decode()
    upload = _upload("c20.json", (RUBRICS / "c20-demo.json").read_bytes())
    response = as_organiser.post(url, {"file": upload, "name": ""})
    imported = Rubric.objects.get(contest=contest)
    assert response.status_code == 302
    assert response["Location"] == reverse("rubric_detail", args=[contest.slug, imported.pk])


@pytest.mark.django_db
def test_import_page_shows_the_row_report(as_organiser, contest):
    upload = xlsx([["选题", "", 10, 1, 3, "", "否"], ["<b>粗体</b>", "", "x", 1, 1, "", "否"]])
    response = as_organiser.post(reverse("rubric_import", args=[contest.slug]), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert "nothing was imported" in html
    assert "Row 2 — " in html and "Row 3 — " in html
    assert not Rubric.objects.exists()


@pytest.mark.django_db
def test_import_page_refuses_a_fake_workbook(as_organiser, contest):
    upload = _upload("fake.xlsx", b"just text")
    response = as_organiser.post(reverse("rubric_import", args=[contest.slug]), {"file": upload})
    assert "not an Excel workbook" in response.content.decode()
    assert not Rubric.objects.exists()


@pytest.mark.django_db
def test_import_page_without_a_file(as_organiser, contest):
    response = as_organiser.post(reverse("rubric_import", args=[contest.slug]), {})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()


def test_headings_cover_every_column():
    assert {services.EXCEL_COLUMNS[h] for h in HEADINGS} == {
        "name",
        "description",
        "max",
        "weight",
        "step",
        "levels",
        "comment_required",
    }


@pytest.mark.django_db
def test_import_lands_in_the_contest_only(contest):
    other = rubric(factories.ContestFactory(phase="judging"))
    imported = services.rubric_import(contest=contest, data=_shared("c20-demo"))
    assert imported.contest == contest and other.contest != contest


@pytest.mark.django_db
def test_a_small_workbook_that_unpacks_huge_is_refused(contest):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"0" * (services.MAX_UNPACKED_BYTES + 1))
    upload = _upload("炸弹.xlsx", buffer.getvalue())
    assert upload.size < services.MAX_IMPORT_BYTES
    report = _rejected(lambda: services.rubric_import_file(contest=contest, file=upload))
    assert report == ["The workbook is too large once unpacked."]
