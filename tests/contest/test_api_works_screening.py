"""/api/v1/ screening and endorsement: decisions, the status graph, bulk decisions, e-mails."""

import datetime as dt

import pytest
from django.utils import timezone

from contest.models import Contest, Work, WorkEvent
from tests import factories
from tests import work_factories as wf
from tests.contest.test_api_helpers import API, assert_error, client_for

S = Work.Status
DAY = dt.timedelta(days=1)


def screen_url(work) -> str:
    return f"{API}/works/{work.pk}/screen/"


def bulk_url(contest) -> str:
    return f"{API}/contests/{contest.slug}/works/screen/"


def submitted(contest, status=S.SUBMITTED, **fields) -> Work:
    return wf.complete(
        wf.WorkFactory(contest=contest, status=status, submitted_at=timezone.now(), **fields)
    )


def status_of(work) -> str:
    return Work.objects.get(pk=work.pk).status


@pytest.fixture
def work(contest):
    return submitted(contest)


# --- One decision


@pytest.mark.parametrize(
    ("decision", "status"),
    [
        ("accept", S.ACCEPTED),
        ("return", S.RETURNED),
        ("reject", S.REJECTED),
        ("disqualify", S.DISQUALIFIED),
    ],
)
@pytest.mark.django_db
def test_organiser_decides(organiser, work, decision, status):
    response = client_for(organiser).post(
        screen_url(work), {"decision": decision, "reason": "画面模糊"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == status
    assert body["status_reason"] == "画面模糊"
    event = WorkEvent.objects.filter(work=work).last()
    assert (event.actor, event.from_status, event.to_status) == (organiser, S.SUBMITTED, status)


@pytest.mark.django_db
def test_only_the_contests_organisers_decide(contest, work):
    data = {"decision": "accept"}
    assert_error(client_for().post(screen_url(work), data, format="json"), 401)
    assert_error(client_for(work.entrant).post(screen_url(work), data, format="json"), 403)
    elsewhere = factories.OrganiserFactory(contest=factories.ContestFactory(phase="open")).user
    for user in (factories.JudgeFactory(contest=contest).user, elsewhere, factories.UserFactory()):
        assert_error(client_for(user).post(screen_url(work), data, format="json"), 404)
    assert status_of(work) == S.SUBMITTED


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": "approve"}, "decision"),
        ({"decision": ["accept"]}, "decision"),
        ({}, "decision"),
        ({"decision": "return"}, "reason"),
        ({"decision": "reject", "reason": "   "}, "reason"),
        ({"decision": "disqualify", "reason": ""}, "reason"),
        ({"decision": "reject", "reason": "x" * 2001}, "reason"),
        ({"decision": "accept", "note": "x"}, "note"),
    ],
)
@pytest.mark.django_db
def test_bad_decisions_are_refused(organiser, work, data, field):
    response = client_for(organiser).post(screen_url(work), data, format="json")
    assert_error(response, 400, "validation_failed", fields=[field])
    assert status_of(work) == S.SUBMITTED
    assert not WorkEvent.objects.filter(work=work).exclude(to_status=S.DRAFT).exists()


@pytest.mark.parametrize(
    ("status", "decision"),
    [
        (S.DRAFT, "accept"),
        (S.WITHDRAWN, "disqualify"),
        (S.ACCEPTED, "reject"),
        (S.REJECTED, "accept"),
        (S.DRAFT, "disqualify"),
    ],
)
@pytest.mark.django_db
def test_the_status_graph_refuses_other_moves(organiser, contest, status, decision):
    work = submitted(contest, status=status)
    response = client_for(organiser, HTTP_ACCEPT_LANGUAGE="en").post(
        screen_url(work), {"decision": decision, "reason": "理由"}, format="json"
    )
    body = assert_error(response, 409, "invalid_decision")
    assert "cannot be given this decision" in body["message"]
    assert status_of(work) == status


@pytest.mark.django_db
def test_returned_work_is_fixed_and_resubmitted_before_the_screening_deadline(organiser, work):
    Contest.objects.filter(pk=work.contest_id).update(
        phase="screening",
        submission_closes_at=timezone.now() - DAY,
        screening_deadline=timezone.now() + DAY,
    )
    as_organiser, as_entrant = client_for(organiser), client_for(work.entrant)
    as_organiser.post(
        screen_url(work), {"decision": "return", "reason": "请补充教学设计"}, format="json"
    )
    mine = as_entrant.get(f"{API}/works/{work.pk}/").json()
    assert (mine["status"], mine["status_reason"], mine["editable"]) == (
        "returned",
        "请补充教学设计",
        True,
    )
    response = as_entrant.patch(f"{API}/works/{work.pk}/", {"title": "补充后的作品"}, format="json")
    assert response.status_code == 200, response.content
    response = as_entrant.post(
        f"{API}/works/{work.pk}/submit/", {"accept_licence": True}, format="json"
    )
    assert response.json()["status"] == "submitted"
    response = as_organiser.post(screen_url(work), {"decision": "accept"}, format="json")
    assert response.json()["status"] == "accepted"


@pytest.mark.django_db
def test_returned_work_cannot_be_fixed_after_the_screening_deadline(organiser, work):
    Work.objects.filter(pk=work.pk).update(status=S.RETURNED)
    Contest.objects.filter(pk=work.contest_id).update(
        phase="screening",
        submission_closes_at=timezone.now() - DAY * 2,
        screening_deadline=timezone.now() - dt.timedelta(seconds=1),
    )
    as_entrant = client_for(work.entrant)
    assert_error(
        as_entrant.patch(f"{API}/works/{work.pk}/", {"title": "晚了"}, format="json"),
        409,
        "deadline_passed",
    )
    assert_error(
        as_entrant.post(f"{API}/works/{work.pk}/submit/", format="json"), 409, "deadline_passed"
    )
    assert status_of(work) == S.RETURNED


# --- E-mails


@pytest.mark.parametrize(
    ("decision", "english"),
    [
        ("accept", "passed screening"),
        ("return", "returned for fixes"),
        ("reject", "not accepted"),
    ],
)
@pytest.mark.django_db
def test_decisions_are_mailed_in_the_entrants_language(
    organiser, contest, decision, english, mailoutbox, django_capture_on_commit_callbacks
):
    work = submitted(contest, entrant=factories.UserFactory(language="en"))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(organiser).post(
            screen_url(work), {"decision": decision, "reason": "<b>理由</b>"}, format="json"
        )
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [work.entrant.email]
    assert english in mail.subject and work.title in mail.subject
    if decision != "accept":
        assert "<b>理由</b>" in mail.body  # plain text: the reason as written
    assert f"/works/{work.pk}/" in mail.body
    assert "Dear" in mail.body


@pytest.mark.django_db
def test_decision_mail_follows_a_chinese_entrants_language(
    organiser, work, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(organiser, HTTP_ACCEPT_LANGUAGE="en").post(
            screen_url(work), {"decision": "accept"}, format="json"
        )
    assert work.entrant.language == "zh-hans"
    # The organiser asked in English; the entrant reads Chinese (a greeting already translated).
    assert "您好" in mailoutbox[0].body and "Dear" not in mailoutbox[0].body


# --- Endorsement (单位推荐)


@pytest.fixture
def endorsing(contest):
    Contest.objects.filter(pk=contest.pk).update(endorsement_required=True, endorsement_quota=1)
    contest.refresh_from_db()
    return contest


@pytest.mark.django_db
def test_endorsement_comes_before_screening(endorsing, organiser):
    work = submitted(endorsing)
    coordinator = wf.CoordinatorFactory(
        contest=endorsing, institution=work.entrant.institution
    ).user
    as_organiser = client_for(organiser)
    assert_error(
        as_organiser.post(screen_url(work), {"decision": "accept"}, format="json"),
        409,
        "invalid_decision",
    )
    response = client_for(coordinator).post(f"{API}/works/{work.pk}/endorse/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "endorsed"
    assert (
        as_organiser.post(screen_url(work), {"decision": "accept"}, format="json").json()["status"]
        == "accepted"
    )


@pytest.mark.django_db
def test_endorsement_quota_and_who_may_endorse(endorsing, organiser):
    first, second = submitted(endorsing), submitted(endorsing)
    second.entrant.institution = first.entrant.institution
    second.entrant.save()
    coordinator = wf.CoordinatorFactory(
        contest=endorsing, institution=first.entrant.institution
    ).user
    other_place = wf.CoordinatorFactory(contest=endorsing).user
    assert_error(client_for(other_place).post(f"{API}/works/{first.pk}/endorse/"), 404)
    assert_error(client_for(first.entrant).post(f"{API}/works/{first.pk}/endorse/"), 403)
    assert_error(client_for(organiser).post(f"{API}/works/{first.pk}/endorse/"), 403)
    assert_error(client_for().post(f"{API}/works/{first.pk}/endorse/"), 401)
    client = client_for(coordinator)
    assert client.post(f"{API}/works/{first.pk}/endorse/").status_code == 200
    assert_error(client.post(f"{API}/works/{second.pk}/endorse/"), 409, "quota_reached")
    assert status_of(second) == S.SUBMITTED


# --- Bulk


@pytest.mark.django_db
def test_bulk_decision_changes_the_valid_works_and_lists_the_others(contest, organiser):
    good = [submitted(contest), submitted(contest)]
    draft, withdrawn = submitted(contest, status=S.DRAFT), submitted(contest, status=S.WITHDRAWN)
    ids = [w.pk for w in [*good, draft, withdrawn]]
    response = client_for(organiser, HTTP_ACCEPT_LANGUAGE="en").post(
        bulk_url(contest), {"ids": ids, "decision": "reject", "reason": "不符合要求"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(body["screened"]) == sorted(w.pk for w in good)
    assert {r["id"] for r in body["refused"]} == {draft.pk, withdrawn.pk}
    assert {r["anonymous_code"] for r in body["refused"]} == {
        draft.anonymous_code,
        withdrawn.anonymous_code,
    }
    assert all("cannot be given this decision" in r["message"] for r in body["refused"])
    assert [status_of(w) for w in good] == [S.REJECTED, S.REJECTED]
    assert (status_of(draft), status_of(withdrawn)) == (S.DRAFT, S.WITHDRAWN)


@pytest.mark.django_db
def test_bulk_only_screens_endorsed_works_when_endorsement_is_required(endorsing, organiser):
    plain, endorsed = submitted(endorsing), submitted(endorsing, status=S.ENDORSED)
    body = (
        client_for(organiser)
        .post(
            bulk_url(endorsing),
            {"ids": [plain.pk, endorsed.pk], "decision": "accept"},
            format="json",
        )
        .json()
    )
    assert body["screened"] == [endorsed.pk]
    assert [r["id"] for r in body["refused"]] == [plain.pk]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"ids": [], "decision": "accept"}, "ids"),
        ({"ids": "1,2", "decision": "accept"}, "ids"),
        ({"ids": ["x"], "decision": "accept"}, "ids"),
        ({"ids": list(range(1, 502)), "decision": "accept"}, "ids"),
        ({"decision": "accept"}, "ids"),
        ({"ids": [1], "decision": "pass"}, "decision"),
        ({"ids": [1], "decision": "return"}, "reason"),
        ({"ids": [1], "decision": "accept", "all": True}, "all"),
    ],
)
@pytest.mark.django_db
def test_bulk_refuses_bad_input(contest, organiser, work, data, field):
    data = {**data, "ids": [work.pk] if data.get("ids") == [1] else data.get("ids")}
    data = {k: v for k, v in data.items() if v is not None}
    response = client_for(organiser).post(bulk_url(contest), data, format="json")
    assert_error(response, 400, "validation_failed", fields=[field])
    assert status_of(work) == S.SUBMITTED


@pytest.mark.django_db
def test_bulk_refuses_another_contests_works_and_changes_nothing(contest, organiser, work):
    elsewhere = submitted(factories.ContestFactory(phase="open"))
    response = client_for(organiser).post(
        bulk_url(contest), {"ids": [work.pk, elsewhere.pk], "decision": "accept"}, format="json"
    )
    body = assert_error(response, 400, fields=["ids"])
    assert str(elsewhere.pk) in body["fields"]["ids"][0]
    assert (status_of(work), status_of(elsewhere)) == (S.SUBMITTED, S.SUBMITTED)


@pytest.mark.django_db
def test_bulk_is_for_the_contests_organisers(contest, work):
    data = {"ids": [work.pk], "decision": "accept"}
    assert_error(client_for().post(bulk_url(contest), data, format="json"), 401)
    elsewhere = factories.OrganiserFactory(contest=factories.ContestFactory(phase="open")).user
    for user in (work.entrant, factories.JudgeFactory(contest=contest).user, elsewhere):
        assert_error(client_for(user).post(bulk_url(contest), data, format="json"), 403)
    draft = factories.ContestFactory(phase="draft")
    assert_error(client_for(elsewhere).post(bulk_url(draft), data, format="json"), 404)
    assert status_of(work) == S.SUBMITTED
