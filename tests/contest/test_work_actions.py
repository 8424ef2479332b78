"""Submitting and withdrawing a work, editing at the deadline's edges, and fixing a returned work.

"Now" is frozen by moving the deadline a second either side of the real clock, so no code of ours
is mocked.
"""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from contest.models import Contest, Work, WorkEvent
from tests import factories
from tests import work_factories as wf

SECOND = dt.timedelta(seconds=1)
DAY = dt.timedelta(days=1)


def login(client, user, lang: str | None = "en"):
    client.force_login(user)
    if lang:
        client.cookies["lang"] = lang
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def edit_data(work, **changes) -> dict:
    data = {
        "title": "改过的标题",
        "category": str(work.category_id),
        "summary": "",
        "supervisor_name": "",
        "supervisor_institution": "",
        "co_authors-TOTAL_FORMS": "0",
        "co_authors-INITIAL_FORMS": "0",
    }
    return data | changes


@pytest.fixture
def work(contest):
    return wf.WorkFactory(contest=contest)


def set_contest(work, **fields):
    Contest.objects.filter(pk=work.contest_id).update(**fields)


# --- Who may post


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["work_submit", "work_withdraw"])
def test_actions_are_post_only_and_for_the_entrant(client, work, action):
    url = reverse(action, args=[work.pk])
    organiser = factories.OrganiserFactory(contest=work.contest).user
    assert login(client, work.entrant).get(url).status_code == 405
    assert login(client, organiser).post(url).status_code == 403
    for user in (
        factories.UserFactory(),
        factories.JudgeFactory(contest=work.contest).user,
        wf.CoordinatorFactory(contest=work.contest, institution=work.entrant.institution).user,
    ):
        assert login(client, user).post(url).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT


@pytest.mark.django_db
def test_actions_need_the_csrf_token(work):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(work.entrant)
    assert client.post(reverse("work_withdraw", args=[work.pk])).status_code == 403
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT


# --- Submitting


@pytest.mark.django_db
def test_submit_refused_while_the_checklist_is_incomplete(client, work):
    response = login(client, work.entrant).post(reverse("work_submit", args=[work.pk]))
    assert response.status_code == 302
    assert messages_of(response) == [
        "Before submitting, add: a checked video、Teaching design (docx or pdf)."
    ]
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT


@pytest.mark.django_db
def test_submit_refused_with_only_a_video_still_processing(client, work):
    wf.VideoAssetFactory(work=work, state="processing", is_current=False)
    wf.AttachmentFactory(work=work)
    response = login(client, work.entrant).post(reverse("work_submit", args=[work.pk]))
    assert messages_of(response) == ["Before submitting, add: a checked video."]


@pytest.mark.django_db
def test_submit_succeeds_and_mails_the_entrant(
    client, work, mailoutbox, django_capture_on_commit_callbacks
):
    wf.complete(work)
    login(client, work.entrant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("work_submit", args=[work.pk]), follow=True)
    work.refresh_from_db()
    assert work.status == Work.Status.SUBMITTED
    assert work.submitted_at is not None
    assert "The work was submitted." in response.content.decode()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [work.entrant.email]
    assert work.title in mailoutbox[0].subject
    assert reverse("work_detail", args=[work.pk]) in mailoutbox[0].body
    html = response.content.decode()
    assert reverse("work_edit", args=[work.pk]) not in html
    assert "data-upload-url" not in html


@pytest.mark.django_db
def test_licence_must_be_accepted(client, work):
    set_contest(work, licence_text="作者授权主办方在平台展示作品。")
    wf.complete(work)
    url = reverse("work_submit", args=[work.pk])
    page = login(client, work.entrant).get(reverse("work_detail", args=[work.pk]))
    assert "作者授权主办方在平台展示作品。" in page.content.decode()
    assert 'name="accept_licence"' in page.content.decode()
    response = client.post(url)
    assert messages_of(response) == ["Please read and accept the licence."]
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT
    client.post(url, {"accept_licence": "on"})
    work.refresh_from_db()
    assert work.status == Work.Status.SUBMITTED
    assert work.licence_accepted_at is not None


@pytest.mark.django_db
def test_submit_twice_is_refused(client, work):
    wf.complete(work)
    url = reverse("work_submit", args=[work.pk])
    login(client, work.entrant).post(url)
    response = client.post(url)
    assert messages_of(response)[-1] == "A work that is “Submitted” can no longer be changed."
    assert WorkEvent.objects.filter(work=work, to_status=Work.Status.SUBMITTED).count() == 1


# --- The deadline's edges


@pytest.mark.django_db
def test_edit_allowed_a_second_before_the_deadline(client, work):
    set_contest(work, submission_closes_at=timezone.now() + SECOND)
    response = login(client, work.entrant).post(
        reverse("work_edit", args=[work.pk]), edit_data(work)
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.title == "改过的标题"


@pytest.mark.django_db
def test_edit_refused_a_second_after_the_deadline(client, work):
    set_contest(work, submission_closes_at=timezone.now() - SECOND)
    url = reverse("work_edit", args=[work.pk])
    message = "The deadline has passed: the work can no longer be changed."
    assert message in login(client, work.entrant).get(url).content.decode()
    response = client.post(url, edit_data(work))
    assert response.status_code == 200
    assert message in response.content.decode()
    work.refresh_from_db()
    assert work.title != "改过的标题"
    detail = client.get(reverse("work_detail", args=[work.pk])).content.decode()
    assert message in detail
    assert "data-upload-url" not in detail


@pytest.mark.django_db
def test_submit_refused_a_second_after_the_deadline(client, work):
    wf.complete(work)
    set_contest(work, submission_closes_at=timezone.now() - SECOND)
    response = login(client, work.entrant).post(reverse("work_submit", args=[work.pk]))
    assert messages_of(response) == ["The deadline has passed: the work can no longer be changed."]
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT


@pytest.mark.django_db
def test_submit_allowed_a_second_before_the_deadline(client, work):
    wf.complete(work)
    set_contest(work, submission_closes_at=timezone.now() + SECOND)
    login(client, work.entrant).post(reverse("work_submit", args=[work.pk]))
    work.refresh_from_db()
    assert work.status == Work.Status.SUBMITTED


# --- Withdrawing


@pytest.mark.django_db
def test_withdraw_before_the_deadline(client, work):
    Work.objects.filter(pk=work.pk).update(status=Work.Status.SUBMITTED)
    set_contest(work, submission_closes_at=timezone.now() + SECOND)
    response = login(client, work.entrant).post(reverse("work_withdraw", args=[work.pk]))
    assert messages_of(response) == ["The work was withdrawn."]
    work.refresh_from_db()
    assert work.status == Work.Status.WITHDRAWN
    # A withdrawn work does not count against the limit.
    assert client.get(reverse("work_create", args=[work.contest.slug])).status_code == 200


@pytest.mark.django_db
def test_withdraw_refused_after_the_deadline(client, work):
    Work.objects.filter(pk=work.pk).update(status=Work.Status.SUBMITTED)
    set_contest(work, submission_closes_at=timezone.now() - SECOND)
    detail = login(client, work.entrant).get(reverse("work_detail", args=[work.pk]))
    assert reverse("work_withdraw", args=[work.pk]) not in detail.content.decode()
    response = client.post(reverse("work_withdraw", args=[work.pk]))
    assert messages_of(response) == [
        "The deadline has passed: the work can no longer be withdrawn."
    ]
    work.refresh_from_db()
    assert work.status == Work.Status.SUBMITTED


@pytest.mark.django_db
def test_withdraw_button_shown_before_the_deadline(client, work):
    html = login(client, work.entrant).get(reverse("work_detail", args=[work.pk])).content.decode()
    assert reverse("work_withdraw", args=[work.pk]) in html
    assert "Yes, withdraw the work" in html


# --- A work returned for fixes


def returned(work, *, fixes_until):
    Work.objects.filter(pk=work.pk).update(
        status=Work.Status.RETURNED, status_reason="视频片头出现了学校名称，请删除后重新提交。"
    )
    set_contest(
        work,
        phase="screening",
        submission_closes_at=timezone.now() - DAY,
        screening_deadline=fixes_until,
    )


@pytest.mark.django_db
def test_returned_work_shows_the_reason_and_is_editable_until_the_screening_deadline(client, work):
    returned(work, fixes_until=timezone.now() + SECOND)
    html = login(client, work.entrant).get(reverse("work_detail", args=[work.pk])).content.decode()
    assert "视频片头出现了学校名称，请删除后重新提交。" in html
    assert "Returned for fixes" in html
    assert "Submit again" in html
    response = client.post(reverse("work_edit", args=[work.pk]), edit_data(work))
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.title == "改过的标题"


@pytest.mark.django_db
def test_returned_work_is_locked_after_the_screening_deadline(client, work):
    returned(work, fixes_until=timezone.now() - SECOND)
    response = login(client, work.entrant).post(
        reverse("work_edit", args=[work.pk]), edit_data(work)
    )
    assert "The deadline has passed: the work can no longer be changed." in (
        response.content.decode()
    )
    work.refresh_from_db()
    assert work.title != "改过的标题"


@pytest.mark.django_db
def test_returned_work_can_be_submitted_again(client, work):
    wf.complete(work)
    returned(work, fixes_until=timezone.now() + DAY)
    login(client, work.entrant).post(reverse("work_submit", args=[work.pk]))
    work.refresh_from_db()
    assert work.status == Work.Status.SUBMITTED
    assert work.status_reason == ""
