"""Registration, e-mail verification and the resend page."""

import re

import pytest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from contest.models import Institution, User
from tests import factories

pytestmark = pytest.mark.django_db


def registration(**changes) -> dict:
    data = {
        "email": "new.teacher@example.cn",
        "password": factories.PASSWORD,
        "password_confirm": factories.PASSWORD,
        "real_name": "张堃 王喆 李珺 赵昇 刘燚 陈淼 孙犇 周鑫 吴垚",
        "phone": "13800138000",
        "institution_name": "杭州市第一中学",
        "institution_kind": Institution.Kind.SENIOR,
        "province": "33",
        "city": "杭州市",
    }
    data.update(changes)
    return data


def verification_path(mail) -> str:
    return re.search(r"(/accounts/verify/[^/\s]+/[^/\s]+/)", mail.body).group(1)


def register(client, capture, **changes):
    with capture(execute=True):
        response = client.post(reverse("register"), registration(**changes))
    return response


def assert_nothing_saved():
    assert not User.objects.exists()
    assert not Institution.objects.exists()


# --- Registration


def test_register_page_shows_the_form_with_institution_choices(client):
    factories.InstitutionFactory(name="温州市实验小学")
    response = client.get(reverse("register"))
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<datalist id="institution-names">' in html
    assert 'list="institution-names"' in html
    assert 'name="province"' in html and '<option value="33">' in html
    assert 'for="id_real_name"' in html  # labels are tied to inputs


def test_register_creates_unverified_account_and_sends_mail(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    response = register(client, django_capture_on_commit_callbacks, email="New.Teacher@Example.CN")
    assert response.status_code == 302
    assert response.url == reverse("register_done")
    user = User.objects.get()
    assert user.email == "new.teacher@example.cn"
    assert user.real_name == "张堃 王喆 李珺 赵昇 刘燚 陈淼 孙犇 周鑫 吴垚"
    assert user.phone == "13800138000"
    assert user.language == "zh-hans"
    assert not user.email_verified
    assert (user.institution.name, user.institution.province) == ("杭州市第一中学", "33")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.teacher@example.cn"]
    assert "/accounts/verify/" in mailoutbox[0].body
    assert "_auth_user_id" not in client.session  # not logged in before verifying
    done = client.get(response.url)
    assert "new.teacher@example.cn" in done.content.decode()


def test_register_in_english_stores_english_and_mails_in_english(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    client.cookies["lang"] = "en"
    register(client, django_capture_on_commit_callbacks)
    assert User.objects.get().language == "en"
    assert "Please open this link to verify your e-mail address" in mailoutbox[0].body


def test_register_reuses_an_existing_institution(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    school = factories.InstitutionFactory(name="杭州市第一中学", province="33", city="杭州市")
    register(client, django_capture_on_commit_callbacks, institution_name="  杭州市第一中学 ")
    assert Institution.objects.get() == school
    assert User.objects.get(email="new.teacher@example.cn").institution == school


def test_duplicate_email_in_other_case_is_refused_and_nothing_saved(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    factories.UserFactory(email="dup@example.cn", institution=None)
    client.cookies["lang"] = "en"
    response = register(
        client,
        django_capture_on_commit_callbacks,
        email="DUP@Example.CN",
        institution_name="全新的学校",
    )
    assert response.status_code == 200
    assert "An account with this e-mail address already exists." in response.content.decode()
    assert User.objects.count() == 1
    assert not Institution.objects.exists()  # the institution was rolled back with the user
    assert mailoutbox == []


def test_duplicate_email_error_page_is_chinese_by_default(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    factories.UserFactory(email="dup@example.cn")
    response = register(client, django_capture_on_commit_callbacks, email="dup@example.cn")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert response.context["form"].errors["email"]


@pytest.mark.parametrize("password", ["12345678", "short", "password123"])
def test_weak_password_is_refused(client, mailoutbox, django_capture_on_commit_callbacks, password):
    response = register(
        client, django_capture_on_commit_callbacks, password=password, password_confirm=password
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert_nothing_saved()
    assert mailoutbox == []


def test_mismatched_passwords_are_refused(client, django_capture_on_commit_callbacks):
    client.cookies["lang"] = "en"
    response = register(
        client, django_capture_on_commit_callbacks, password_confirm=factories.PASSWORD + "x"
    )
    assert "The two passwords do not match." in response.content.decode()
    assert_nothing_saved()


@pytest.mark.parametrize("phone", ["12345", "23800138000", "1380013800a", "+1 555 0100"])
def test_malformed_phone_is_refused(client, django_capture_on_commit_callbacks, phone):
    client.cookies["lang"] = "en"
    response = register(client, django_capture_on_commit_callbacks, phone=phone)
    assert "Enter a mainland China mobile number" in response.content.decode()
    assert_nothing_saved()


def test_phone_is_optional(client, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks, phone="")
    assert User.objects.get().phone == ""


def test_over_long_fields_are_refused(client, django_capture_on_commit_callbacks):
    response = register(
        client,
        django_capture_on_commit_callbacks,
        real_name="堃" * 61,
        institution_name="校" * 121,
        city="市" * 61,
        email="a" * 250 + "@example.cn",
    )
    errors = response.context["form"].errors
    assert {"real_name", "institution_name", "city", "email"} <= set(errors)
    assert_nothing_saved()


@pytest.mark.parametrize(
    "field, value",
    [
        ("province", "99"),
        ("institution_kind", "castle"),
        ("email", "not-an-email"),
        ("real_name", "   "),
        ("institution_name", ""),
    ],
)
def test_invalid_values_are_refused(client, django_capture_on_commit_callbacks, field, value):
    response = register(client, django_capture_on_commit_callbacks, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert_nothing_saved()


def test_markup_in_registration_is_stored_as_text_and_escaped(
    client, django_capture_on_commit_callbacks
):
    register(
        client,
        django_capture_on_commit_callbacks,
        real_name="<script>alert(1)</script>",
        institution_name="<b>学校</b>",
    )
    user = User.objects.get()
    assert user.real_name == "<script>alert(1)</script>"
    response = client.get(reverse("institution_names"), {"institution_name": "学校"})
    assert "<b>" not in response.content.decode()
    assert "&lt;b&gt;学校&lt;/b&gt;" in response.content.decode()


# --- Institution suggestions


def test_institution_names_suggest_matching_names(client):
    factories.InstitutionFactory(name="杭州市第一中学")
    factories.InstitutionFactory(name="温州市实验小学")
    response = client.get(reverse("institution_names"), {"institution_name": "杭州"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "杭州市第一中学" in html and "温州市实验小学" not in html
    assert "<option" not in client.get(reverse("institution_names")).content.decode()


def test_institution_names_refuse_post(client):
    assert client.post(reverse("institution_names")).status_code == 405


@pytest.mark.parametrize("count", [1, 3])
def test_institution_names_query_count_is_constant(client, django_assert_max_num_queries, count):
    factories.InstitutionFactory.create_batch(count)
    with django_assert_max_num_queries(1):
        response = client.get(reverse("institution_names"), {"institution_name": "实验中学"})
    assert response.content.decode().count("<option") == count


# --- Verification


@pytest.fixture
def registered(client, mailoutbox, django_capture_on_commit_callbacks):
    register(client, django_capture_on_commit_callbacks)
    return User.objects.get(), verification_path(mailoutbox[0])


def test_verification_link_get_does_not_consume_it(client, registered):
    user, path = registered
    response = client.get(path)
    assert response.status_code == 200
    assert '<form method="post">' in response.content.decode()
    user.refresh_from_db()
    assert not user.email_verified


def test_verification_post_verifies_and_redirects_to_login(client, registered):
    user, path = registered
    client.cookies["lang"] = "en"
    client.get(path)
    response = client.post(path)
    assert response.status_code == 302
    assert response.url == reverse("login")
    user.refresh_from_db()
    assert user.email_verified
    page = client.get(response.url)
    assert "Your e-mail address is verified. You can log in now." in page.content.decode()
    assert "_auth_user_id" not in client.session


def test_second_verification_post_is_refused(client, registered):
    _user, path = registered
    client.cookies["lang"] = "en"
    client.post(path)
    response = client.post(path)
    assert response.status_code == 400
    assert "This e-mail address is already verified. Please log in." in response.content.decode()


def test_tampered_token_is_refused(client, registered):
    user, path = registered
    client.cookies["lang"] = "en"
    uid, token = path.rstrip("/").split("/")[-2:]
    tampered = reverse("verify_email", args=[uid, token[:-1] + ("a" if token[-1] != "a" else "b")])
    response = client.post(tampered)
    assert response.status_code == 400
    assert "This verification link is not valid or has expired." in response.content.decode()
    user.refresh_from_db()
    assert not user.email_verified


def test_another_users_id_with_this_token_is_refused(client, registered):
    _user, path = registered
    other = factories.UserFactory(email_verified_at=None)
    token = path.rstrip("/").split("/")[-1]
    response = client.post(
        reverse("verify_email", args=[urlsafe_base64_encode(force_bytes(other.pk)), token])
    )
    assert response.status_code == 400
    other.refresh_from_db()
    assert not other.email_verified


@pytest.mark.parametrize("uid", ["garbage", "MTIzNDU2Nzg5MDEyMzQ1Njc4OTA", "_-_"])
def test_garbage_uid_is_refused(client, uid):
    client.cookies["lang"] = "en"
    response = client.post(reverse("verify_email", args=[uid, "abc-def"]))
    assert response.status_code == 400
    assert "This verification link is not valid." in response.content.decode()


# --- Resend the verification e-mail


def test_resend_page_shows_a_form(client):
    response = client.get(reverse("resend_verification"))
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_resend_sends_a_new_link_to_an_unverified_account(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    factories.UserFactory(email="wait@example.cn", email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("resend_verification"), {"email": "WAIT@example.cn"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["wait@example.cn"]


@pytest.mark.parametrize("email", ["nobody@example.cn", "done@example.cn"])
def test_resend_answers_the_same_without_sending_for_unknown_or_verified(
    client, mailoutbox, django_capture_on_commit_callbacks, email
):
    factories.UserFactory(email="done@example.cn")
    factories.UserFactory(email="wait@example.cn", email_verified_at=None)
    client.cookies["lang"] = "en"
    answers = []
    for address in [email, "wait@example.cn"]:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("resend_verification"), {"email": address})
        page = client.get(response.url).content.decode()
        answers.append(
            (response.status_code, response.url, "If an account with this address" in page)
        )
    assert answers[0] == answers[1] == (302, reverse("login"), True)
    assert [m.to for m in mailoutbox] == [["wait@example.cn"]]


def test_resend_is_limited_per_address(client, mailoutbox, django_capture_on_commit_callbacks):
    factories.UserFactory(email="wait@example.cn", email_verified_at=None)
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("resend_verification"), {"email": "wait@example.cn"})
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("email", ["", "not-an-address", "a" * 300 + "@example.cn"])
def test_resend_refuses_malformed_addresses(client, mailoutbox, email):
    response = client.post(reverse("resend_verification"), {"email": email})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert mailoutbox == []
