"""Results exports read back against the selectors' data: the frozen ranking (all categories
and one sheet per category), judge statistics (the quality report), the awards list."""

import csv
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from awards.models import Award, Kind
from contest.errors import ValidationFailed
from reports.exporters.base import Filters, exporter_class
from reports.exporters.writers import write_csv, write_xlsx
from results.models import METHOD_LABELS, SnapshotEntry
from results.selectors.quality import round_quality
from results.services.snapshots import snapshot_freeze
from tests import factories
from tests.awards_factories import scheme
from tests.reports_factories import judged_round

pytestmark = pytest.mark.django_db


def _frozen(**kwargs):
    data = judged_round(**kwargs)
    organiser = factories.OrganiserFactory(contest=data.round.contest).user
    snapshot_freeze(round=data.round, actor=organiser)
    data.round.refresh_from_db()
    return data


def _build(key, data, **filters):
    return exporter_class(key)(data.round.contest, Filters(round=data.round, **filters))


def _book(exporter):
    out = io.BytesIO()
    write_xlsx(exporter, out)
    out.seek(0)
    return load_workbook(out)


def _rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_ranking_needs_frozen_results():
    data = judged_round()
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        _build("ranking", data)
    assert "not frozen" in str(refused.value.message)


def test_ranking_reads_back_against_the_snapshot():
    data = _frozen()
    tiers = scheme(data.round.contest, data.round, tiers=[("一等奖", 1)])
    first = SnapshotEntry.objects.filter(snapshot__round=data.round, rank=1).first()
    Award.objects.create(
        scheme=tiers,
        kind=Kind.TIER,
        work=first.work,
        tier=tiers.tiers.get(),
        pool_key=first.pool_key,
        rank=1,
        score=first.score,
    )
    with translation.override("en"):
        book = _book(_build("ranking", data))
    assert book.sheetnames == ["Ranked results", "初中·数学·教师组", "小学·语文·师范生组"]
    table = _rows(book.worksheets[0])
    header = table[0]
    assert header[:6] == [
        "Rank",
        "Shares its rank",
        "Ranking pool",
        "Category",
        "Anonymous code",
        "Title",
    ]
    assert header[8:11] == ["Judge 1 total", "Judge 2 total", "Judge 3 total"]
    with translation.override("en"):
        assert {str(label) for label in METHOD_LABELS.values()} <= set(header)
    entries = {
        e.work.anonymous_code: e
        for e in SnapshotEntry.objects.filter(snapshot__round=data.round).select_related("work")
    }
    assert len(table) == 1 + len(entries) == 5
    final = header.index("Final score")
    mean = header.index("Mean")
    for row in table[1:]:
        entry = entries[row[4]]
        assert row[0] == entry.rank
        assert Decimal(str(row[final])) == entry.score
        assert row[mean] == pytest.approx(entry.method_scores["mean"])
        totals = sorted(t["total"] for t in entry.judge_totals)
        assert sorted(row[8:11]) == pytest.approx(totals)
        assert row[6].startswith(entry.work.entrant.real_name) and row[6].endswith("欧阳燚")
        assert "杭州市犇鑫实验学校" in row[7]
    awarded = next(row for row in table[1:] if row[4] == first.work.anonymous_code)
    assert awarded[header.index("Award tier")] == "一等奖"
    per_category = _rows(book.worksheets[1])
    assert {row[3] for row in per_category[1:]} == {"初中·数学·教师组"}
    assert book.worksheets[0].cell(row=2, column=final + 1).number_format == "0.00"


def test_ranking_filters_by_category_in_csv():
    data = _frozen()
    out = io.BytesIO()
    with translation.override("en"):
        write_csv(_build("ranking", data, category=data.categories[1]), out)
    table = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    assert len(table) == 3
    assert {row[3] for row in table[1:]} == {"小学·语文·师范生组"}


def test_judge_statistics_match_the_quality_report():
    data = _frozen(works_per_category=3)
    quality = round_quality(data.round)
    with translation.override("en"):
        table = _rows(_book(_build("judges", data)).worksheets[0])
    assert table[0][:3] == ["Judge", "Judge's e-mail", "Sheets"]
    assert [row[1] for row in table[1:]] == [j.email for j in quality.judges]
    for row, judge in zip(table[1:], quality.judges, strict=True):
        assert row[2] == judge.count
        assert row[3] == pytest.approx(judge.mean)


def test_awards_list_for_publication():
    data = _frozen()
    made = scheme(
        data.round.contest, data.round, tiers=[("一等奖", 1)], org_award_name="优秀组织奖"
    )
    entry = SnapshotEntry.objects.filter(snapshot__round=data.round).select_related("work").first()
    Award.objects.create(
        scheme=made,
        kind=Kind.TIER,
        work=entry.work,
        tier=made.tiers.get(),
        pool_key=entry.pool_key,
        pool_name="初中数学",
        rank=1,
        score=entry.score,
    )
    institution = entry.work.entrant.institution
    Award.objects.create(
        scheme=made, kind=Kind.ORGANISATION, institution=institution, rank=1, score=Decimal("12")
    )
    with translation.override("en"):
        exporter = exporter_class("awards")(data.round.contest, Filters())
        table = _rows(_book(exporter).worksheets[0])
    assert exporter.count() == 2
    by_kind = {row[0]: row for row in table[1:]}
    tier = by_kind["Pool tier"]
    assert tier[1:4] == ["一等奖", "初中数学", 1]
    assert tier[5] == entry.work.anonymous_code
    assert tier[8].endswith("欧阳燚")
    organisation = by_kind["Organisation award"]
    assert organisation[1] == "优秀组织奖" and organisation[9] == institution.name


@pytest.mark.parametrize("key", ["ranking", "judges", "awards"])
def test_query_count_does_not_grow_with_rows(key):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 4):
        data = _frozen(works_per_category=size)
        made = scheme(data.round.contest, data.round, tiers=[("一等奖", 10)])
        for entry in SnapshotEntry.objects.filter(snapshot__round=data.round):
            Award.objects.create(
                scheme=made, kind=Kind.TIER, work_id=entry.work_id, tier=made.tiers.get(),
                pool_key=entry.pool_key, rank=entry.rank, score=entry.score,
            )  # fmt: skip
        with CaptureQueriesContext(connection) as captured:
            _book(_build(key, data))
        counts.append(len(captured))
    assert counts[0] == counts[1]
