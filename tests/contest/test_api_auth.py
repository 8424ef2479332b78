"""API registration and tokens: mail, unverified and locked-out accounts, throttles."""

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import ScopedRateThrottle

from contest.models import Institution, User
from tests import factories
from tests.contest.test_api_helpers import API, assert_error, client_for

REGISTER = f"{API}/auth/register/"
TOKEN = f"{API}/auth/token/"


def _registration(**overrides) -> dict:
    data = {
        "email": "new.teacher@example.cn",
        "password": factories.PASSWORD,
        "real_name": "王喆",
        "phone": "13800138000",
    }
    return {**data, **overrides}


def _rates(monkeypatch, **rates) -> None:
    # DRF reads the rates into the class when it is imported; a test changes them there.
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {**ScopedRateThrottle.THROTTLE_RATES, **rates}
    )


# --- Registration


@pytest.mark.django_db
def test_register_creates_unverified_account_and_sends_the_mail(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for().post(
            REGISTER, _registration(email=" New.Teacher@Example.CN "), format="json"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "new.teacher@example.cn"
    assert body["email_verified"] is False
    assert body["roles"] == []
    assert "password" not in body
    user = User.objects.get(email="new.teacher@example.cn")
    assert user.check_password(factories.PASSWORD)
    assert not user.email_verified
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.teacher@example.cn"]
    assert "/accounts/verify/" in mailoutbox[0].body


@pytest.mark.django_db
def test_register_with_an_institution_creates_it_once():
    school = {"name": "杭州市 第十四中学", "kind": "senior", "province": "33", "city": "杭州市"}
    first = client_for().post(REGISTER, _registration(institution=school), format="json")
    second = client_for().post(
        REGISTER, _registration(email="b@example.cn", institution=school), format="json"
    )
    assert first.status_code == second.status_code == 201
    assert first.json()["institution"] == {**school, "name": "杭州市 第十四中学"}
    assert Institution.objects.filter(name="杭州市 第十四中学").count() == 1


@pytest.mark.django_db
def test_register_duplicate_email_is_refused_case_insensitively():
    factories.UserFactory(email="dup@example.cn")
    response = client_for().post(REGISTER, _registration(email="DUP@Example.CN"), format="json")
    assert_error(response, 400, "validation_failed", fields=["email"])
    assert User.objects.filter(email__iexact="dup@example.cn").count() == 1


@pytest.mark.django_db
def test_register_refused_leaves_no_new_institution_behind():
    factories.UserFactory(email="dup@example.cn")
    school = {"name": "新学校", "kind": "primary", "province": "11"}
    response = client_for().post(
        REGISTER, _registration(email="dup@example.cn", institution=school), format="json"
    )
    assert_error(response, 400, fields=["email"])
    assert not Institution.objects.filter(name="新学校").exists()


@pytest.mark.parametrize("password", ["12345678", "short", "new.teacher@example.cn"])
@pytest.mark.django_db
def test_register_weak_password_is_refused(password):
    response = client_for().post(REGISTER, _registration(password=password), format="json")
    assert_error(response, 400, "validation_failed", fields=["password"])
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "138001380001"}, "phone"),
        ({"email": "not-an-address"}, "email"),
        ({"real_name": "名" * 61}, "real_name"),
        ({"real_name": ["王喆"]}, "real_name"),
        ({"language": "fr"}, "language"),
        (
            {"institution": {"name": "学校", "kind": "primary", "province": "99"}},
            "institution.province",
        ),
        (
            {"institution": {"name": "学校", "kind": "primary", "province": "11", "town": "x"}},
            "institution.town",
        ),
        ({"institution": "第一中学"}, "institution.non_field_errors"),
        ({"username": "wang"}, "username"),
    ],
)
@pytest.mark.django_db
def test_register_bad_input_is_refused_with_the_field_named(data, field):
    response = client_for().post(REGISTER, _registration(**data), format="json")
    assert_error(response, 400, "validation_failed", fields=[field])
    assert not User.objects.exists()
    assert not Institution.objects.exists()


@pytest.mark.django_db
def test_register_missing_fields_are_all_named():
    response = client_for().post(REGISTER, {}, format="json")
    assert_error(response, 400, fields=["email", "password", "real_name"])


@pytest.mark.django_db
def test_register_body_must_be_an_object():
    response = client_for(HTTP_ACCEPT_LANGUAGE="en").post(REGISTER, ["a"], format="json")
    body = assert_error(response, 400, "validation_failed")
    assert "Expected a dictionary" in body["message"]


@pytest.mark.django_db
def test_register_malformed_json_is_a_clear_error():
    response = client_for().post(REGISTER, '{"email": ', content_type="application/json")
    assert_error(response, 400, "parse_error")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_register_keeps_markup_verbatim_as_json_text():
    name = '<script>alert("x")</script>王'
    response = client_for().post(REGISTER, _registration(real_name=name), format="json")
    assert response.status_code == 201
    assert response["Content-Type"] == "application/json"
    assert response.json()["real_name"] == name
    assert User.objects.get().real_name == name


@pytest.mark.django_db
def test_register_language_follows_the_request():
    client_for().post(REGISTER, _registration(), format="json")
    client_for(HTTP_ACCEPT_LANGUAGE="en").post(
        REGISTER, _registration(email="en@example.cn"), format="json"
    )
    assert User.objects.get(email="new.teacher@example.cn").language == "zh-hans"
    assert User.objects.get(email="en@example.cn").language == "en"


@pytest.mark.django_db
def test_register_is_throttled(monkeypatch):
    _rates(monkeypatch, register="2/hour")
    client = client_for()
    for n in range(2):
        response = client.post(REGISTER, _registration(email=f"t{n}@example.cn"), format="json")
        assert response.status_code == 201
    response = client.post(REGISTER, _registration(email="t9@example.cn"), format="json")
    assert_error(response, 429, "throttled")
    assert not User.objects.filter(email="t9@example.cn").exists()


# --- Tokens


@pytest.mark.django_db
def test_token_for_verified_user_works_for_later_requests(user):
    credentials = {"email": user.email.upper(), "password": factories.PASSWORD}
    response = client_for().post(TOKEN, credentials, format="json")
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert Token.objects.get(user=user).key == token
    me = client_for(HTTP_AUTHORIZATION=f"Token {token}").get(f"{API}/me/")
    assert me.status_code == 200
    assert me.json()["email"] == user.email


@pytest.mark.django_db
def test_token_wrong_password_is_refused(user):
    response = client_for().post(
        TOKEN, {"email": user.email, "password": "wrong-Pass-1"}, format="json"
    )
    assert_error(response, 400, "invalid_credentials")
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_token_unknown_email_is_refused_the_same_way(db):
    response = client_for().post(
        TOKEN, {"email": "nobody@example.cn", "password": "x"}, format="json"
    )
    assert_error(response, 400, "invalid_credentials")


@pytest.mark.django_db
def test_token_for_unverified_user_is_refused():
    user = factories.UserFactory(email_verified_at=None)
    response = client_for(HTTP_ACCEPT_LANGUAGE="en").post(
        TOKEN, {"email": user.email, "password": factories.PASSWORD}, format="json"
    )
    body = assert_error(response, 403, "email_not_verified")
    assert body["message"].startswith("Verify your e-mail address first")
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_token_request_shape_is_checked(user):
    response = client_for().post(TOKEN, {"email": user.email, "pasword": "x"}, format="json")
    assert_error(response, 400, "validation_failed", fields=["password", "pasword"])


@pytest.mark.django_db
def test_token_lockout_after_the_failure_limit(user):
    client = client_for()
    wrong = {"email": user.email, "password": "wrong-Pass-1"}
    for _n in range(settings.AXES_FAILURE_LIMIT - 1):
        assert_error(client.post(TOKEN, wrong, format="json"), 400, "invalid_credentials")
    # The failure that reaches the limit locks the account at once ...
    assert_error(client.post(TOKEN, wrong, format="json"), 403, "locked_out")
    # ... and then even the right password is refused, in the API's shape, not as an HTML page.
    right = {"email": user.email, "password": factories.PASSWORD}
    body = assert_error(client.post(TOKEN, right, format="json"), 403, "locked_out")
    assert (
        "minutes"
        in client_for(HTTP_ACCEPT_LANGUAGE="en").post(TOKEN, right, format="json").json()["message"]
    )
    assert body["fields"] == {}
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_token_success_forgets_earlier_failures(user):
    client = client_for()
    wrong = {"email": user.email, "password": "wrong-Pass-1"}
    right = {"email": user.email, "password": factories.PASSWORD}
    for _round in range(2):
        for _n in range(settings.AXES_FAILURE_LIMIT - 1):
            client.post(TOKEN, wrong, format="json")
        assert client.post(TOKEN, right, format="json").status_code == 200


@pytest.mark.django_db
def test_token_login_is_throttled(monkeypatch, user):
    _rates(monkeypatch, login="2/min")
    client = client_for()
    right = {"email": user.email, "password": factories.PASSWORD}
    assert client.post(TOKEN, right, format="json").status_code == 200
    assert client.post(TOKEN, right, format="json").status_code == 200
    response = client.post(TOKEN, right, format="json")
    assert_error(response, 429, "throttled")
    assert "Retry-After" in response


@pytest.mark.django_db
def test_token_delete_revokes_it(user):
    client = client_for(user)
    assert client.get(f"{API}/me/").status_code == 200
    assert client.delete(TOKEN).status_code == 204
    assert not Token.objects.filter(user=user).exists()
    assert_error(client.get(f"{API}/me/"), 401, "authentication_failed")


@pytest.mark.django_db
def test_token_delete_needs_authentication(user):
    Token.objects.create(user=user)
    assert_error(client_for().delete(TOKEN), 401, "not_authenticated")
    assert Token.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_token_errors_in_english_when_asked(user):
    response = client_for(HTTP_ACCEPT_LANGUAGE="en").post(
        TOKEN, {"email": user.email, "password": "nope"}, format="json"
    )
    body = assert_error(response, 400, "invalid_credentials")
    assert body["message"] == "The e-mail address or the password is not correct."
    assert response["Content-Language"] == "en"


@pytest.mark.django_db
def test_token_errors_default_to_chinese(user):
    response = client_for().post(TOKEN, {"email": user.email, "password": "nope"}, format="json")
    assert_error(response, 400, "invalid_credentials")
    assert response["Content-Language"] == "zh-hans"
