"""The panel API: members (list, add, change, remove), invitations (create, list, accept)."""

import datetime as dt

import pytest
import yaml
from django.core.management import call_command
from django.utils import timezone

from judging.models import Invitation, PanelMember, ScoreSheet
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf
from tests.contest.test_api_helpers import API, assert_error, client_for, count_queries

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def contest(db):
    contest = factories.ContestFactory(phase="judging", slug="a")
    factories.SubjectFactory(contest=contest, code="math", name="数学")
    return contest


@pytest.fixture
def organiser(contest):
    return factories.OrganiserFactory(contest=contest).user


@pytest.fixture
def member(contest):
    return jf.judge(contest, expertise=["subject:math"], max_load=30)


def outsiders(contest, member) -> dict:
    """Who must be refused, and with which status: a contest they can see is 403."""
    other = factories.OrganiserFactory(contest=factories.ContestFactory(phase="open")).user
    entrant = wf.WorkFactory(contest=contest, status="submitted").entrant
    return {"entrant": entrant, "judge": member.user, "other organiser": other}


def endpoints(contest, member):
    return [
        ("get", f"{API}/contests/{contest.slug}/panel/", None),
        ("post", f"{API}/contests/{contest.slug}/panel/", {"email": "x@example.cn"}),
        ("patch", f"{API}/panel/{member.pk}/", {"max_load": 1}),
        ("delete", f"{API}/panel/{member.pk}/", None),
        ("get", f"{API}/contests/{contest.slug}/invitations/", None),
        ("post", f"{API}/contests/{contest.slug}/invitations/", {"email": "x@example.cn"}),
    ]


# --- Who may call


@pytest.mark.django_db
def test_anonymous_callers_must_authenticate(contest, member):
    for method, url, data in endpoints(contest, member):
        assert_error(getattr(client_for(), method)(url, data, format="json"), 401)


@pytest.mark.django_db
def test_everyone_but_the_organisers_is_refused(contest, member):
    for who, user in outsiders(contest, member).items():
        client = client_for(user)
        for method, url, data in endpoints(contest, member):
            response = getattr(client, method)(url, data, format="json")
            assert response.status_code == 403, (who, method, url)
    member.refresh_from_db()
    assert member.max_load == 30
    assert not Invitation.objects.exists()


@pytest.mark.django_db
def test_a_draft_contest_looks_not_found(member):
    draft = factories.ContestFactory(phase="draft")
    hidden = jf.judge(draft)
    outsider = client_for(factories.OrganiserFactory(contest=factories.ContestFactory()).user)
    assert_error(outsider.get(f"{API}/contests/{draft.slug}/panel/"), 404)
    assert_error(outsider.patch(f"{API}/panel/{hidden.pk}/", {}, format="json"), 404)
    assert_error(outsider.patch(f"{API}/panel/999999/", {}, format="json"), 404)


# --- Members


@pytest.mark.django_db
def test_list_members(contest, organiser, member):
    body = client_for(organiser).get(f"{API}/contests/{contest.slug}/panel/").json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row["user"] == member.user_id and row["email"] == member.user.email
    assert (row["expertise"], row["max_load"], row["active"]) == (["subject:math"], 30, True)
    assert row["institution"] == member.user.institution.name
    assert row["has_sheets"] is False


@pytest.mark.django_db
def test_list_query_count_does_not_grow(contest, organiser):
    client = client_for(organiser)

    def queries(n):
        for _ in range(n):
            jf.judge(contest)
        return count_queries(lambda: client.get(f"{API}/contests/{contest.slug}/panel/"))

    assert queries(1) == queries(3)


@pytest.mark.django_db
def test_add_an_existing_account(contest, organiser):
    user = factories.UserFactory(email="li@example.cn")
    response = client_for(organiser).post(
        f"{API}/contests/{contest.slug}/panel/",
        {"email": "LI@example.cn", "expertise": ["subject:math"], "max_load": 7, "is_chief": True},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["user"] == user.pk
    member = PanelMember.objects.get(user=user)
    assert (member.expertise, member.max_load, member.is_chief) == (["subject:math"], 7, True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, status, fields",
    [
        ({"email": "nobody@example.cn"}, 400, ["email"]),
        ({"email": "not-an-address"}, 400, ["email"]),
        ({"email": "li@example.cn", "expertise": ["subject:art"]}, 400, ["expertise"]),
        ({"email": "li@example.cn", "expertise": "subject:math"}, 400, ["expertise"]),
        ({"email": "li@example.cn", "max_load": 0}, 400, ["max_load"]),
        ({"email": "li@example.cn", "max_load": "many"}, 400, ["max_load"]),
        ({"email": "li@example.cn", "colour": "red"}, 400, ["colour"]),
        ({}, 400, ["email"]),
    ],
)
def test_add_refuses_bad_input(contest, organiser, data, status, fields):
    factories.UserFactory(email="li@example.cn")
    response = client_for(organiser).post(
        f"{API}/contests/{contest.slug}/panel/", data, format="json"
    )
    assert_error(response, status, fields=fields)
    assert not PanelMember.objects.exists()


@pytest.mark.django_db
def test_add_refuses_conflicts_of_roles_with_a_409(contest, organiser, member):
    client = client_for(organiser)
    url = f"{API}/contests/{contest.slug}/panel/"
    assert_error(client.post(url, {"email": organiser.email}, format="json"), 409, "role_conflict")
    response = client.post(url, {"email": member.user.email}, format="json")
    assert_error(response, 409, "already_member")
    assert PanelMember.objects.count() == 1


@pytest.mark.django_db
def test_errors_in_english_and_chinese(contest, organiser):
    url = f"{API}/contests/{contest.slug}/panel/"
    english = client_for(organiser, HTTP_ACCEPT_LANGUAGE="en")
    body = assert_error(english.post(url, {"email": organiser.email}, format="json"), 409)
    assert body["message"] == "An organiser of this contest cannot judge it."
    chinese = client_for(organiser).post(url, {"email": organiser.email}, format="json")
    assert chinese["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_patch_a_member(contest, organiser, member):
    response = client_for(organiser).patch(
        f"{API}/panel/{member.pk}/", {"active": False, "max_load": 5}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["active"], response.json()["max_load"]) == (False, 5)
    member.refresh_from_db()
    assert (member.active, member.max_load, member.expertise) == (False, 5, ["subject:math"])
    bad = client_for(organiser).patch(
        f"{API}/panel/{member.pk}/", {"expertise": ["stage:x"]}, format="json"
    )
    assert_error(bad, 400, fields=["expertise"])


@pytest.mark.django_db
def test_another_contests_organiser_cannot_touch_a_member(contest, member):
    other = factories.OrganiserFactory(contest=factories.ContestFactory(phase="open")).user
    client = client_for(other)
    assert_error(client.patch(f"{API}/panel/{member.pk}/", {"max_load": 1}, format="json"), 403)
    assert_error(client.delete(f"{API}/panel/{member.pk}/"), 403)
    assert PanelMember.objects.filter(pk=member.pk, max_load=30).exists()


@pytest.mark.django_db
def test_delete_a_member_unless_they_have_sheets(contest, organiser, member):
    client = client_for(organiser)
    busy = jf.judge(contest)
    assignment = jf.assignment(jf.RoundFactory(contest=contest), judge_user=busy.user)
    ScoreSheet.objects.create(assignment=assignment)
    assert_error(client.delete(f"{API}/panel/{busy.pk}/"), 409, "has_sheets")
    assert client.delete(f"{API}/panel/{member.pk}/").status_code == 204
    assert list(PanelMember.objects.values_list("pk", flat=True)) == [busy.pk]


# --- Invitations


@pytest.mark.django_db
def test_create_and_list_invitations(
    contest, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(organiser)
    url = f"{API}/contests/{contest.slug}/invitations/"
    factories.UserFactory(email="known@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(url, {"email": "New@Example.cn", "name": SCRIPT}, format="json")
        known = client.post(url, {"email": "known@example.cn", "max_load": 3}, format="json")
    assert new.status_code == 201 and known.status_code == 201
    assert (new.json()["status"], new.json()["email"]) == ("open", "new@example.cn")
    assert new.json()["name"] == SCRIPT  # plain data; pages escape it
    assert "token" not in new.json()
    assert known.json()["status"] == "accepted"
    assert PanelMember.objects.filter(user__email="known@example.cn", max_load=3).exists()
    assert len(mailoutbox) == 2
    body = client.get(url).json()
    assert {row["email"] for row in body["results"]} == {"new@example.cn", "known@example.cn"}


@pytest.mark.django_db
def test_invitation_list_query_count_does_not_grow(contest, organiser):
    client = client_for(organiser)

    def queries(n):
        for i in range(n):
            Invitation.objects.create(
                contest=contest,
                email=f"q{n}-{i}@example.cn",
                invited_by=organiser,
                expires_at=timezone.now() + dt.timedelta(days=1),
            )
        return count_queries(lambda: client.get(f"{API}/contests/{contest.slug}/invitations/"))

    assert queries(1) == queries(3)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, fields",
    [
        ({"email": "bad"}, ["email"]),
        ({"email": "a@example.cn", "name": "长" * 61}, ["name"]),
        ({"email": "a@example.cn", "institution_name": "长" * 121}, ["institution_name"]),
        ({"email": "a@example.cn", "max_load": -1}, ["max_load"]),
        ({"email": "a@example.cn", "expertise": ["group:none"]}, ["expertise"]),
        ({"email": "a@example.cn", "token": "mine"}, ["token"]),
    ],
)
def test_invitation_refuses_bad_input(contest, organiser, data, fields):
    response = client_for(organiser).post(
        f"{API}/contests/{contest.slug}/invitations/", data, format="json"
    )
    assert_error(response, 400, fields=fields)
    assert not Invitation.objects.exists()


def _invitation(contest, organiser, email="invitee@example.cn", **fields):
    return Invitation.objects.create(
        contest=contest,
        email=email,
        invited_by=organiser,
        expertise=["subject:math"],
        max_load=11,
        expires_at=fields.pop("expires_at", timezone.now() + dt.timedelta(days=14)),
        **fields,
    )


@pytest.mark.django_db
def test_accept_as_the_invitee(contest, organiser):
    invitation = _invitation(contest, organiser)
    user = factories.UserFactory(email="Invitee@example.cn")
    response = client_for(user).post(f"{API}/invitations/{invitation.token}/accept/")
    assert response.status_code == 200, response.content
    assert response.json()["contest"] == contest.slug
    assert (response.json()["max_load"], response.json()["expertise"]) == (11, ["subject:math"])
    again = client_for(user).post(f"{API}/invitations/{invitation.token}/accept/")
    assert_error(again, 409, "invitation_used")


@pytest.mark.django_db
def test_accept_refusals(contest, organiser):
    invitation = _invitation(contest, organiser)
    expired = _invitation(
        contest,
        organiser,
        email="late@example.cn",
        expires_at=timezone.now() - dt.timedelta(seconds=1),
    )
    stranger = client_for(factories.UserFactory(), HTTP_ACCEPT_LANGUAGE="en")
    body = assert_error(
        stranger.post(f"{API}/invitations/{invitation.token}/accept/"), 403, "wrong_account"
    )
    assert "i***@example.cn" in body["message"] and "invitee@" not in body["message"]
    late = client_for(factories.UserFactory(email="late@example.cn"))
    assert_error(late.post(f"{API}/invitations/{expired.token}/accept/"), 409, "invitation_expired")
    assert_error(stranger.post(f"{API}/invitations/nonsense/accept/"), 404, "invalid_invitation")
    assert_error(client_for().post(f"{API}/invitations/{invitation.token}/accept/"), 401)
    assert not PanelMember.objects.exists()


@pytest.mark.django_db
def test_schema_documents_the_panel_endpoints(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", file=str(path), validate=True)
    paths = yaml.safe_load(path.read_text())["paths"]
    expected = {
        "/api/v1/contests/{contest_slug}/panel/": {"get", "post"},
        "/api/v1/panel/{id}/": {"patch", "delete"},
        "/api/v1/contests/{contest_slug}/invitations/": {"get", "post"},
        "/api/v1/invitations/{token}/accept/": {"post"},
        "/api/v1/contests/{contest_slug}/conflicts/": {"get", "post"},
        "/api/v1/conflicts/{id}/": {"delete"},
    }
    for url, methods in expected.items():
        documented = paths[url]
        assert methods <= set(documented), url
        for method in methods:
            responses = documented[method]["responses"]
            assert {"401", "403"} <= set(responses), (url, method)
