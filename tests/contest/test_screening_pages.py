"""Screening pages (形式审查): the queue with its filters, one work's page, and the decisions."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from contest.models import Contest, Work, WorkEvent
from tests import factories
from tests import work_factories as wf

S = Work.Status
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def login(client, user, lang: str | None = "en"):
    client.force_login(user)
    if lang:
        client.cookies["lang"] = lang
    return client


def url(name: str, contest, *args) -> str:
    return reverse(name, args=[contest.slug, *args])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def submitted(contest, status=S.SUBMITTED, when=None, **fields) -> Work:
    return wf.WorkFactory(
        contest=contest, status=status, submitted_at=when or timezone.now(), **fields
    )


def status_of(work) -> str:
    return Work.objects.get(pk=work.pk).status


@pytest.fixture
def as_organiser(client, organiser):
    return login(client, organiser)


@pytest.fixture
def work(contest):
    return wf.complete(submitted(contest))


# --- The queue


@pytest.mark.django_db
def test_queue_lists_works_with_their_entrants(as_organiser, contest):
    when = dt.datetime(2026, 3, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 the next day in China
    work = submitted(contest, when=when)
    wf.VideoAssetFactory(work=work)
    submitted(contest, status=S.DRAFT, title="还是草稿")
    html = as_organiser.get(url("screening_queue", contest)).content.decode()
    for text in (
        work.anonymous_code,
        work.title,
        work.category.name,
        work.entrant.real_name,
        work.entrant.institution.name,
        "Submitted",
        "Ready",
        "00:30",
        "1280×720",
    ):
        assert text in html
    assert "还是草稿" not in html
    assert url("screening_work", contest, work.pk) in html
    assert f'name="works" value="{work.pk}"' in html
    assert url("screening_queue", contest) in html  # the tab in the organiser's navigation


@pytest.mark.django_db
def test_queue_escapes_markup(as_organiser, contest):
    entrant = factories.UserFactory(real_name=SCRIPT)
    submitted(contest, title=SCRIPT, entrant=entrant)
    html = as_organiser.get(url("screening_queue", contest)).content.decode()
    assert SCRIPT not in html
    assert html.count(ESCAPED) >= 2


@pytest.mark.django_db
def test_queue_filters_and_search(as_organiser, contest):
    first = submitted(contest, title="勾股定理")
    second = submitted(contest, title="圆的面积", status=S.ACCEPTED)
    wf.VideoAssetFactory(work=first, state="processing", is_current=False)

    def codes(**query) -> set[str]:
        page = as_organiser.get(url("screening_queue", contest), query).context["page"]
        return {work.anonymous_code for work in page.object_list}

    both = {first.anonymous_code, second.anonymous_code}
    assert codes() == both
    assert codes(status="accepted") == {second.anonymous_code}
    assert codes(category=first.category.code) == {first.anonymous_code}
    assert codes(state="processing") == {first.anonymous_code}
    assert codes(q="勾股") == {first.anonymous_code}
    assert codes(q=second.anonymous_code.lower()) == {second.anonymous_code}
    assert codes(q=second.entrant.real_name) >= {second.anonymous_code}
    assert codes(q=second.entrant.institution.name) == {second.anonymous_code}


@pytest.mark.django_db
def test_queue_shows_bad_filters_and_ignores_them(as_organiser, contest):
    work = submitted(contest)
    query = {"status": "draft", "q": "x" * 101}
    response = as_organiser.get(url("screening_queue", contest), query)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert "at most 100 characters" in response.content.decode()
    assert [w.pk for w in response.context["page"].object_list] == [work.pk]


@pytest.mark.django_db
def test_queue_pages_keep_the_filters(as_organiser, contest):
    now = timezone.now()
    Work.objects.bulk_create(
        [
            Work(
                contest=contest,
                category=factories.CategoryFactory(contest=contest),
                title=f"作品{i}",
                entrant=factories.UserFactory(),
                anonymous_code=f"CODE{i:04d}",
                status=S.SUBMITTED,
                submitted_at=now,
            )
            for i in range(51)
        ]
    )
    response = as_organiser.get(url("screening_queue", contest), {"status": "submitted"})
    assert len(response.context["page"].object_list) == 50
    assert "?status=submitted&amp;page=2" in response.content.decode()
    response = as_organiser.get(url("screening_queue", contest), {"status": "submitted", "page": 2})
    assert len(response.context["page"].object_list) == 1


@pytest.mark.django_db
def test_queue_query_count_does_not_grow(as_organiser, contest):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = as_organiser.get(url("screening_queue", contest))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    def add():
        wf.complete(submitted(contest, category=factories.CategoryFactory(contest=contest)))

    add()
    one = count()
    add()
    add()
    assert count() == one


@pytest.mark.django_db
def test_queue_is_for_the_contests_organisers(client, contest, work):
    target = url("screening_queue", contest)
    assert client.get(target).status_code == 302  # to the log-in page
    elsewhere = factories.OrganiserFactory(contest=factories.ContestFactory(phase="open")).user
    for user in (work.entrant, factories.JudgeFactory(contest=contest).user, elsewhere):
        assert login(client, user).get(target).status_code == 403
    draft = factories.ContestFactory(phase="draft")
    assert login(client, elsewhere).get(url("screening_queue", draft)).status_code == 404


@pytest.mark.django_db
def test_queue_speaks_chinese_by_default(client, organiser, contest):
    response = login(client, organiser, lang=None).get(url("screening_queue", contest))
    assert response["Content-Language"] == "zh-hans"


# --- Bulk decisions


@pytest.mark.django_db
def test_bulk_accept_with_a_mix_of_valid_and_invalid_works(as_organiser, contest):
    good = [submitted(contest), submitted(contest)]
    withdrawn = submitted(contest, status=S.WITHDRAWN)
    data = {"works": [w.pk for w in [*good, withdrawn]], "decision": "accept", "reason": ""}
    response = as_organiser.post(url("screening_bulk", contest) + "?status=submitted", data)
    assert response.status_code == 302
    assert response["Location"] == url("screening_queue", contest) + "?status=submitted"
    assert [status_of(w) for w in good] == [S.ACCEPTED, S.ACCEPTED]
    assert status_of(withdrawn) == S.WITHDRAWN
    notes = messages_of(response)
    assert any("2 works are now “Accepted”" in note for note in notes)
    assert any(withdrawn.anonymous_code in note and "cannot be given" in note for note in notes)


@pytest.mark.django_db
def test_bulk_needs_a_reason_unless_accepting(as_organiser, contest, work):
    data = {"works": [work.pk], "decision": "reject", "reason": "  "}
    response = as_organiser.post(url("screening_bulk", contest), data)
    assert response.status_code == 200
    assert "Give the entrant a reason." in response.content.decode()
    assert f'value="{work.pk}" id="work-{work.pk}" checked' in response.content.decode()
    assert status_of(work) == S.SUBMITTED


@pytest.mark.django_db
def test_bulk_refuses_other_contests_works_and_empty_choices(as_organiser, contest, work):
    elsewhere = submitted(factories.ContestFactory(phase="open"))
    response = as_organiser.post(
        url("screening_bulk", contest), {"works": [work.pk, elsewhere.pk], "decision": "accept"}
    )
    assert response.status_code == 200 and "valid choice" in response.content.decode()
    response = as_organiser.post(url("screening_bulk", contest), {"decision": "accept"})
    assert "Tick at least one work." in response.content.decode()
    response = as_organiser.post(
        url("screening_bulk", contest), {"works": [work.pk], "decision": "approve"}
    )
    assert "valid choice" in response.content.decode()
    assert (status_of(work), status_of(elsewhere)) == (S.SUBMITTED, S.SUBMITTED)


@pytest.mark.django_db
def test_bulk_is_for_the_contests_organisers(client, contest, work):
    data = {"works": [work.pk], "decision": "accept"}
    assert client.post(url("screening_bulk", contest), data).status_code == 302
    assert login(client, work.entrant).post(url("screening_bulk", contest), data).status_code == 403
    assert login(client, work.entrant).get(url("screening_bulk", contest)).status_code == 405
    assert status_of(work) == S.SUBMITTED


# --- One work


@pytest.mark.django_db
def test_work_page_shows_everything_an_organiser_checks(as_organiser, contest, work):
    wf.CoAuthorFactory(work=work, name="欧阳燚", institution="犇鑫学校")
    Work.objects.filter(pk=work.pk).update(supervisor_name="张老师")
    WorkEvent.objects.create(
        work=work, actor=work.entrant, from_status=S.DRAFT, to_status=S.SUBMITTED, reason=""
    )
    video, design = work.videos.get(), work.attachments.get()
    html = as_organiser.get(url("screening_work", contest, work.pk)).content.decode()
    for link in ("video_blind", "video_poster", "video_original"):
        assert reverse(link, args=[video.uuid]) in html
    for link in ("attachment_original", "attachment_sanitised"):
        assert reverse(link, args=[design.uuid]) in html
    for text in (
        "欧阳燚",
        "犇鑫学校",
        "张老师",
        work.entrant.real_name,
        work.anonymous_code,
        "Draft → Submitted",
        'name="decision"',
        'name="reason"',
    ):
        assert text in html


@pytest.mark.django_db
def test_work_page_shows_refused_uploads_and_escapes_markup(as_organiser, contest, work):
    Work.objects.filter(pk=work.pk).update(title=SCRIPT, summary=SCRIPT)
    wf.VideoAssetFactory(
        work=work,
        state="failed",
        is_current=False,
        error_code="too_short",
        error_params={"duration_text": "0:03", "min_duration_text": "5:00"},
    )
    html = as_organiser.get(url("screening_work", contest, work.pk)).content.decode()
    assert "The video lasts 0:03" in html
    assert SCRIPT not in html and ESCAPED in html


@pytest.mark.django_db
def test_work_page_is_for_the_contests_organisers(client, contest, organiser, work):
    target = url("screening_work", contest, work.pk)
    assert client.get(target).status_code == 302
    elsewhere = factories.ContestFactory(phase="open")
    assert login(client, work.entrant).get(target).status_code == 403
    assert (
        login(client, factories.JudgeFactory(contest=contest).user).get(target).status_code == 403
    )
    other_organiser = factories.OrganiserFactory(contest=elsewhere).user
    assert login(client, other_organiser).get(target).status_code == 403
    # A work of another contest, under this contest's address: not found.
    other_work = submitted(elsewhere)
    assert (
        login(client, organiser).get(url("screening_work", contest, other_work.pk)).status_code
        == 404
    )
    assert (
        login(client, other_organiser).get(url("screening_work", elsewhere, work.pk)).status_code
        == 404
    )


# --- Deciding


@pytest.mark.django_db
def test_decision_moves_on_to_the_next_work_keeping_the_filters(
    as_organiser, contest, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    first, second = submitted(contest, when=now), submitted(contest, when=now + dt.timedelta(1))
    target = url("screening_decide", contest, first.pk) + "?status=submitted"
    with django_capture_on_commit_callbacks(execute=True):
        response = as_organiser.post(target, {"decision": "accept", "reason": ""})
    assert response.status_code == 302
    assert response["Location"] == url("screening_work", contest, second.pk) + "?status=submitted"
    assert status_of(first) == S.ACCEPTED
    assert [m.to for m in mailoutbox] == [[first.entrant.email]]
    response = as_organiser.post(
        url("screening_decide", contest, second.pk), {"decision": "return", "reason": "请补充字幕"}
    )
    assert response["Location"] == url("screening_queue", contest)  # the last one
    assert Work.objects.get(pk=second.pk).status_reason == "请补充字幕"


@pytest.mark.django_db
def test_decision_errors_are_shown_beside_the_fields(as_organiser, contest, work):
    target = url("screening_decide", contest, work.pk)
    html = as_organiser.post(target, {"decision": "return", "reason": ""}).content.decode()
    assert 'id="id_reason_error"' in html and "Give the entrant a reason." in html
    html = as_organiser.post(target, {"decision": "pass"}).content.decode()
    assert 'id="id_decision_error"' in html
    assert status_of(work) == S.SUBMITTED


@pytest.mark.django_db
def test_decisions_the_status_graph_forbids_are_refused(as_organiser, contest):
    draft = submitted(contest, status=S.DRAFT)
    withdrawn = submitted(contest, status=S.WITHDRAWN)
    html = as_organiser.post(
        url("screening_decide", contest, draft.pk), {"decision": "accept"}
    ).content.decode()
    assert "cannot be given this decision" in html
    html = as_organiser.post(
        url("screening_decide", contest, withdrawn.pk), {"decision": "disqualify", "reason": "抄袭"}
    ).content.decode()
    assert "cannot be given this decision" in html
    assert (status_of(draft), status_of(withdrawn)) == (S.DRAFT, S.WITHDRAWN)


@pytest.mark.django_db
def test_endorsement_required_contests_screen_only_endorsed_works(as_organiser, contest, work):
    Contest.objects.filter(pk=contest.pk).update(endorsement_required=True)
    html = as_organiser.post(
        url("screening_decide", contest, work.pk), {"decision": "accept"}
    ).content.decode()
    assert "cannot be given this decision" in html
    Work.objects.filter(pk=work.pk).update(status=S.ENDORSED)
    as_organiser.post(url("screening_decide", contest, work.pk), {"decision": "accept"})
    assert status_of(work) == S.ACCEPTED


@pytest.mark.django_db
def test_only_organisers_decide(client, contest, work):
    data = {"decision": "accept"}
    target = url("screening_decide", contest, work.pk)
    assert client.post(target, data).status_code == 302
    assert login(client, work.entrant).post(target, data).status_code == 403
    judge = factories.JudgeFactory(contest=contest).user
    assert login(client, judge).post(target, data).status_code == 403
    assert status_of(work) == S.SUBMITTED
