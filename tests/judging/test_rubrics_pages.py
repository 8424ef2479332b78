"""The organisers' rubric pages: who may reach them, the criteria editor, frozen rubrics."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from judging.models import Criterion, Round, Rubric
from tests.judging.test_rounds_helpers import (
    ESCAPED,
    SCRIPT,
    WHO,
    empty_rubric,
    people,
    round_,
    rubric,
    snapshot,
)


@pytest.fixture
def the(db):
    return people()


@pytest.fixture
def demo(the):
    return rubric(the.contest)


@pytest.fixture
def as_organiser(client, the):
    client.force_login(the.organiser)
    client.cookies["lang"] = "en"
    return client


def _criterion_data(**changes) -> dict:
    data = {
        "name": "选题与设计",
        "description": "",
        "max_points": "20",
        "weight": "1",
        "step": "0.5",
        "order": "",
        "levels-TOTAL_FORMS": "4",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "10",
        "levels-0-label": "优",
        "levels-0-text": "选题聚焦",
        "levels-1-label": "良",
        "levels-1-text": "选题明确",
        "levels-2-label": "",
        "levels-2-text": "",
        "levels-3-label": "",
        "levels-3-text": "",
    }
    data.update(changes)
    return data


# --- Who may reach the pages

CONTEST_PAGES = ["rubric_list", "rubric_create", "rubric_import"]
RUBRIC_PAGES = ["rubric_detail", "rubric_edit", "rubric_export", "criterion_add"]
CRITERION_PAGES = ["criterion_edit"]
CRITERION_POSTS = ["criterion_move", "criterion_delete"]
# Contest pages: a contest they see but may not manage is 403. Rubric pages: a rubric they may
# not read is 404 (judges may read rubrics, so for them it is 403).
CONTEST_EXPECTED = {"entrant": 403, "judge": 403, "other_organiser": 403, "organiser": 200}
OBJECT_EXPECTED = {"entrant": 404, "judge": 403, "other_organiser": 404, "organiser": 200}


def _urls(the, demo) -> list[tuple[str, str, str]]:
    """(kind, method, url) for every rubric page."""
    slug, criterion = the.contest.slug, demo.criteria.first()
    urls = [("contest", "get", reverse(n, args=[slug])) for n in CONTEST_PAGES]
    urls += [("object", "get", reverse(n, args=[slug, demo.pk])) for n in RUBRIC_PAGES]
    urls += [
        ("object", "get", reverse(n, args=[slug, demo.pk, criterion.pk])) for n in CRITERION_PAGES
    ]
    urls += [
        ("object", "post", reverse(n, args=[slug, demo.pk, criterion.pk])) for n in CRITERION_POSTS
    ]
    return urls


@pytest.mark.parametrize("who", WHO)
@pytest.mark.django_db
def test_permission_matrix(client, the, demo, who):
    user = the.user(who)
    if user:
        client.force_login(user)
    before = snapshot(demo)
    for kind, method, url in _urls(the, demo):
        response = getattr(client, method)(url)
        if who == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
            continue
        expected = (CONTEST_EXPECTED if kind == "contest" else OBJECT_EXPECTED)[who]
        if method == "post" and expected == 200:
            expected = 302
        assert response.status_code == expected, (url, who, response.status_code)
    if who != "organiser":
        assert snapshot(demo) == before


@pytest.mark.django_db
def test_rubric_of_another_contest_is_not_found_under_this_one(as_organiser, the):
    foreign = rubric(people().contest)
    url = reverse("rubric_detail", args=[the.contest.slug, foreign.pk])
    assert as_organiser.get(url).status_code == 404


@pytest.mark.django_db
def test_forms_and_posts_of_non_organisers_change_nothing(client, the, demo):
    client.force_login(the.judge)
    slug = the.contest.slug
    assert client.post(reverse("rubric_create", args=[slug]), {"name": "x"}).status_code == 403
    url = reverse("criterion_add", args=[slug, demo.pk])
    assert client.post(url, _criterion_data(name="新项")).status_code == 403
    assert not Criterion.objects.filter(name="新项").exists()
    assert Rubric.objects.count() == 1


# --- The list and the editor


@pytest.mark.django_db
def test_list_shows_rubrics_with_counts(as_organiser, the, demo):
    round_(the.contest, rubric_=demo, state=Round.State.OPEN)
    html = as_organiser.get(reverse("rubric_list", args=[the.contest.slug])).content.decode()
    assert demo.name in html
    assert "Frozen" in html
    assert ">100<" in html and ">5<" in html
    assert reverse("rubric_import", args=[the.contest.slug]) in html


@pytest.mark.django_db
def test_list_query_count_does_not_grow(as_organiser, the, demo):
    url = reverse("rubric_list", args=[the.contest.slug])
    as_organiser.get(url)  # warm up the session and the caches

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert as_organiser.get(url).status_code == 200
        return len(ctx.captured_queries)

    one = count()
    for n in range(2):
        round_(the.contest, rubric_=rubric(the.contest, name=f"评分标准{n}"), order=n + 5)
    assert count() == one


@pytest.mark.django_db
def test_create_rubric_then_add_a_criterion(as_organiser, the):
    slug = the.contest.slug
    response = as_organiser.post(reverse("rubric_create", args=[slug]), {"name": "复评标准"})
    created = Rubric.objects.get(contest=the.contest)
    assert response["Location"] == reverse("rubric_detail", args=[slug, created.pk])
    page = as_organiser.get(reverse("criterion_add", args=[slug, created.pk])).content.decode()
    assert 'name="levels-3-label"' in page and "Label of level 1" in page
    response = as_organiser.post(
        reverse("criterion_add", args=[slug, created.pk]), _criterion_data()
    )
    assert response.status_code == 302
    criterion = created.criteria.get()
    assert criterion.max_points == Decimal("20")
    assert criterion.levels == [
        {"label": "优", "text": "选题聚焦"},
        {"label": "良", "text": "选题明确"},
    ]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"max_points": "10", "step": "3"}, "whole number of steps"),
        ({"step": "0"}, "greater than or equal to 0.01"),
        ({"weight": "-1"}, "greater than or equal to 0.01"),
        ({"name": "名" * 61}, "at most 60 characters"),
        ({"max_points": "abc"}, "Enter a number"),
        ({"levels-1-label": "优"}, "used twice"),
        ({"name": "教学内容"}, "Another criterion"),
    ],
)
@pytest.mark.django_db
def test_bad_criterion_input_shows_an_error_and_saves_nothing(
    as_organiser, the, demo, changes, message
):
    before = snapshot(demo)
    url = reverse("criterion_add", args=[the.contest.slug, demo.pk])
    response = as_organiser.post(url, _criterion_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot(demo) == before


@pytest.mark.django_db
def test_edit_a_criterion_and_its_levels(as_organiser, the, demo):
    criterion = demo.criteria.order_by("order").first()
    url = reverse("criterion_edit", args=[the.contest.slug, demo.pk, criterion.pk])
    page = as_organiser.get(url).content.decode()
    assert 'value="选题与设计"' in page and 'value="优"' in page
    data = _criterion_data(name="选题", max_points="30", order="0", **{"levels-2-label": "中"})
    assert as_organiser.post(url, data).status_code == 302
    criterion.refresh_from_db()
    assert (criterion.name, criterion.max_points) == ("选题", Decimal("30"))
    assert [level["label"] for level in criterion.levels] == ["优", "良", "中"]


@pytest.mark.django_db
def test_move_and_delete_criteria(as_organiser, the, demo):
    first, second = demo.criteria.order_by("order")[:2]
    slug = the.contest.slug
    as_organiser.post(
        reverse("criterion_move", args=[slug, demo.pk, first.pk]), {"direction": "down"}
    )
    assert list(demo.criteria.order_by("order").values_list("pk", flat=True))[:2] == [
        second.pk,
        first.pk,
    ]
    as_organiser.post(reverse("criterion_delete", args=[slug, demo.pk, first.pk]))
    assert demo.criteria.count() == 4


@pytest.mark.django_db
def test_edit_name_and_note(as_organiser, the, demo):
    url = reverse("rubric_edit", args=[the.contest.slug, demo.pk])
    assert as_organiser.post(url, {"name": "新名", "note": "说明"}).status_code == 302
    demo.refresh_from_db()
    assert (demo.name, demo.note) == ("新名", "说明")
    response = as_organiser.post(url, {"name": "名" * 121, "note": ""})
    assert "at most 120 characters" in response.content.decode()


@pytest.mark.django_db
def test_markup_in_user_text_is_escaped(as_organiser, the):
    target = empty_rubric(the.contest, name=SCRIPT)
    Criterion.objects.create(
        rubric=target,
        name=SCRIPT,
        description=SCRIPT,
        max_points=10,
        step=1,
        levels=[{"label": SCRIPT[:20], "text": SCRIPT}],
    )
    target.note = SCRIPT
    target.save()
    slug = the.contest.slug
    for url in [
        reverse("rubric_list", args=[slug]),
        reverse("rubric_detail", args=[slug, target.pk]),
        reverse("rubric_edit", args=[slug, target.pk]),
    ]:
        html = as_organiser.get(url).content.decode()
        assert SCRIPT not in html, url
        assert ESCAPED in html or "&lt;script&gt;" in html, url


# --- Frozen rubrics


@pytest.mark.django_db
def test_frozen_rubric_page_says_so_and_an_edit_makes_a_copy(as_organiser, the, demo):
    used_by = round_(the.contest, rubric_=demo, state=Round.State.OPEN)
    slug = the.contest.slug
    detail = as_organiser.get(reverse("rubric_detail", args=[slug, demo.pk])).content.decode()
    assert "This rubric is frozen." in detail
    before = snapshot(demo)
    criterion = demo.criteria.order_by("order").first()
    url = reverse("criterion_edit", args=[slug, demo.pk, criterion.pk])
    assert "This rubric is frozen." in as_organiser.get(url).content.decode()

    response = as_organiser.post(url, _criterion_data(max_points="40"), follow=True)

    copy = Rubric.objects.get(copied_from=demo)
    assert response.redirect_chain[-1][0] == reverse("rubric_detail", args=[slug, copy.pk])
    html = response.content.decode()
    assert "saved in a copy" in html
    assert "This rubric is frozen." not in html
    assert snapshot(demo) == before
    assert Round.objects.get(pk=used_by.pk).rubric_id == demo.pk
    assert copy.criteria.get(name="选题与设计").max_points == Decimal("40")


@pytest.mark.django_db
def test_export_downloads_the_shared_shape(as_organiser, the, demo):
    response = as_organiser.get(reverse("rubric_export", args=[the.contest.slug, demo.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="rubric-{demo.pk}.json"'
    data = json.loads(response.content)
    assert data["total"] == 100 and len(data["criteria"]) == 5


@pytest.mark.django_db
def test_pages_are_chinese_by_default(client, the, demo):
    client.force_login(the.organiser)
    response = client.get(reverse("rubric_list", args=[the.contest.slug]))
    assert response["Content-Language"] == "zh-hans"
