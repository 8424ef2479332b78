"""The organisers' round pages: who may reach them, the settings form, state buttons, counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from judging.models import Round, RoundWork
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf
from tests.judging.test_rounds_helpers import ESCAPED, SCRIPT, WHO, people, round_, rubric

S = Round.State


@pytest.fixture
def the(db):
    return people()


@pytest.fixture
def draft(the):
    return round_(the.contest)


@pytest.fixture
def as_organiser(client, the):
    client.force_login(the.organiser)
    client.cookies["lang"] = "en"
    return client


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _form(contest, **changes) -> dict:
    opens = timezone.now() + dt.timedelta(days=1)
    data = {
        "name": "初评",
        "order": "1",
        "rubric": str(rubric(contest).pk),
        "opens_at": _local(opens),
        "closes_at": _local(opens + dt.timedelta(days=14)),
        "judges_per_work": "3",
        "tolerance": "15",
        "final_rule": "all",
        "calibration_min_sheets": "5",
        "min_play_percent": "50",
        "cut_title_card": "on",
        "expertise": "prefer",
        "seed": "7",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- Who may reach the pages

CONTEST_EXPECTED = {"entrant": 403, "judge": 403, "other_organiser": 403, "organiser": 200}
OBJECT_EXPECTED = {"entrant": 404, "judge": 403, "other_organiser": 404, "organiser": 200}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.django_db
def test_permission_matrix(client, the, draft, who):
    user = the.user(who)
    if user:
        client.force_login(user)
    slug = the.contest.slug
    pages = [
        ("contest", "get", reverse("round_list", args=[slug]), None),
        ("contest", "get", reverse("round_create", args=[slug]), None),
        ("object", "get", reverse("round_detail", args=[slug, draft.pk]), None),
        ("object", "get", reverse("round_edit", args=[slug, draft.pk]), None),
        ("object", "post", reverse("round_state", args=[slug, draft.pk]), {"state": "assigning"}),
        ("object", "post", reverse("round_refresh_works", args=[slug, draft.pk]), {}),
    ]
    for kind, method, url, data in pages:
        response = getattr(client, method)(url, data)
        if who == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
            continue
        expected = (CONTEST_EXPECTED if kind == "contest" else OBJECT_EXPECTED)[who]
        expected = 302 if method == "post" and expected == 200 else expected
        assert response.status_code == expected, (url, who)
    state = Round.objects.get(pk=draft.pk).state
    assert state == (S.ASSIGNING if who == "organiser" else S.DRAFT)


@pytest.mark.django_db
def test_round_of_another_contest_is_not_found_here(as_organiser, the):
    foreign = round_(people().contest)
    url = reverse("round_detail", args=[the.contest.slug, foreign.pk])
    assert as_organiser.get(url).status_code == 404


@pytest.mark.django_db
def test_state_post_needs_post(as_organiser, the, draft):
    url = reverse("round_state", args=[the.contest.slug, draft.pk])
    assert as_organiser.get(url).status_code == 405


# --- List and creation


@pytest.mark.django_db
def test_list_in_order_with_counts(as_organiser, the):
    final = round_(the.contest, name="终评", order=3)
    first = round_(the.contest, name="初评", order=1, state=S.ASSIGNING)
    round_(the.contest, name="复评", order=2)
    jf.accepted_work(first)
    html = as_organiser.get(reverse("round_list", args=[the.contest.slug])).content.decode()
    assert html.index("初评") < html.index("复评") < html.index("终评")
    assert reverse("round_detail", args=[the.contest.slug, final.pk]) in html


@pytest.mark.django_db
def test_list_query_count_does_not_grow(as_organiser, the):
    url = reverse("round_list", args=[the.contest.slug])
    categories = [factories.CategoryFactory(contest=the.contest) for _ in range(2)]

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert as_organiser.get(url).status_code == 200
        return len(ctx.captured_queries)

    first = round_(the.contest, order=1)
    first.categories.set(categories)
    as_organiser.get(url)
    one = count()
    for order in (2, 3):
        more = round_(the.contest, order=order, state=S.ASSIGNING)
        more.categories.set(categories)
        jf.accepted_work(more)
    assert count() == one


@pytest.mark.django_db
def test_create_round_with_china_time_window(as_organiser, the):
    category = factories.CategoryFactory(contest=the.contest)
    page = as_organiser.get(reverse("round_create", args=[the.contest.slug])).content.decode()
    assert 'type="datetime-local"' in page and 'value="First round"' in page
    data = _form(the.contest, categories=[str(category.pk)], opens_at="2030-05-01T09:00")
    data["closes_at"] = "2030-05-15T18:00"
    response = as_organiser.post(reverse("round_create", args=[the.contest.slug]), data)
    created = Round.objects.get(contest=the.contest)
    assert response["Location"] == reverse("round_detail", args=[the.contest.slug, created.pk])
    assert created.opens_at == dt.datetime(2030, 5, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in China
    assert list(created.categories.all()) == [category]
    assert (created.min_play_percent, created.seed, created.cut_title_card) == (50, 7, True)
    assert created.same_city_conflict is False


@pytest.mark.django_db
def test_create_page_asks_for_a_rubric_first(as_organiser, the):
    html = as_organiser.get(reverse("round_create", args=[the.contest.slug])).content.decode()
    assert "A round needs a rubric." in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes_at": "2020-01-01T00:00"}, "Scoring must close after it opens."),
        ({"name": "名" * 61}, "at most 60 characters"),
        ({"judges_per_work": "0"}, "greater than or equal to 1"),
        ({"min_play_percent": "150"}, "less than or equal to 100"),
        ({"opens_at": "not a date"}, "Enter a valid date/time."),
    ],
)
@pytest.mark.django_db
def test_bad_settings_show_errors_and_save_nothing(as_organiser, the, changes, message):
    url = reverse("round_create", args=[the.contest.slug])
    response = as_organiser.post(url, _form(the.contest, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_rubric_and_categories_of_another_contest_are_not_choices(as_organiser, the):
    other = people().contest
    foreign_rubric = rubric(other, name="别的大赛的标准")
    foreign_category = factories.CategoryFactory(contest=other, name="别的大赛的类别")
    url = reverse("round_create", args=[the.contest.slug])
    html = as_organiser.get(url).content.decode()
    assert "别的大赛的标准" not in html and "别的大赛的类别" not in html
    for changes in ({"rubric": str(foreign_rubric.pk)}, {"categories": [str(foreign_category.pk)]}):
        response = as_organiser.post(url, _form(the.contest, **changes))
        assert "Select a valid choice" in response.content.decode()
    assert not Round.objects.exists()


@pytest.mark.django_db
def test_edit_settings(as_organiser, the, draft):
    url = reverse("round_edit", args=[the.contest.slug, draft.pk])
    page = as_organiser.get(url).content.decode()
    assert f'value="{_local(draft.opens_at)}"' in page
    data = _form(the.contest, name="初评（网评）", rubric=str(draft.rubric_id))
    assert as_organiser.post(url, data).status_code == 302
    assert Round.objects.get(pk=draft.pk).name == "初评（网评）"


@pytest.mark.django_db
def test_rubric_change_of_an_open_round_is_refused_on_the_form(as_organiser, the):
    opened = round_(the.contest, state=S.OPEN)
    url = reverse("round_edit", args=[the.contest.slug, opened.pk])
    other = rubric(the.contest, name="另一个")
    response = as_organiser.post(url, _form(the.contest, rubric=str(other.pk)))
    assert "can no longer change" in response.content.decode()
    assert Round.objects.get(pk=opened.pk).rubric_id == opened.rubric_id


# --- The round page


@pytest.mark.django_db
def test_round_page_shows_settings_counts_and_links(as_organiser, the):
    current = round_(the.contest, state=S.OPEN)
    work = jf.accepted_work(current)
    jf.assignment(current, work=work)
    jf.assignment(current, work=work)
    html = as_organiser.get(reverse("round_detail", args=[the.contest.slug, current.pk])).content
    html = html.decode()
    base = f"/contests/{the.contest.slug}/judging/rounds/{current.pk}"
    assert f"{base}/assignment/" in html and f"{base}/monitoring/" in html
    assert 'value="closed"' in html and 'value="assigning"' in html
    assert 'value="frozen"' not in html
    assert "Not started</dt>" in html
    assert "5 criteria, 100 points" in html
    assert reverse("round_refresh_works", args=[the.contest.slug, current.pk]) in html


@pytest.mark.django_db
def test_state_buttons_move_the_round(as_organiser, the, draft):
    wf.WorkFactory(contest=the.contest, status="accepted")
    url = reverse("round_state", args=[the.contest.slug, draft.pk])
    response = as_organiser.post(url, {"state": "assigning"}, follow=True)
    assert "The round is now" in response.content.decode()
    assert RoundWork.objects.filter(round=draft).count() == 2  # with the entrant's work
    response = as_organiser.post(url, {"state": "closed"}, follow=True)
    assert "cannot move" in response.content.decode()
    assert Round.objects.get(pk=draft.pk).state == S.ASSIGNING


@pytest.mark.django_db
def test_refresh_button_adds_late_works(as_organiser, the):
    current = round_(the.contest, state=S.ASSIGNING)
    wf.WorkFactory(contest=the.contest, status="accepted")
    url = reverse("round_refresh_works", args=[the.contest.slug, current.pk])
    response = as_organiser.post(url, follow=True)
    assert "2 accepted works were added." in response.content.decode()  # and the entrant's


@pytest.mark.django_db
def test_markup_is_escaped(as_organiser, the):
    current = round_(the.contest, name=SCRIPT[:60], rubric_=rubric(the.contest, name=SCRIPT))
    current.categories.set([factories.CategoryFactory(contest=the.contest, name=SCRIPT)])
    for url in (
        reverse("round_list", args=[the.contest.slug]),
        reverse("round_detail", args=[the.contest.slug, current.pk]),
    ):
        html = as_organiser.get(url).content.decode()
        assert SCRIPT not in html and ESCAPED in html, url


@pytest.mark.django_db
def test_manage_nav_links_to_judging(as_organiser, the):
    html = as_organiser.get(reverse("contest_manage", args=[the.contest.slug])).content.decode()
    assert reverse("round_list", args=[the.contest.slug]) in html


@pytest.mark.django_db
def test_closed_round_can_be_renamed_on_the_form(as_organiser, the):
    # Stored times have seconds; the form shows minutes: an unchanged time is not a change.
    closed = round_(the.contest, state=S.CLOSED)
    closed.opens_at = closed.opens_at.replace(second=42, microsecond=123)
    closed.save()
    url = reverse("round_edit", args=[the.contest.slug, closed.pk])
    data = {
        **_form(the.contest, rubric=str(closed.rubric_id), min_play_percent="0", seed="0"),
        "order": str(closed.order),
        "name": "初评（已结束）",
        "opens_at": _local(closed.opens_at),
        "closes_at": _local(closed.closes_at),
    }
    response = as_organiser.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert Round.objects.get(pk=closed.pk).name == "初评（已结束）"
    response = as_organiser.post(url, {**data, "judges_per_work": "5"})
    assert "only its name and closing time" in response.content.decode()
    assert Round.objects.get(pk=closed.pk).judges_per_work == 3
