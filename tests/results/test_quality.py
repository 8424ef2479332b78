"""Judge quality and reliability of a round: the selector's values, the organisers' page with its
SVG charts, the API, who may see them, and a query count that ignores the size of the panel."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from judging.models import ScoreSheet
from judging.scoring import ICC_FORMS
from results.selectors.quality import round_quality
from tests import factories
from tests import results_factories as rf

pytestmark = pytest.mark.django_db

# j3 gives every work 6 points more than j1 and j2, who agree.
TABLE = {
    label: {"j1": [base], "j2": [base], "j3": [base + 6]}
    for label, base in zip("ABCDE", [50, 60, 70, 80, 90], strict=True)
}


def panel_round(judges: int, works: int = 6):
    """Every judge scores every work; judge i adds i points."""
    table = {
        f"W{w}": {f"j{j}": [40 + 7 * w + j + (w * j) % 3] for j in range(judges)}
        for w in range(works)
    }
    return rf.scored_round(table, criteria=((100, 1),))


@pytest.fixture
def scored():
    return rf.scored_round(TABLE, criteria=((100, 1),))


def organiser_of(round_):
    return factories.OrganiserFactory(contest=round_.contest).user


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_selector_values(scored):
    round_, _works, judges = scored
    quality = round_quality(round_)
    assert (quality.sheets, quality.works, quality.expected) == (15, 5, 15)
    by = {j.user_id: j for j in quality.judges}
    lenient = by[judges["j3"].pk]
    assert lenient.count == 5 and lenient.paired == 5
    assert lenient.mean == pytest.approx(76.0)
    assert lenient.leniency == pytest.approx(6.0)
    assert by[judges["j1"].pk].leniency == pytest.approx(-3.0)
    assert lenient.agreement == pytest.approx(1.0)
    assert lenient.distribution.median == pytest.approx(76.0)
    assert lenient.distribution.low == 56 and lenient.distribution.high == 96
    assert lenient.name == judges["j3"].real_name
    r = quality.reliability
    assert (r.block_works, r.block_judges) == (5, 3)
    assert set(r.icc) == set(ICC_FORMS)
    assert r.icc["ICC(3,1)"] == pytest.approx(1.0)  # consistent: only an offset
    assert r.icc["ICC(2,1)"] < r.icc["ICC(3,1)"]  # absolute agreement pays for it
    assert 0 < r.alpha < 1 and r.alpha_works == 5
    assert [d.cumulative for d in quality.progress] == [15]


def test_progress_per_day_in_the_site_time_zone(scored):
    round_, _works, _judges = scored
    sheets = list(ScoreSheet.objects.filter(assignment__round=round_).order_by("pk"))
    base = timezone.make_aware(dt.datetime(2026, 5, 1, 23, 30))  # Asia/Shanghai
    for i, sheet in enumerate(sheets):
        sheet.submitted_at = base + dt.timedelta(hours=1 if i >= 10 else 0)
        sheet.save(update_fields=["submitted_at"])
    days = round_quality(round_).progress
    assert [(d.day, d.submitted, d.cumulative) for d in days] == [
        (dt.date(2026, 5, 1), 10, 10),
        (dt.date(2026, 5, 2), 5, 15),
    ]


def test_outlier_is_flagged_and_listed_first():
    table = {
        f"W{w}": {**{f"j{j}": [50 + 5 * w + j % 2] for j in range(5)}, "odd": [95 - 5 * w]}
        for w in range(8)
    }
    round_, _works, judges = rf.scored_round(table, criteria=((100, 1),))
    quality = round_quality(round_)
    assert quality.judges[0].user_id == judges["odd"].pk
    assert quality.judges[0].outlier
    assert sum(j.outlier for j in quality.judges) == 1


def test_empty_round():
    round_, _works, _judges = rf.scored_round({"A": {}})
    quality = round_quality(round_)
    assert quality.sheets == 0 and quality.judges == [] and quality.progress == []
    assert quality.reliability.alpha is None
    assert quality.reliability.block_works == 0


def test_page_for_organisers_with_svg_charts_and_no_inline_style(client, scored):
    round_, _works, judges = scored
    client.force_login(organiser_of(round_))
    client.cookies["lang"] = "en"
    response = client.get(reverse("round_quality", args=[round_.contest.slug, round_.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert judges["j3"].real_name in html
    assert html.count("<svg") == 3
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "style=" not in main and "<script" not in main
    assert "5 works × 3 judges" in html
    assert (
        'aria-current="page" href="{}"'.format(
            reverse("round_quality", args=[round_.contest.slug, round_.pk])
        )
        in html
    )


def test_page_escapes_judge_names_in_charts(client, scored):
    round_, _works, judges = scored
    judges["j3"].real_name = "<script>x</script>"
    judges["j3"].save(update_fields=["real_name"])
    client.force_login(organiser_of(round_))
    html = client.get(
        reverse("round_quality", args=[round_.contest.slug, round_.pk])
    ).content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html


def test_page_forbidden_to_judges_and_hidden_from_others(client, scored):
    round_, _works, judges = scored
    url = reverse("round_quality", args=[round_.contest.slug, round_.pk])
    client.force_login(judges["j1"])
    assert client.get(url).status_code == 403
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code == 403  # the contest is public, its judging is not
    client.logout()
    assert client.get(url).status_code == 302
    other = factories.ContestFactory(phase="judging")
    client.force_login(organiser_of(round_))
    assert client.get(reverse("round_quality", args=[other.slug, round_.pk])).status_code == 404


def test_api_returns_everything(scored):
    round_, _works, judges = scored
    response = api_for(organiser_of(round_)).get(f"/api/v1/rounds/{round_.pk}/quality/")
    assert response.status_code == 200
    data = response.json()
    assert data["round"] == round_.pk and data["sheets"] == 15
    assert set(data["reliability"]["icc"]) == set(ICC_FORMS)
    assert data["reliability"]["block_works"] == 5
    lenient = next(j for j in data["judges"] if j["user_id"] == judges["j3"].pk)
    assert lenient["leniency"] == pytest.approx(6.0)
    assert set(lenient["distribution"]) == {"low", "q1", "median", "q3", "high"}
    assert data["progress"][0]["cumulative"] == 15
    assert data["outlier_rule"] == {"robust_z": 2.5, "poor_agreement": 0.2, "min_paired": 3}


def test_api_nan_becomes_null():
    round_, _works, _judges = rf.scored_round({"A": {"j1": [5]}, "B": {"j2": [6]}})
    data = api_for(organiser_of(round_)).get(f"/api/v1/rounds/{round_.pk}/quality/").json()
    assert data["reliability"]["alpha"] is None
    assert all(v is None for v in data["reliability"]["icc"].values())
    assert all(j["leniency"] is None and j["std"] is None for j in data["judges"])


def test_api_forbidden(scored):
    round_, _works, judges = scored
    url = f"/api/v1/rounds/{round_.pk}/quality/"
    assert api_for(judges["j1"]).get(url).status_code == 403
    assert api_for(factories.UserFactory()).get(url).status_code == 403  # the contest is public
    assert APIClient().get(url).status_code in (401, 403)
    assert api_for(organiser_of(round_)).get("/api/v1/rounds/999999/quality/").status_code == 404


def _queries(fetch) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert fetch().status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_panel(client):
    small, _w, _j = panel_round(judges=2)
    large, _w, _j = panel_round(judges=7, works=9)
    counts = []
    for round_ in (small, large):
        organiser = organiser_of(round_)
        api = api_for(organiser)
        client.force_login(organiser)
        page = reverse("round_quality", args=[round_.contest.slug, round_.pk])
        counts.append(
            (
                _queries(lambda api=api, r=round_: api.get(f"/api/v1/rounds/{r.pk}/quality/")),
                _queries(lambda page=page: client.get(page)),
            )
        )
    assert counts[0] == counts[1]
    assert counts[0][0] <= 8
