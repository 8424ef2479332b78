"""The entrant's lists: "My works" and the dashboard's section."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contest.models import Work
from tests import work_factories as wf


def login(client, user, lang: str | None = "en"):
    client.force_login(user)
    if lang:
        client.cookies["lang"] = lang
    return client


@pytest.mark.django_db
def test_my_works_needs_a_login(client):
    response = client.get(reverse("my_works"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_my_works_lists_only_my_works_with_status_and_files(client, user):
    ready = wf.WorkFactory(entrant=user, title="有视频的作品")
    wf.VideoAssetFactory(work=ready)
    wf.AttachmentFactory(work=ready)
    returned = wf.WorkFactory(
        entrant=user,
        title="退回的作品",
        status=Work.Status.RETURNED,
        status_reason="请补充教学设计。",
    )
    wf.VideoAssetFactory(work=returned, state="processing", is_current=False)
    wf.WorkFactory(title="别人的作品")
    html = login(client, user).get(reverse("my_works")).content.decode()
    assert "有视频的作品" in html and "退回的作品" in html
    assert "别人的作品" not in html
    assert reverse("work_detail", args=[ready.pk]) in html
    assert ready.contest.title in html and ready.anonymous_code in html
    assert "Video ready" in html and "1 checked attachment" in html
    assert "No checked video yet" in html and "New video being checked" in html
    assert "Returned for fixes" in html and "请补充教学设计。" in html


@pytest.mark.django_db
def test_my_works_when_empty_points_to_open_contests(client, user):
    html = login(client, user).get(reverse("my_works")).content.decode()
    assert "You have not entered any work yet." in html
    assert reverse("dashboard") in html


def my_works_queries(client, user, n: int) -> int:
    for _ in range(n):
        work = wf.WorkFactory(entrant=user)
        wf.complete(work)
    login(client, user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("my_works"))
    assert response.status_code == 200
    assert (
        response.content.decode().count('href="/works/')
        == Work.objects.filter(entrant=user).count()
    )
    return len(ctx.captured_queries)


@pytest.mark.django_db
def test_my_works_query_count_does_not_grow(client, user):
    one = my_works_queries(client, user, 1)
    assert my_works_queries(client, user, 2) == one


@pytest.mark.django_db
def test_dashboard_loads_my_works_and_offers_entering(client, user, contest):
    html = login(client, user).get(reverse("dashboard")).content.decode()
    assert reverse("my_works") in html
    assert reverse("work_create", args=[contest.slug]) in html


@pytest.mark.django_db
def test_dashboard_section_lists_my_latest_works(client, user):
    works = [wf.WorkFactory(entrant=user) for _ in range(6)]
    wf.WorkFactory(title="别人的作品")
    html = login(client, user).get(reverse("dashboard")).content.decode()
    assert sum(reverse("work_detail", args=[w.pk]) in html for w in works) == 5
    assert "别人的作品" not in html
    assert reverse("my_works") in html


@pytest.mark.django_db
def test_dashboard_section_query_count_does_not_grow(client, user):
    def queries(n):
        for _ in range(n):
            wf.complete(wf.WorkFactory(entrant=user))
        login(client, user)
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("dashboard"))
        return len(ctx.captured_queries)

    assert queries(1) == queries(2)


@pytest.mark.django_db
def test_pages_are_chinese_by_default(client, user):
    wf.WorkFactory(entrant=user)
    response = login(client, user, lang=None).get(reverse("my_works"))
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-CN">' in response.content.decode()
