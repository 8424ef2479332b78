"""Organisers' award pages: who may see them, the set-up form, the preview with ties, confirming,
the list with overrides, withdrawing the confirmation, and the list's query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from awards.models import Award, AwardEvent, AwardScheme, TieDecision
from awards.services.decisions import awards_confirm, awards_lock
from tests import awards_factories as af
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    contest = factories.ContestFactory(phase="judging")
    snapshot, works = af.frozen_snapshot(contest, {"A": [90, 80, 80, 70]})
    scheme = af.scheme(contest, snapshot.round, tiers=[("一等奖", 1), ("二等奖", 1)])
    return contest, scheme, works["A"], af.organiser(contest)


def _client(client, user):
    client.force_login(user)
    client.cookies["lang"] = "en"  # pages read English through the language cookie
    return client


def _pages(contest, award_pk=1):
    slug = contest.slug
    return [
        ("get", reverse("awards_overview", args=[slug])),
        ("get", reverse("award_scheme", args=[slug])),
        ("get", reverse("awards_preview", args=[slug])),
        ("post", reverse("award_tie", args=[slug])),
        ("post", reverse("awards_confirm", args=[slug])),
        ("post", reverse("awards_unconfirm", args=[slug])),
        ("get", reverse("award_list", args=[slug])),
        ("get", reverse("award_override", args=[slug, award_pk])),
    ]


@pytest.mark.parametrize("who", ["anonymous", "entrant", "judge", "other_organiser"])
def test_pages_are_for_organisers_only(client, setup, who):
    contest, _scheme, _works, _organiser = setup
    users = {
        "entrant": wf.WorkFactory(contest=contest, status="accepted").entrant,
        "judge": jf.judge(contest).user,
        "other_organiser": af.organiser(factories.ContestFactory(phase="judging")),
    }
    if who != "anonymous":
        client.force_login(users[who])
    for method, url in _pages(contest):
        response = getattr(client, method)(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
        else:
            assert response.status_code == 403, url
    assert not Award.objects.exists() and not AwardEvent.objects.exists()


def test_organiser_pages_render(client, setup):
    contest, _scheme, _works, organiser = setup
    client = _client(client, organiser)
    for method, url in _pages(contest)[:3]:
        assert getattr(client, method)(url).status_code == 200, url
    manage = client.get(reverse("awards_overview", args=[contest.slug])).content.decode()
    assert reverse("awards_overview", args=[contest.slug]) in manage


def _setup_data(round_, **extra):
    data = {
        "round": round_.pk,
        "mode": "percent",
        "org_award_name": "优秀组织奖",
        "org_entry_points": "1",
        "org_top_count": "12",
        "org_min_points": "",
        "tiers-TOTAL_FORMS": "3",
        "tiers-INITIAL_FORMS": "0",
        "tiers-0-name": "一等奖",
        "tiers-0-value": "10",
        "tiers-0-points": "10",
        "tiers-1-name": "二等奖",
        "tiers-1-value": "20",
        "tiers-2-name": "",
        "tiers-2-value": "",
        "top-TOTAL_FORMS": "1",
        "top-INITIAL_FORMS": "0",
        "top-0-name": "特等奖",
        "top-0-count": "17",
        "top-0-points": "20",
    }
    return data | extra


def test_scheme_set_up_in_one_form(client):
    contest = factories.ContestFactory(phase="judging")
    round_ = jf.RoundFactory(contest=contest)
    client = _client(client, af.organiser(contest))
    url = reverse("award_scheme", args=[contest.slug])
    response = client.post(url, _setup_data(round_))
    assert response.status_code == 302, response.context["form"].errors
    scheme = AwardScheme.objects.get()
    assert (scheme.round, scheme.mode, scheme.org_top_count) == (round_, "percent", 12)
    assert [(t.name, t.value) for t in scheme.tiers.all()] == [("一等奖", 10), ("二等奖", 20)]
    assert [(p.name, p.count) for p in scheme.top_prizes.all()] == [("特等奖", 17)]
    page = client.get(reverse("awards_overview", args=[contest.slug])).content.decode()
    assert "特等奖" in page and "优秀组织奖" in page


def test_bad_set_up_shows_the_error_and_saves_nothing(client):
    contest = factories.ContestFactory(phase="judging")
    round_ = jf.RoundFactory(contest=contest)
    client = _client(client, af.organiser(contest))
    url = reverse("award_scheme", args=[contest.slug])
    with translation.override("en"):
        response = client.post(url, _setup_data(round_, **{"tiers-1-value": "95"}))
    assert response.status_code == 200
    assert "add up to more than 100" in response.content.decode()
    assert not AwardScheme.objects.exists()


def test_preview_tie_confirm_list_override_unconfirm(client, setup):
    contest, scheme, works, organiser = setup
    client = _client(client, organiser)
    slug = contest.slug
    first, second = scheme.tiers.all()
    preview = client.get(reverse("awards_preview", args=[slug]))
    page = preview.content.decode()
    assert "table-warning" in page and works[1].anonymous_code in page
    assert len(preview.context["preview"].undecided) == 2
    assert {row[3] for row in preview.context["ties"]} == {"A"}
    # Confirming is refused while ties wait.
    client.post(reverse("awards_confirm", args=[slug]))
    assert not Award.objects.exists()
    for work, choice in ((works[1], second.pk), (works[2], "none")):
        data = {"kind": "tier", "subject": work.pk, "choice": choice, "reason": "评审组决定"}
        assert client.post(reverse("award_tie", args=[slug]), data).status_code == 302
    assert TieDecision.objects.count() == 2
    response = client.post(reverse("awards_confirm", args=[slug]))
    assert response.status_code == 302 and response["Location"].endswith("/list/")
    assert Award.objects.count() == 2
    listed = client.get(reverse("award_list", args=[slug]), {"tier": second.pk})
    assert [a.work_id for a in listed.context["page"]] == [works[1].pk]
    award = Award.objects.get(work=works[1])
    url = reverse("award_override", args=[slug, award.pk])
    assert client.post(url, {"choice": str(first.pk), "reason": ""}).status_code == 200
    assert client.post(url, {"choice": str(first.pk), "reason": "申诉"}).status_code == 302
    award.refresh_from_db()
    assert award.tier == first and award.overridden_by == organiser
    reason = {"reason": "重新评定"}
    assert client.post(reverse("awards_unconfirm", args=[slug]), reason).status_code == 302
    assert not Award.objects.exists()


def test_unconfirm_refused_while_published(client, setup):
    contest, scheme, works, organiser = setup
    decisions = [
        {"kind": "tier", "work": works[1].pk, "tier": None, "reason": "r"},
        {"kind": "tier", "work": works[2].pk, "tier": None, "reason": "r"},
    ]
    awards_confirm(scheme=scheme, actor=organiser, decisions=decisions)
    awards_lock(contest=contest, actor=organiser)
    client = _client(client, organiser)
    response = client.post(reverse("awards_unconfirm", args=[contest.slug]), follow=True)
    assert Award.objects.count() == 1
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_preview_without_a_snapshot_says_so(client):
    contest = factories.ContestFactory(phase="judging")
    af.scheme(contest, jf.RoundFactory(contest=contest), tiers=[("一等奖", 1)])
    client = _client(client, af.organiser(contest))
    with translation.override("en"):
        response = client.get(reverse("awards_preview", args=[contest.slug]))
    assert response.status_code == 200
    assert "no frozen results" in response.content.decode()


def test_list_query_count_does_not_grow(client):
    contest = factories.ContestFactory(phase="judging")
    organiser = af.organiser(contest)
    client = _client(client, organiser)
    url = reverse("award_list", args=[contest.slug])

    def confirm(scores):
        AwardScheme.objects.filter(contest=contest).delete()
        snapshot, _ = af.frozen_snapshot(contest, {"P": scores})
        made = af.scheme(contest, snapshot.round, tiers=[("一等奖", len(scores))])
        awards_confirm(scheme=made, actor=organiser)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    confirm([90])
    one = queries()
    confirm([90, 80, 70, 60])
    assert queries() == one


def test_preview_shows_top_prizes_and_the_organisation_award(client):
    x, y = (factories.InstitutionFactory(name=n) for n in ("甲校", "乙校"))
    contest = factories.ContestFactory(phase="judging")
    snapshot, works = af.frozen_snapshot(contest, {"A": [(95, x), (90, y)], "B": [(90, y)]})
    af.scheme(
        contest,
        snapshot.round,
        tiers=[("一等奖", 1, 10)],
        top=[("特等奖", 2, 20)],
        org_award_name="优秀组织奖",
        org_top_count=1,
    )
    client = _client(client, af.organiser(contest))
    response = client.get(reverse("awards_preview", args=[contest.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "特等奖" in page and "优秀组织奖" in page and "甲校" in page and "乙校" in page
    ties = response.context["preview"].ties
    assert {t.kind for t in ties} == {"top_prize"}
    assert works["A"][0].anonymous_code in page


def test_a_tier_value_in_one_pool(client, setup):
    contest, scheme, works, organiser = setup
    client = _client(client, organiser)
    first = scheme.tiers.get(name="一等奖")
    key = f"category-{works[0].category_id}"
    url = reverse("award_pool_value", args=[contest.slug])
    page = client.get(reverse("awards_overview", args=[contest.slug])).content.decode()
    assert url in page
    assert client.post(url, {"tier": first.pk, "pool": key, "value": "2"}).status_code == 302
    assert {p.pool_key: p.value for p in first.pool_values.all()} == {key: 2}
    page = client.get(reverse("awards_overview", args=[contest.slug])).content.decode()
    assert "一等奖 · A: 2" in page
    # 1.5 works is refused and loses nothing; an empty value removes the pool's own value.
    client.post(url, {"tier": first.pk, "pool": key, "value": "1.5"})
    assert first.pool_values.get().value == 2
    client.post(url, {"tier": first.pk, "pool": key, "value": ""})
    assert not first.pool_values.exists()
    other = af.organiser(factories.ContestFactory(phase="judging"))
    client.force_login(other)
    assert client.post(url, {"tier": first.pk, "pool": key, "value": "3"}).status_code == 403
    assert not first.pool_values.exists()
