"""Monitoring a round: progress numbers, reminder e-mails, reassigning a judge's unfinished
work; the page and the API with who may reach them."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from contest.errors import Conflict, ValidationFailed
from judging.models import Assignment, Round
from judging.selectors.monitoring import round_progress
from judging.services import monitoring
from judging.services.sheets import sheet_save, sheet_submit
from tests import factories
from tests import judging_factories as jf
from tests.contest.test_api_helpers import API, assert_error, client_for
from tests.judging.test_assignment_service import make_round
from tests.judging.test_assignment_service_views import login, page_queries, people

A = Assignment.State
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def setup(db):
    """An open round: 2 works, 2 judges each, among 3 judges."""
    return make_round(k=2, judges=3, works=2, state=Round.State.OPEN)


def assign(setup, work, member) -> Assignment:
    return Assignment.objects.create(round=setup.round, work=work, judge=member.user)


def scores(assignment, value="10") -> dict:
    return {str(c.pk): value for c in assignment.round.rubric.criteria.all()}


@pytest.fixture
def progressed(setup):
    """Judge 0: one submitted, one in progress. Judge 1: one pending. Judge 2: one submitted."""
    w0, w1 = setup.works
    j0, j1, j2 = setup.judges
    done = assign(setup, w0, j0)
    sheet_submit(assignment=done, actor=done.judge, values=scores(done))
    started = assign(setup, w1, j0)
    sheet_save(assignment=started, actor=started.judge, values=scores(started, "5"))
    assign(setup, w0, j1)
    other = assign(setup, w1, j2)
    sheet_submit(assignment=other, actor=other.judge, values=scores(other))
    return setup


# --- Numbers


@pytest.mark.django_db
def test_progress_by_category_and_judge(progressed):
    s = progressed
    progress = round_progress(s.round)
    total = progress.total
    assert (total.works, total.assigned, total.submitted, total.in_progress, total.pending) == (
        2,
        4,
        2,
        1,
        1,
    )
    assert total.percent == 50 and total.overdue == 0 and not progress.late
    [category] = progress.categories
    assert (category.label, category.works, category.assigned) == (s.category.name, 2, 4)
    rows = {row.key: row for row in progress.judges}
    first = rows[s.judges[0].user_id]
    assert (first.assigned, first.submitted, first.in_progress, first.pending) == (2, 1, 1, 0)
    assert first.percent == 50 and first.email == s.judges[0].user.email
    assert rows[s.judges[1].user_id].percent == 0
    assert rows[s.judges[2].user_id].percent == 100


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("closes_in", "late"),
    [
        (dt.timedelta(hours=49), False),
        (dt.timedelta(hours=47), True),
        (-dt.timedelta(hours=1), True),
    ],
)
def test_unfinished_work_is_overdue_within_48_hours_of_closing(progressed, closes_in, late):
    closes = timezone.now() + closes_in
    Round.objects.filter(pk=progressed.round.pk).update(closes_at=closes)
    progressed.round.refresh_from_db()
    progress = round_progress(progressed.round)
    assert progress.late is late
    assert progress.total.overdue == (2 if late else 0)
    rows = {row.key: row.overdue for row in progress.judges}
    assert rows[progressed.judges[2].user_id] == 0
    assert rows[progressed.judges[1].user_id] == (1 if late else 0)


@pytest.mark.django_db
def test_recusals_are_counted_apart(setup):
    Assignment.objects.create(
        round=setup.round, work=setup.works[0], judge=setup.judges[0].user, state=A.RECUSED
    )
    progress = round_progress(setup.round)
    assert progress.recused == 1 and progress.total.assigned == 0


# --- Reminders


@pytest.mark.django_db
def test_reminders_go_only_to_judges_with_unfinished_work(
    progressed, mailoutbox, django_capture_on_commit_callbacks
):
    s = progressed
    english = s.judges[1].user
    english.language = "en"
    english.save()
    with django_capture_on_commit_callbacks(execute=True):
        count = monitoring.reminders_queue(round=s.round, actor=None)
    assert count == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([s.judges[0].user.email, english.email])
    mail = next(m for m in mailoutbox if m.to == [english.email])
    assert mail.subject == f"Reminder: 1 work awaits your scores ({s.round.name})"
    assert "One work in" in mail.body
    assert f"/judging/rounds/{s.round.pk}/" in mail.body


@pytest.mark.django_db
def test_no_reminder_when_everything_is_done(setup, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert monitoring.reminders_queue(round=setup.round, actor=None) == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_reminders_need_an_open_round(progressed, mailoutbox):
    Round.objects.filter(pk=progressed.round.pk).update(state=Round.State.CLOSED)
    progressed.round.refresh_from_db()
    with pytest.raises(Conflict):
        monitoring.reminders_queue(round=progressed.round, actor=None)
    assert monitoring.reminders_send(round_id=progressed.round.pk) == 0
    assert mailoutbox == []


# --- Reassigning


@pytest.mark.django_db
def test_reassigning_takes_back_unfinished_work_only(progressed):
    s = progressed
    extra = jf.judge(s.contest).user
    leaving = s.judges[0].user
    result = monitoring.judge_work_reassign(round=s.round, judge=leaving, actor=None)
    assert (result.removed, result.withdrawn) == (0, 1)
    mine = Assignment.objects.filter(round=s.round, judge=leaving)
    assert sorted(mine.values_list("state", flat=True)) == [A.RECUSED, A.SUBMITTED]
    assert result.added == 1
    judges = Assignment.objects.filter(round=s.round, work=s.works[1]).exclude(state=A.RECUSED)
    assert extra.pk in judges.values_list("judge_id", flat=True)


@pytest.mark.django_db
def test_reassigning_deletes_untouched_assignments(progressed):
    s = progressed
    jf.judge(s.contest)
    result = monitoring.judge_work_reassign(round=s.round, judge=s.judges[1].user, actor=None)
    assert (result.removed, result.withdrawn, result.added) == (1, 0, 1)
    assert not Assignment.objects.filter(round=s.round, judge=s.judges[1].user).exists()


@pytest.mark.django_db
def test_reassigning_a_judge_with_nothing_unfinished_is_refused(progressed):
    with pytest.raises(ValidationFailed):
        monitoring.judge_work_reassign(
            round=progressed.round, judge=progressed.judges[2].user, actor=None
        )


# --- Pages and API


def page(name, setup) -> str:
    return reverse(name, args=[setup.contest.slug, setup.round.pk])


def page_requests(setup):
    yield "get", page("round_monitoring", setup), {}
    yield "post", page("round_reminders", setup), {}
    yield "post", page("round_reassign", setup), {"judge": setup.judges[1].user_id}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "entrant", "judge", "other_organiser"])
def test_monitoring_pages_are_for_organisers_only(client, progressed, who, mailoutbox):
    user = people(progressed)[who]
    login(client, user)
    for method, url, data in page_requests(progressed):
        response = getattr(client, method)(url, data)
        assert response.status_code == (302 if user is None else 403), url
    assert mailoutbox == []
    assert Assignment.objects.filter(judge=progressed.judges[1].user).exists()


@pytest.mark.django_db
def test_organisers_watch_remind_and_reassign(
    client, progressed, mailoutbox, django_capture_on_commit_callbacks
):
    s = progressed
    jf.judge(s.contest)
    login(client, s.organiser)
    judge = s.judges[0].user
    judge.real_name = SCRIPT
    judge.save()
    html = client.get(page("round_monitoring", s)).content.decode()
    assert "&lt;script&gt;" in html and SCRIPT not in html
    assert s.judges[1].user.email in html and s.category.name in html
    for work in s.works:
        assert work.entrant.real_name not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page("round_reminders", s))
    assert response.status_code == 302 and len(mailoutbox) == 2
    response = client.post(page("round_reassign", s), {"judge": s.judges[1].user_id})
    assert "were taken back" in [str(m) for m in get_messages(response.wsgi_request)][-1]
    assert not Assignment.objects.filter(round=s.round, judge=s.judges[1].user).exists()
    response = client.post(page("round_reassign", s), {"judge": "x"})
    assert "Choose a judge" in [str(m) for m in get_messages(response.wsgi_request)][-1]
    stranger = factories.UserFactory()
    response = client.post(page("round_reassign", s), {"judge": stranger.pk})
    assert "Choose a judge" in [str(m) for m in get_messages(response.wsgi_request)][-1]


@pytest.mark.django_db
def test_the_monitoring_page_takes_the_same_queries_for_one_or_three_judges(client, setup):
    login(client, setup.organiser)
    url = page("round_monitoring", setup)
    assign(setup, setup.works[0], setup.judges[0])
    one = page_queries(client, url)
    assign(setup, setup.works[1], setup.judges[1])
    assign(setup, setup.works[1], setup.judges[2])
    assert page_queries(client, url) == one


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "entrant", "judge", "other_organiser"])
def test_the_monitoring_api_is_for_organisers_only(progressed, who, mailoutbox):
    user = people(progressed)[who]
    client = client_for(user)
    rid = progressed.round.pk
    for method, url in [
        ("get", f"{API}/rounds/{rid}/progress/"),
        ("post", f"{API}/rounds/{rid}/reminders/"),
    ]:
        assert_error(getattr(client, method)(url), 401 if user is None else 403)
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_monitoring_api(progressed, mailoutbox, django_capture_on_commit_callbacks):
    client = client_for(progressed.organiser)
    rid = progressed.round.pk
    body = client.get(f"{API}/rounds/{rid}/progress/").json()
    assert body["total"]["assigned"] == 4 and body["total"]["percent"] == 50
    assert len(body["judges"]) == 3 and body["late"] is False
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{API}/rounds/{rid}/reminders/")
    assert response.status_code == 202 and response.json() == {"judges": 2}
    assert len(mailoutbox) == 2
    Round.objects.filter(pk=rid).update(state=Round.State.CLOSED)
    english = client_for(progressed.organiser, HTTP_ACCEPT_LANGUAGE="en")
    body = assert_error(english.post(f"{API}/rounds/{rid}/reminders/"), 409, "round_not_open")
    assert body["message"] == "Reminders go out only while the round is open."


@pytest.mark.django_db
def test_progress_query_count_is_constant(setup):
    client = client_for(setup.organiser)
    url = f"{API}/rounds/{setup.round.pk}/progress/"
    assign(setup, setup.works[0], setup.judges[0])
    one = page_queries(client, url)
    assign(setup, setup.works[1], setup.judges[1])
    assign(setup, setup.works[1], setup.judges[2])
    assert page_queries(client, url) == one


@pytest.mark.django_db
def test_a_reminder_subject_never_breaks_a_line(progressed, mailoutbox):
    Round.objects.filter(pk=progressed.round.pk).update(name="初评\nBcc: x@example.cn")
    assert monitoring.reminders_send(round_id=progressed.round.pk) == 2
    assert all("\n" not in mail.subject for mail in mailoutbox)
    assert all(mail.to in ([m.user.email] for m in progressed.judges[:2]) for mail in mailoutbox)
