"""The organisers' ranking pages: who may reach them, compare, settings, freeze, pool list,
explanation, reproduce, unfreeze, advancement, pools; query counts on the pool list."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from judging.models import Round, RoundWork
from results.models import Advancement, Pool, RankingSettings, ResultSnapshot
from results.services.snapshots import snapshot_freeze
from tests import factories
from tests import judging_factories as jf
from tests import results_factories as rf
from tests.judging.test_rounds_helpers import ESCAPED, SCRIPT, WHO, people

pytestmark = pytest.mark.django_db

EXPECTED = {
    "anonymous": 302,
    "entrant": 404,
    "judge": 403,
    "other_organiser": 404,
    "organiser": 200,
}


@pytest.fixture
def the(db):
    return people()


@pytest.fixture
def scored(the):
    round_, works, judges = rf.scored_round(
        {
            "A": {"j1": [8], "j2": [6]},
            "B": {"j1": [9], "j2": [9]},
            "C": {"j1": [3], "j2": [9]},
        },
        contest=the.contest,
    )
    return round_, works, judges


@pytest.fixture
def frozen(scored, the):
    round_, works, judges = scored
    RankingSettings.objects.create(round=round_, method="mean")
    snapshot = snapshot_freeze(round=round_, actor=the.organiser)
    return snapshot, works, judges


@pytest.fixture
def as_organiser(client, the):
    client.force_login(the.organiser)
    client.cookies["lang"] = "en"
    return client


def _get(client, the, who, url):
    if who != "anonymous":
        client.force_login(the.user(who))
    return client.get(url)


@pytest.mark.parametrize("who", WHO)
def test_compare_page_access(client, the, scored, who):
    round_ = scored[0]
    url = reverse("round_ranking", args=[the.contest.slug, round_.pk])
    assert _get(client, the, who, url).status_code == EXPECTED[who]


@pytest.mark.parametrize("who", WHO)
def test_frozen_pages_access(client, the, frozen, who):
    snapshot, works, _judges = frozen
    slug, pk = the.contest.slug, snapshot.round_id
    key = f"category-{works['A'].category_id}"
    for url in (
        reverse("round_ranking", args=[slug, pk]),
        reverse("ranking_pool", args=[slug, pk, key]),
        reverse("ranking_work", args=[slug, pk, works["A"].pk]),
        reverse("ranking_advance", args=[slug, pk]),
    ):
        assert _get(client, the, who, url).status_code == EXPECTED[who], url


@pytest.mark.parametrize("who", ["judge", "entrant", "other_organiser"])
def test_posts_forbidden(client, the, scored, who):
    round_ = scored[0]
    client.force_login(the.user(who))
    for name in ("ranking_freeze", "ranking_settings", "ranking_unfreeze", "ranking_reproduce"):
        response = client.post(reverse(name, args=[the.contest.slug, round_.pk]))
        assert response.status_code in (403, 404), name
    round_.refresh_from_db()
    assert round_.state == Round.State.CLOSED


def test_compare_shows_recommendation_and_changes(as_organiser, the, scored):
    round_, _works, _judges = scored
    response = as_organiser.get(reverse("round_ranking", args=[the.contest.slug, round_.pk]))
    body = response.content.decode()
    assert "Recommended method:" in body
    assert response.context["reason"]
    assert response.context["work_count"] == 3


def test_settings_then_freeze_then_unfreeze(as_organiser, the, scored):
    round_, _works, _judges = scored
    slug = the.contest.slug
    criterion = round_.rubric.criteria.get()
    response = as_organiser.post(
        reverse("ranking_settings", args=[slug, round_.pk]),
        {"method": "median", "tiebreak_criteria": [criterion.pk], "tiebreak_sheets": "on"},
    )
    assert response.status_code == 302
    settings = RankingSettings.objects.get(round=round_)
    assert (settings.method, settings.tiebreak_criteria, settings.tiebreak_sheets) == (
        "median",
        [criterion.pk],
        True,
    )
    response = as_organiser.post(reverse("ranking_freeze", args=[slug, round_.pk]), follow=True)
    assert ResultSnapshot.objects.get(round=round_).method == "median"
    assert "Frozen results" in response.content.decode()
    as_organiser.post(reverse("ranking_unfreeze", args=[slug, round_.pk]))
    round_.refresh_from_db()
    assert round_.state == Round.State.CLOSED and not ResultSnapshot.objects.exists()


def test_freeze_with_open_case_shows_the_error(as_organiser, the, scored):
    round_, works, _judges = scored
    rf.case(round_, works["C"])
    response = as_organiser.post(
        reverse("ranking_freeze", args=[the.contest.slug, round_.pk]), follow=True
    )
    assert works["C"].anonymous_code in response.content.decode()
    assert not ResultSnapshot.objects.exists()


def test_pool_list_queries_do_not_grow(as_organiser, the, frozen):
    snapshot, works, judges = frozen
    url = reverse(
        "ranking_pool",
        args=[the.contest.slug, snapshot.round_id, f"category-{works['A'].category_id}"],
    )
    as_organiser.get(url)
    with CaptureQueriesContext(connection) as few:
        assert as_organiser.get(url).status_code == 200
    # More works in another snapshot would not change the count: add entries by re-freezing.
    round_ = snapshot.round
    from results.services.snapshots import snapshot_unfreeze

    snapshot_unfreeze(round=round_)
    for _ in range(5):
        work = rf.work(round_, works["A"].category)
        rf.sheet(round_, work, judges["j1"], [5])
    snapshot_freeze(round=round_, actor=the.organiser)
    with CaptureQueriesContext(connection) as many:
        response = as_organiser.get(url)
    assert len(response.context["page"]) == 8
    assert len(many) == len(few)


def test_work_explanation_names_judges_and_neighbours(as_organiser, the, frozen):
    snapshot, works, judges = frozen
    url = reverse("ranking_work", args=[the.contest.slug, snapshot.round_id, works["A"].pk])
    body = as_organiser.get(url).content.decode()
    assert judges["j1"].real_name in body
    assert works["B"].anonymous_code in body  # the neighbour above
    assert "Score by method" in body


def test_reproduce_page(as_organiser, the, frozen):
    snapshot, _works, _judges = frozen
    response = as_organiser.post(
        reverse("ranking_reproduce", args=[the.contest.slug, snapshot.round_id])
    )
    assert response.status_code == 200
    assert response.context["report"]["hash_matches"]


def test_advancement_preview_and_apply(as_organiser, the, frozen):
    snapshot, works, _judges = frozen
    later = jf.RoundFactory(
        contest=the.contest, state=Round.State.DRAFT, order=snapshot.round.order + 1
    )
    url = reverse("ranking_advance", args=[the.contest.slug, snapshot.round_id])
    data = {"to_round": later.pk, "rule": "top_n", "value": "1", "per_pool": "on"}
    response = as_organiser.post(url, {**data, "preview": "1"})
    assert response.context["plan"].count == 1
    assert not RoundWork.objects.filter(round=later).exists()
    response = as_organiser.post(url, {**data, "apply": "1"})
    assert response.status_code == 302
    assert list(RoundWork.objects.filter(round=later).values_list("work_id", flat=True)) == [
        works["B"].pk
    ]
    assert Advancement.objects.get().created_by == the.organiser
    # In use: unfreezing is refused.
    as_organiser.post(reverse("ranking_unfreeze", args=[the.contest.slug, snapshot.round_id]))
    assert ResultSnapshot.objects.filter(pk=snapshot.pk).exists()


@pytest.mark.parametrize("who", WHO)
def test_pool_pages_access(client, the, who):
    # The contest itself is public: people who may not manage it are refused (403).
    expected = {**dict.fromkeys(WHO, 403), "anonymous": 302, "organiser": 200}
    url = reverse("pool_list", args=[the.contest.slug])
    assert _get(client, the, who, url).status_code == expected[who]


def test_pool_create_edit_delete(as_organiser, the):
    slug = the.contest.slug
    one = factories.CategoryFactory(contest=the.contest)
    two = factories.CategoryFactory(contest=the.contest)
    response = as_organiser.post(
        reverse("pool_list", args=[slug]),
        {"name": SCRIPT, "order": "1", "categories": [one.pk, two.pk]},
    )
    assert response.status_code == 302
    pool = Pool.objects.get()
    assert set(pool.categories.all()) == {one, two}
    assert ESCAPED in as_organiser.get(reverse("pool_list", args=[slug])).content.decode()
    as_organiser.post(
        reverse("pool_edit", args=[slug, pool.pk]),
        {"name": "数学", "order": "2", "categories": [one.pk]},
    )
    pool.refresh_from_db()
    assert pool.name == "数学" and list(pool.categories.all()) == [one]
    # A category already pooled cannot join another pool.
    response = as_organiser.post(
        reverse("pool_list", args=[slug]), {"name": "其他", "order": "0", "categories": [one.pk]}
    )
    assert response.status_code == 200 and Pool.objects.count() == 1
    as_organiser.post(reverse("pool_delete", args=[slug, pool.pk]))
    assert not Pool.objects.exists()


def test_pool_of_another_contest_is_not_found(as_organiser, the):
    other = Pool.objects.create(contest=factories.ContestFactory(), name="x")
    response = as_organiser.get(reverse("pool_edit", args=[the.contest.slug, other.pk]))
    assert response.status_code == 404
