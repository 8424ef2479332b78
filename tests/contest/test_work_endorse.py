"""Endorsement (单位推荐): the coordinator's queue and the endorse button, within the quota."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contest.models import Work
from tests import factories
from tests import work_factories as wf

SCRIPT = "<script>alert(1)</script>"


def login(client, user, lang: str | None = "en"):
    client.force_login(user)
    if lang:
        client.cookies["lang"] = lang
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def contest(db):
    return factories.ContestFactory(phase="open", endorsement_required=True)


@pytest.fixture
def school(db):
    return factories.InstitutionFactory(name="杭州市犇鑫实验学校")


@pytest.fixture
def coordinator(contest, school):
    return wf.CoordinatorFactory(contest=contest, institution=school).user


def submitted(contest, school, n=1, **fields) -> list[Work]:
    category = factories.CategoryFactory(contest=contest)
    return [
        wf.WorkFactory(
            contest=contest,
            category=category,
            status=Work.Status.SUBMITTED,
            entrant=factories.UserFactory(institution=school),
            **fields,
        )
        for _ in range(n)
    ]


# --- The queue


@pytest.mark.django_db
def test_queue_is_for_the_contests_coordinators_only(client, contest, school, coordinator):
    work = submitted(contest, school)[0]
    url = reverse("endorse_queue", args=[contest.slug])
    assert login(client, coordinator).get(url).status_code == 200
    others = [
        work.entrant,
        factories.UserFactory(),
        factories.OrganiserFactory(contest=contest).user,
        factories.JudgeFactory(contest=contest).user,
        wf.CoordinatorFactory(institution=school).user,
    ]  # of another contest
    for user in others:
        assert login(client, user).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    draft = factories.ContestFactory(phase="draft")
    assert (
        login(client, coordinator).get(reverse("endorse_queue", args=[draft.slug])).status_code
        == 404
    )


@pytest.mark.django_db
def test_queue_lists_the_institutions_submitted_works(client, contest, school, coordinator):
    mine = submitted(contest, school, title=SCRIPT)[0]
    endorsed = submitted(contest, school, title="已推荐的作品")[0]
    Work.objects.filter(pk=endorsed.pk).update(status=Work.Status.ENDORSED)
    wf.WorkFactory(
        contest=contest, title="草稿作品", entrant=factories.UserFactory(institution=school)
    )
    submitted(contest, factories.InstitutionFactory(), title="别校的作品")
    html = (
        login(client, coordinator)
        .get(reverse("endorse_queue", args=[contest.slug]))
        .content.decode()
    )
    assert "&lt;script&gt;" in html and SCRIPT not in html
    assert mine.entrant.real_name in html
    assert mine.category.name in html
    assert "已推荐的作品" in html
    assert "草稿作品" not in html
    assert "别校的作品" not in html
    assert html.count(reverse("work_endorse", args=[mine.pk])) == 1
    assert reverse("work_endorse", args=[endorsed.pk]) not in html


def queue_queries(client, contest, school, coordinator, n: int) -> int:
    submitted(contest, school, n)
    login(client, coordinator)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("endorse_queue", args=[contest.slug]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_queue_query_count_does_not_grow(client, contest, school, coordinator):
    one = queue_queries(client, contest, school, coordinator, 1)
    assert queue_queries(client, contest, school, coordinator, 2) == one


# --- Endorsing


@pytest.mark.django_db
def test_coordinator_endorses_a_work(client, contest, school, coordinator):
    work = submitted(contest, school)[0]
    url = reverse("work_endorse", args=[work.pk])
    assert login(client, coordinator).get(url).status_code == 405
    response = client.post(url)
    assert response["Location"] == reverse("endorse_queue", args=[contest.slug])
    assert messages_of(response) == [f"You endorsed “{work.title}”."]
    work.refresh_from_db()
    assert work.status == Work.Status.ENDORSED


@pytest.mark.django_db
def test_endorse_refused_to_others(client, contest, school, coordinator):
    work = submitted(contest, school)[0]
    url = reverse("work_endorse", args=[work.pk])
    elsewhere = wf.CoordinatorFactory(contest=contest).user  # another institution
    for user in (elsewhere, factories.UserFactory(), factories.JudgeFactory(contest=contest).user):
        assert login(client, user).post(url).status_code == 404
    for user in (work.entrant, factories.OrganiserFactory(contest=contest).user):
        assert login(client, user).post(url).status_code == 403
    client.logout()
    assert client.post(url).status_code == 302
    work.refresh_from_db()
    assert work.status == Work.Status.SUBMITTED


@pytest.mark.django_db
def test_endorsement_quota_of_n_works(client, contest, school, coordinator):
    contest.endorsement_quota = 1
    contest.save()
    first, second = submitted(contest, school, 2)
    login(client, coordinator).post(reverse("work_endorse", args=[first.pk]))
    response = client.post(reverse("work_endorse", args=[second.pk]))
    assert messages_of(response)[-1] == "Your institution may endorse at most 1 work(s)."
    second.refresh_from_db()
    assert second.status == Work.Status.SUBMITTED


@pytest.mark.django_db
def test_endorsement_quota_in_percent(client, contest, school, coordinator):
    contest.endorsement_quota_percent = 50
    contest.save()
    works = submitted(contest, school, 4)
    login(client, coordinator)
    for work in works[:2]:
        client.post(reverse("work_endorse", args=[work.pk]))
    response = client.post(reverse("work_endorse", args=[works[2].pk]))
    assert messages_of(response)[-1] == "Your institution may endorse at most 2 work(s)."
    assert Work.objects.filter(status=Work.Status.ENDORSED).count() == 2


@pytest.mark.django_db
def test_endorse_refused_when_the_contest_has_no_endorsement(client, school):
    contest = factories.ContestFactory(phase="open", endorsement_required=False)
    coordinator = wf.CoordinatorFactory(contest=contest, institution=school).user
    work = submitted(contest, school)[0]
    response = login(client, coordinator).post(reverse("work_endorse", args=[work.pk]))
    assert messages_of(response) == ["This contest has no endorsement step."]


@pytest.mark.django_db
def test_dashboard_section_links_the_coordinators_queue(client, contest, coordinator):
    html = login(client, coordinator).get(reverse("dashboard")).content.decode()
    assert reverse("endorse_queue", args=[contest.slug]) in html
    assert contest.title in html
