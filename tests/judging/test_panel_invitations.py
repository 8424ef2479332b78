"""Invitations to the judge panel: people with an account join at once; others get a one-time
link, register or log in, and accept it as the invited address only."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from contest.models import ContestRole
from contest.services.accounts import user_register, user_verify_email
from judging.models import Invitation, PanelMember
from judging.services.panel import invitation_create
from tests import factories
from tests import work_factories as wf

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
LINK = re.compile(r"/judging/join/([0-9a-f-]{36})/")


@pytest.fixture
def contest(db):
    contest = factories.ContestFactory(phase="judging", slug="a", title="第九届微课大赛")
    factories.SubjectFactory(contest=contest, code="math", name="数学")
    return contest


@pytest.fixture
def organiser(contest):
    return factories.OrganiserFactory(contest=contest).user


@pytest.fixture
def as_organiser(client, organiser):
    client.force_login(organiser)
    client.cookies["lang"] = "en"
    return client


def invite(client, contest, capture, **data):
    data = {"max_load": "20", "subjects": ["subject:math"], **data}
    with capture(execute=True):
        return client.post(reverse("panel_invite", args=[contest.slug]), data)


def invite_directly(contest, organiser, capture, email="new.judge@example.cn", **fields):
    with capture(execute=True):
        return invitation_create(contest=contest, email=email, actor=organiser, **fields)


def join_url(invitation) -> str:
    return reverse("panel_join", args=[invitation.token])


# --- People who already have an account


@pytest.mark.django_db
def test_existing_account_joins_at_once_and_is_told(
    as_organiser, contest, mailoutbox, django_capture_on_commit_callbacks
):
    user = factories.UserFactory(email="wang@example.cn")
    response = invite(
        as_organiser, contest, django_capture_on_commit_callbacks, email="WANG@example.cn"
    )
    assert response.status_code == 302
    member = PanelMember.objects.get(contest=contest, user=user)
    assert (member.expertise, member.max_load) == (["subject:math"], 20)
    assert ContestRole.objects.filter(contest=contest, user=user, role="judge").exists()
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user and invitation.accepted_at
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["wang@example.cn"]
    assert "第九届微课大赛" in mailoutbox[0].subject
    assert not LINK.search(mailoutbox[0].body)


@pytest.mark.django_db
def test_inviting_an_organiser_or_entrant_is_refused(
    as_organiser, contest, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    entrant = wf.WorkFactory(contest=contest).entrant
    for email in (organiser.email, entrant.email):
        response = invite(as_organiser, contest, django_capture_on_commit_callbacks, email=email)
        assert response.status_code == 200
        html = response.content.decode()
        assert "cannot judge it" in html and 'id="id_email_error"' in html
    assert not PanelMember.objects.exists() and not Invitation.objects.exists()
    assert mailoutbox == []


# --- New people


@pytest.mark.django_db
def test_new_person_gets_a_link_registers_and_accepts(
    client, as_organiser, contest, mailoutbox, django_capture_on_commit_callbacks
):
    invite(
        as_organiser,
        contest,
        django_capture_on_commit_callbacks,
        email="New.Judge@Example.CN",
        name="欧阳燚",
        is_chief="on",
    )
    invitation = Invitation.objects.get()
    assert invitation.email == "new.judge@example.cn" and invitation.accepted_at is None
    assert invitation.expires_at - timezone.now() > dt.timedelta(days=13)
    assert not PanelMember.objects.exists()
    mail = mailoutbox[-1]
    assert mail.to == ["new.judge@example.cn"]
    assert mail.body.startswith("欧阳燚，您好")  # Chinese, whatever the organiser's language
    token = LINK.search(mail.body).group(1)
    assert token == str(invitation.token)

    client.logout()
    page = client.get(join_url(invitation))
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Language"] == "zh-hans"
    assert f"{reverse('login')}?next={join_url(invitation)}" in html.replace("%2F", "/")
    assert "n***@example.cn" in html
    assert client.post(join_url(invitation)).status_code == 302  # to the login page
    assert not PanelMember.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        user_register(email="new.judge@example.cn", password=factories.PASSWORD, real_name="欧阳燚")
    path = mailoutbox[-1].body.split("/accounts/verify/")[1].split()[0]
    user = user_verify_email(
        **dict(zip(("uidb64", "token"), path.strip("/").split("/"), strict=True))
    )
    client.force_login(user)
    assert "Join the judge panel" in _en(client).get(join_url(invitation)).content.decode()
    response = client.post(join_url(invitation))
    assert response.status_code == 302 and response.url == reverse("judge_home")
    member = PanelMember.objects.get(user=user)
    assert (member.contest, member.expertise, member.is_chief) == (contest, ["subject:math"], True)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def _en(client):
    client.cookies["lang"] = "en"
    return client


@pytest.mark.django_db
def test_the_address_is_compared_without_case(
    client, contest, organiser, django_capture_on_commit_callbacks
):
    invitation = invite_directly(
        contest, organiser, django_capture_on_commit_callbacks, email="Mixed.Case@Example.CN"
    )
    user = factories.UserFactory(email="mixed.case@example.cn")
    client.force_login(user)
    assert client.post(join_url(invitation)).status_code == 302
    assert PanelMember.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_wrong_account_is_told_clearly(
    client, contest, organiser, django_capture_on_commit_callbacks
):
    invitation = invite_directly(contest, organiser, django_capture_on_commit_callbacks)
    client.force_login(factories.UserFactory(email="someone.else@example.cn"))
    response = _en(client).post(join_url(invitation))
    assert response.status_code == 403
    html = response.content.decode()
    assert "This invitation was sent to n***@example.cn" in html
    assert not PanelMember.objects.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


@pytest.mark.django_db
def test_expired_invitation_is_refused(
    client, contest, organiser, django_capture_on_commit_callbacks
):
    invitation = invite_directly(contest, organiser, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client.force_login(factories.UserFactory(email="new.judge@example.cn"))
    _en(client)
    assert "has expired" in client.get(join_url(invitation)).content.decode()
    response = client.post(join_url(invitation))
    assert response.status_code == 409 and "has expired" in response.content.decode()
    assert not PanelMember.objects.exists()


@pytest.mark.django_db
def test_a_used_link_is_refused(client, contest, organiser, django_capture_on_commit_callbacks):
    invitation = invite_directly(contest, organiser, django_capture_on_commit_callbacks)
    user = factories.UserFactory(email="new.judge@example.cn")
    client.force_login(user)
    _en(client).post(join_url(invitation))
    response = client.post(join_url(invitation))
    assert response.status_code == 409
    assert "already been used" in response.content.decode()
    assert PanelMember.objects.filter(user=user).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["not-a-token", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_link_is_not_found_with_a_message(client, token):
    _en(client)
    response = client.get(reverse("panel_join", args=[token]))
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.content.decode()
    client.force_login(factories.UserFactory())
    assert client.post(reverse("panel_join", args=[token])).status_code == 404


@pytest.mark.django_db
def test_an_organiser_cannot_accept_an_invitation_to_their_contest(
    client, contest, organiser, django_capture_on_commit_callbacks
):
    invitation = invite_directly(
        contest, organiser, django_capture_on_commit_callbacks, email="late@example.cn"
    )
    late = factories.UserFactory(email="late@example.cn")
    factories.OrganiserFactory(contest=contest, user=late)
    client.force_login(late)
    response = _en(client).post(join_url(invitation))
    assert response.status_code == 409
    assert "cannot judge it" in response.content.decode()
    assert not PanelMember.objects.exists()


@pytest.mark.django_db
def test_inviting_again_renews_the_link(
    contest, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    first = invite_directly(contest, organiser, django_capture_on_commit_callbacks)
    old_token = first.token
    second = invite_directly(contest, organiser, django_capture_on_commit_callbacks, max_load=9)
    assert second.pk == first.pk and second.token != old_token and second.max_load == 9
    assert Invitation.objects.count() == 1 and len(mailoutbox) == 2
    assert str(second.token) in mailoutbox[-1].body


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, field",
    [
        ({"email": "not-an-address"}, "email"),
        ({"email": "a@example.cn", "name": "长" * 61}, "name"),
        ({"email": "a@example.cn", "max_load": "-1"}, "max_load"),
        ({"email": "a@example.cn", "subjects": ["subject:art"]}, "subjects"),
    ],
)
def test_invitation_form_refuses_bad_input(
    as_organiser, contest, data, field, django_capture_on_commit_callbacks
):
    response = invite(as_organiser, contest, django_capture_on_commit_callbacks, **data)
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_open_invitations_are_listed_escaped(
    as_organiser, contest, organiser, django_capture_on_commit_callbacks
):
    invite_directly(
        contest, organiser, django_capture_on_commit_callbacks, name=SCRIPT, institution_name=SCRIPT
    )
    html = as_organiser.get(reverse("panel_list", args=[contest.slug])).content.decode()
    assert "new.judge@example.cn" in html
    assert ESCAPED in html and SCRIPT not in html
