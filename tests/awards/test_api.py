"""Awards through the API: the permission matrix, set-up, preview, ties, confirmation, overrides,
the paginated list with its filters and query count, and bad inputs."""

import pytest
from django.urls import include, path
from django.utils import translation
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

from awards.models import Award, AwardEvent, AwardScheme
from awards.services.decisions import awards_confirm
from tests import awards_factories as af
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf
from tests.contest.test_api_helpers import API, assert_error, client_for, count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    """Pools A (90, 80, 80, 70) and B (85, 60); 一等奖 × 1, 二等奖 × 1; the 80s of A tie."""
    contest = factories.ContestFactory(phase="judging")
    snapshot, works = af.frozen_snapshot(contest, {"A": [90, 80, 80, 70], "B": [85, 60]})
    scheme = af.scheme(contest, snapshot.round, tiers=[("一等奖", 1), ("二等奖", 1)])
    return contest, scheme, works, af.organiser(contest)


def url(contest, tail=""):
    return f"{API}/contests/{contest.slug}/awards/{tail}"


def _people(contest):
    return {
        "anonymous": None,
        "entrant": wf.WorkFactory(contest=contest, status="accepted").entrant,
        "judge": jf.judge(contest).user,
        "other_organiser": factories.OrganiserFactory(
            contest=factories.ContestFactory(phase="judging")
        ).user,
    }


@pytest.mark.parametrize("who", ["anonymous", "entrant", "judge", "other_organiser"])
def test_forbidden_to_all_but_organisers(setup, who):
    contest, scheme, _works, _organiser = setup
    client = client_for(_people(contest)[who])
    tier = scheme.tiers.first()
    award_pk = 1
    endpoints = [
        ("get", url(contest), None),
        ("get", url(contest, "scheme/"), None),
        ("put", url(contest, "scheme/"), {"mode": "percent"}),
        ("get", url(contest, "tiers/"), None),
        ("post", url(contest, "tiers/"), {"name": "三等奖", "value": "1"}),
        ("patch", url(contest, f"tiers/{tier.pk}/"), {"value": "2"}),
        ("delete", url(contest, f"tiers/{tier.pk}/"), None),
        ("get", url(contest, "top-prizes/"), None),
        ("post", url(contest, "top-prizes/"), {"name": "特等奖", "count": 1}),
        ("get", url(contest, "preview/"), None),
        ("get", url(contest, "ties/"), None),
        ("post", url(contest, "ties/"), {"decisions": []}),
        ("post", url(contest, "confirm/"), {}),
        ("post", url(contest, "unconfirm/"), {}),
        ("post", url(contest, f"{award_pk}/override/"), {"remove": True, "reason": "r"}),
    ]
    expected = 401 if who == "anonymous" else 403
    for method, address, body in endpoints:
        response = getattr(client, method)(address, body, format="json")
        assert_error(response, expected)
    assert scheme.tiers.count() == 2 and not Award.objects.exists()
    assert AwardScheme.objects.get().mode == "count"


def test_organiser_sets_up_a_scheme():
    contest = factories.ContestFactory(phase="judging")
    round_ = jf.RoundFactory(contest=contest)
    client = client_for(af.organiser(contest))
    assert_error(client.get(url(contest, "scheme/")), 404, "no_scheme")
    body = {"round": round_.pk, "mode": "percent", "org_award_name": "优秀组织奖"}
    body |= {"org_top_count": 12, "org_entry_points": "0.5"}
    response = client.put(url(contest, "scheme/"), body, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["round"] == round_.pk and response.json()["tiers"] == []
    for name, value in (("一等奖", "10"), ("二等奖", "20"), ("三等奖", "30")):
        created = client.post(url(contest, "tiers/"), {"name": name, "value": value}, format="json")
        assert created.status_code == 201, created.content
    tier = created.json()["id"]
    patched = client.patch(
        url(contest, f"tiers/{tier}/"), {"pool_values": {"category-1": "25"}}, format="json"
    )
    assert patched.json()["pool_values"] == {"category-1": "25.0000"}
    prize = client.post(url(contest, "top-prizes/"), {"name": "特等奖", "count": 17}, format="json")
    assert prize.status_code == 201
    scheme = client.get(url(contest, "scheme/")).json()
    assert [t["name"] for t in scheme["tiers"]] == ["一等奖", "二等奖", "三等奖"]
    assert [p["count"] for p in scheme["top_prizes"]] == [17]
    assert client.delete(url(contest, f"top-prizes/{prize.json()['id']}/")).status_code == 204
    assert client.delete(url(contest, f"tiers/{tier}/")).status_code == 204


@pytest.mark.parametrize(
    ("mode", "body", "field"),
    [
        ("percent", {"name": "三等奖", "value": "99"}, "value"),  # 100 + 99 % > 100
        ("count", {"name": "三等奖", "value": "-1"}, "value"),
        ("cutoff", {"name": "三等奖", "value": "95"}, "value"),  # above the 二等奖 cut-off
        ("count", {"name": "一等奖", "value": "1"}, "name"),
        ("count", {"name": "三等奖", "value": "1", "colour": "gold"}, "colour"),
    ],
)
def test_bad_tiers_are_refused(setup, mode, body, field):
    contest, scheme, _works, organiser = setup
    AwardScheme.objects.filter(pk=scheme.pk).update(mode=mode)
    scheme.tiers.filter(name="一等奖").update(value=90 if mode == "cutoff" else 1)
    scheme.tiers.filter(name="二等奖").update(value=80 if mode == "cutoff" else 1)
    with translation.override("en"):
        response = client_for(organiser).post(url(contest, "tiers/"), body, format="json")
    assert_error(response, 400, fields=[field])
    assert scheme.tiers.count() == 2


def test_negative_top_prize_count_and_unknown_round(setup):
    contest, _scheme, _works, organiser = setup
    client = client_for(organiser)
    response = client.post(
        url(contest, "top-prizes/"), {"name": "特等奖", "count": -3}, format="json"
    )
    assert_error(response, 400, fields=["count"])
    other = jf.RoundFactory()
    assert_error(client.put(url(contest, "scheme/"), {"round": other.pk}, format="json"), 400)


def test_another_contests_ids_are_not_found(setup):
    contest, _scheme, _works, organiser = setup
    other = factories.ContestFactory(phase="judging")
    other_snapshot, _ = af.frozen_snapshot(other, {"X": [50]})
    other_scheme = af.scheme(other, other_snapshot.round, tiers=[("一等奖", 1)])
    awards_confirm(scheme=other_scheme, actor=af.organiser(other))
    client = client_for(organiser)
    tier = other_scheme.tiers.get()
    assert_error(
        client.patch(url(contest, f"tiers/{tier.pk}/"), {"value": "3"}, format="json"), 404
    )
    award = Award.objects.get()
    body = {"remove": True, "reason": "r"}
    assert_error(client.post(url(contest, f"{award.pk}/override/"), body, format="json"), 404)
    assert Award.objects.count() == 1


def test_preview_ties_confirm_list_override_unconfirm(setup):
    contest, scheme, works, organiser = setup
    client = client_for(organiser)
    first, second = scheme.tiers.all()
    preview = client.get(url(contest, "preview/")).json()
    assert (preview["awards"], preview["undecided"]) == (5, 2)
    assert [p["name"] for p in preview["pools"]] == ["A", "B"]
    assert preview["pools"][0]["counts"] == {str(first.pk): 1, str(second.pk): 2}
    assert {t["work_code"] for t in preview["ties"]} == {
        works["A"][1].anonymous_code,
        works["A"][2].anonymous_code,
    }
    assert_error(client.post(url(contest, "confirm/"), {}, format="json"), 409, "undecided_ties")
    row = {"kind": "tier", "work": works["A"][1].pk, "tier": second.pk, "reason": "理由"}
    ties = client.post(url(contest, "ties/"), {"decisions": [row]}, format="json")
    assert ties.status_code == 200, ties.content
    assert sum(t["decided"] for t in ties.json()) == 1
    last = {**row, "work": works["A"][2].pk, "tier": None}
    confirmed = client.post(url(contest, "confirm/"), {"decisions": [last]}, format="json")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["confirmed_at"] and confirmed.json()["snapshot"]
    assert_error(client.post(url(contest, "confirm/"), {}, format="json"), 409, "confirmed")

    listed = client.get(url(contest)).json()
    assert listed["count"] == 4
    assert {a["prize"] for a in listed["results"]} == {"一等奖", "二等奖"}
    pool_b = works["B"][0].category_id
    only_b = client.get(url(contest), {"pool": f"category-{pool_b}"}).json()
    assert [a["work"] for a in only_b["results"]] == [w.pk for w in works["B"]]
    seconds = client.get(url(contest), {"tier": second.pk}).json()
    assert {a["work"] for a in seconds["results"]} == {works["A"][1].pk, works["B"][1].pk}
    assert_error(client.get(url(contest), {"tier": 999999}), 400, fields=["tier"])
    assert_error(client.get(url(contest), {"tier": "x"}), 400, fields=["tier"])

    award = Award.objects.get(work=works["A"][1])
    body = {"tier": first.pk, "reason": "申诉成立"}
    overridden = client.post(url(contest, f"{award.pk}/override/"), body, format="json")
    assert overridden.status_code == 200, overridden.content
    assert overridden.json()["overridden"] and overridden.json()["prize"] == "一等奖"
    body = {"tier": 999999, "reason": "r"}
    assert_error(client.post(url(contest, f"{award.pk}/override/"), body, format="json"), 400)
    body = {"remove": True, "reason": ""}
    assert_error(client.post(url(contest, f"{award.pk}/override/"), body, format="json"), 400)
    removed = client.post(url(contest, f"{award.pk}/override/"), {"remove": True, "reason": "r"})
    assert removed.status_code == 204
    assert AwardEvent.objects.filter(action__in=["override", "remove"]).count() == 2

    back = client.post(url(contest, "unconfirm/"), {"reason": "重评"}, format="json")
    assert back.status_code == 200 and back.json()["confirmed_at"] is None
    assert not Award.objects.exists()


def test_preview_without_a_frozen_snapshot(setup):
    contest, scheme, _works, organiser = setup
    AwardScheme.objects.filter(pk=scheme.pk).update(round=jf.RoundFactory(contest=contest))
    client = client_for(organiser)
    assert_error(client.get(url(contest, "preview/")), 409, "no_snapshot")
    assert_error(client.post(url(contest, "confirm/"), {}, format="json"), 409, "no_snapshot")


def test_list_query_count_does_not_grow():
    contest = factories.ContestFactory(phase="judging")
    organiser = af.organiser(contest)
    client = client_for(organiser)

    def confirm(scores):
        AwardScheme.objects.filter(contest=contest).delete()
        snapshot, _ = af.frozen_snapshot(contest, {"P": scores})
        made = af.scheme(
            contest, snapshot.round, tiers=[("一等奖", len(scores))], top=[("特等奖", 1)]
        )
        awards_confirm(scheme=made, actor=organiser)

    confirm([90])
    one = count_queries(lambda: client.get(url(contest)))
    confirm([90, 80, 70, 60])
    assert Award.objects.count() == 4
    assert count_queries(lambda: client.get(url(contest))) == one


def test_schema_documents_the_endpoints_without_warnings():
    GENERATOR_STATS.reset()
    patterns = [path("api/v1/", include("awards.api.urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular warned, see the output"
    paths = schema["paths"]
    base = "/api/v1/contests/{contest_slug}/awards/"
    for tail in ("", "scheme/", "tiers/", "tiers/{id}/", "top-prizes/", "preview/", "ties/"):
        assert base + tail in paths, sorted(paths)
    for tail in ("confirm/", "unconfirm/", "{id}/override/"):
        assert "409" in paths[base + tail]["post"]["responses"] or tail == "{id}/override/"
    listing = paths[base]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"pool", "tier", "kind", "page"}
