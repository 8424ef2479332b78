"""GET/PATCH /api/v1/me/: one's own profile, institution and roles."""

import pytest
from rest_framework.test import APIClient

from contest.models import Institution
from tests import factories
from tests.contest.test_api_helpers import API, assert_error, client_for, count_queries

ME = f"{API}/me/"


@pytest.mark.django_db
def test_me_needs_authentication():
    assert_error(client_for().get(ME), 401, "not_authenticated")
    assert_error(
        client_for().patch(ME, {"real_name": "x"}, format="json"), 401, "not_authenticated"
    )


@pytest.mark.django_db
def test_me_bad_token_is_refused():
    client = client_for(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert_error(client.get(ME), 401, "authentication_failed")


@pytest.mark.django_db
def test_me_shows_profile_institution_and_roles(organiser, contest):
    factories.JudgeFactory(user=organiser)
    response = client_for(organiser).get(ME)
    assert response.status_code == 200
    body = response.json()
    school = organiser.institution
    assert body["email"] == organiser.email
    assert body["real_name"] == organiser.real_name
    assert body["email_verified"] is True
    assert body["institution"] == {
        "name": school.name,
        "kind": school.kind,
        "province": school.province,
        "city": school.city,
    }
    assert {"contest": contest.slug, "role": "organiser"} in body["roles"]
    assert len(body["roles"]) == 2
    assert "password" not in body


@pytest.mark.django_db
def test_me_query_count_does_not_grow_with_roles(user):
    client = client_for(user)
    factories.JudgeFactory(user=user)
    one = count_queries(lambda: client.get(ME))
    factories.JudgeFactory(user=user)
    factories.OrganiserFactory(user=user)
    assert len(client.get(ME).json()["roles"]) == 3
    assert count_queries(lambda: client.get(ME)) == one


@pytest.mark.django_db
def test_me_patch_updates_profile_and_finds_or_adds_the_institution(user):
    school = {"name": "北京市  第八中学", "kind": "senior", "province": "11", "city": "北京市"}
    response = client_for(user).patch(
        ME,
        {"real_name": "李 珺", "phone": "+8613912345678", "institution": school, "language": "en"},
        format="json",
    )
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert (user.real_name, user.phone, user.language) == ("李 珺", "+8613912345678", "en")
    assert user.institution.name == "北京市 第八中学"
    assert response.json()["institution"]["name"] == "北京市 第八中学"
    again = client_for(user).patch(ME, {"institution": school}, format="json")
    assert again.status_code == 200
    assert Institution.objects.filter(name="北京市 第八中学").count() == 1


@pytest.mark.django_db
def test_me_patch_keeps_what_is_not_sent(user):
    before = (user.real_name, user.phone, user.institution_id, user.language)
    response = client_for(user).patch(ME, {}, format="json")
    assert response.status_code == 200
    user.refresh_from_db()
    assert (user.real_name, user.phone, user.institution_id, user.language) == before


@pytest.mark.django_db
def test_me_patch_null_institution_clears_it(user):
    response = client_for(user).patch(ME, {"institution": None}, format="json")
    assert response.status_code == 200
    assert response.json()["institution"] is None
    user.refresh_from_db()
    assert user.institution is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "other@example.cn"}, "email"),
        ({"email_verified": True}, "email_verified"),
        ({"roles": [{"contest": "x", "role": "organiser"}]}, "roles"),
        ({"phone": "010-12345678"}, "phone"),
        ({"real_name": ""}, "real_name"),
        ({"real_name": "名" * 61}, "real_name"),
        ({"real_name": {"a": 1}}, "real_name"),
        ({"language": "de"}, "language"),
        ({"institution": {"name": "只有名字"}}, "institution.kind"),
        ({"institution": {"name": "只有名字"}}, "institution.province"),
        (
            {"institution": {"name": "x" * 121, "kind": "senior", "province": "11"}},
            "institution.name",
        ),
        ({"nickname": "小王"}, "nickname"),
    ],
)
@pytest.mark.django_db
def test_me_patch_bad_input_is_refused_and_nothing_saved(user, data, field):
    before = (user.email, user.real_name, user.phone, user.institution_id, user.language)
    institutions = Institution.objects.count()
    response = client_for(user).patch(ME, data, format="json")
    assert_error(response, 400, "validation_failed", fields=[field])
    user.refresh_from_db()
    assert (user.email, user.real_name, user.phone, user.institution_id, user.language) == before
    assert Institution.objects.count() == institutions


@pytest.mark.django_db
def test_me_markup_is_stored_verbatim_and_returned_as_json_text(user):
    name = "<img src=x onerror=alert(1)>王"
    response = client_for(user).patch(ME, {"real_name": name}, format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["real_name"] == name
    assert client_for(user).get(ME).json()["real_name"] == name


@pytest.mark.django_db
def test_me_errors_in_english_when_asked(user):
    response = client_for(user, HTTP_ACCEPT_LANGUAGE="en").patch(
        ME, {"phone": "123"}, format="json"
    )
    body = assert_error(response, 400, "validation_failed", fields=["phone"])
    assert body["message"] == "Some fields are not valid."
    assert body["fields"]["phone"] == [
        "Enter a mainland China mobile number of 11 digits, e.g. 13800138000."
    ]


@pytest.mark.django_db
def test_me_answers_in_chinese_by_default(user):
    response = client_for(user).patch(ME, {"phone": "123"}, format="json")
    assert_error(response, 400, "validation_failed", fields=["phone"])
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_me_session_write_needs_csrf(user):
    # A browser session must not be usable for writes from another site.
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(ME).status_code == 200
    response = client.patch(ME, {"real_name": "改名"}, format="json")
    assert_error(response, 403, "permission_denied")
    user.refresh_from_db()
    assert user.real_name != "改名"
