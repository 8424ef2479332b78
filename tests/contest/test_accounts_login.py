"""Logging in and out, the lockout after failed attempts, changing and resetting passwords."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


def log_in(client, email, password=factories.PASSWORD, **extra):
    return client.post(reverse("login"), {"username": email, "password": password}, **extra)


def template_names(response) -> list[str]:
    return [t.name for t in response.templates]


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- Log in


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"


def test_login_page_in_english_with_the_cookie(client):
    client.cookies["lang"] = "en"
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert "Forgot your password?" in html
    assert "E-mail address" in html
    assert '<html lang="en">' in html


def test_verified_user_logs_in(client, user):
    response = log_in(client, user.email.upper())
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_follows_a_safe_next_and_ignores_a_foreign_one(client, user):
    response = client.post(
        reverse("login") + "?next=/accounts/profile/",
        {"username": user.email, "password": factories.PASSWORD},
    )
    assert response.url == "/accounts/profile/"
    client.logout()
    response = client.post(
        reverse("login") + "?next=https://evil.example/",
        {"username": user.email, "password": factories.PASSWORD},
    )
    assert response.url == reverse("home")


def test_login_sets_the_saved_language_on_a_new_browser(client):
    user = factories.UserFactory(language="en")
    response = log_in(client, user.email)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_login_keeps_a_language_chosen_in_this_browser(client):
    user = factories.UserFactory(language="en")
    client.cookies["lang"] = "zh-hans"
    response = log_in(client, user.email)
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_unverified_user_is_refused_with_a_resend_link(client):
    user = factories.UserFactory(email_verified_at=None)
    client.cookies["lang"] = "en"
    response = log_in(client, user.email)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Your e-mail address is not verified yet." in html
    assert f'href="{reverse("resend_verification")}"' in html
    assert not is_logged_in(client)


def test_unverified_user_with_a_wrong_password_learns_nothing_more(client):
    user = factories.UserFactory(email_verified_at=None)
    client.cookies["lang"] = "en"
    html = log_in(client, user.email, "wrong-password").content.decode()
    assert "not verified" not in html
    assert "The e-mail address or the password is not correct." in html


def test_wrong_password_is_refused(client, user):
    client.cookies["lang"] = "en"
    response = log_in(client, user.email, "wrong-password")
    assert "The e-mail address or the password is not correct." in response.content.decode()
    assert not is_logged_in(client)


def test_inactive_user_is_refused(client):
    user = factories.UserFactory(is_active=False)
    log_in(client, user.email)
    assert not is_logged_in(client)


def test_logged_in_user_is_sent_on_from_the_login_page(client, user):
    client.force_login(user)
    response = client.get(reverse("login"))
    assert response.status_code == 302


# --- Lockout (django-axes)


def test_lockout_after_the_failure_limit_refuses_even_the_right_password(client, user):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = log_in(client, user.email, "wrong-password")
        assert response.status_code == 200
    response = log_in(client, user.email, "wrong-password")
    assert response.status_code == 429
    assert "accounts/locked_out.html" in template_names(response)
    response = log_in(client, user.email)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in template_names(response)
    assert not is_logged_in(client)


def test_lockout_counts_every_spelling_of_the_address(client, user):
    spellings = [user.email.upper(), user.email.title(), f" {user.email} "]
    for i in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, spellings[i % len(spellings)], "wrong-password")
    assert log_in(client, user.email).status_code == 429


def test_locked_out_page_in_english(client, user):
    client.cookies["lang"] = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, user.email, "wrong-password")
    html = response.content.decode()
    assert "Too many failed log-in attempts" in html
    assert "Please try again in about 30 minutes." in html


# --- Log out


def test_logout_by_post(client, user):
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not is_logged_in(client)


def test_logout_by_get_is_refused(client, user):
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert is_logged_in(client)


# --- Password change


def test_password_change(client, user):
    client.force_login(user)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {
            "old_password": factories.PASSWORD,
            "new_password1": "Xin-mima-2026!",
            "new_password2": "Xin-mima-2026!",
        },
    )
    assert response.url == reverse("password_change_done")
    assert is_logged_in(client)  # the session survives its own password change
    user.refresh_from_db()
    assert user.check_password("Xin-mima-2026!")
    assert client.get(response.url).status_code == 200


def test_password_change_with_a_wrong_old_password_is_refused(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong",
            "new_password1": "Xin-mima-2026!",
            "new_password2": "Xin-mima-2026!",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"]
    user.refresh_from_db()
    assert user.check_password(factories.PASSWORD)


def test_password_change_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Password reset


def request_reset(client, email: str, capture):
    """Ask for a reset link; the mail goes out through the queue once the request commits."""
    with capture(execute=True):
        return client.post(reverse("password_reset"), {"email": email})


def reset_path(mail) -> str:
    return re.search(r"(/accounts/password/reset/[^/\s]+/[^/\s]+/)", mail.body).group(1)


def test_password_reset_mail_and_link_work(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    response = request_reset(client, user.email.upper(), django_capture_on_commit_callbacks)
    assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [user.email]
    assert mailoutbox[0].body.count(settings.SITE_URL) == 1
    link = client.get(reset_path(mailoutbox[0]))
    assert link.status_code == 302  # Django moves the token out of the URL into the session
    form_page = client.get(link.url)
    assert form_page.context["validlink"]
    response = client.post(
        link.url, {"new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!"}
    )
    assert response.url == reverse("password_reset_complete")
    assert client.get(response.url).status_code == 200
    assert log_in(client, user.email, "Xin-mima-2026!").status_code == 302


def test_password_reset_link_works_once(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    request_reset(client, user.email, django_capture_on_commit_callbacks)
    path = reset_path(mailoutbox[0])
    link = client.get(path)
    client.post(link.url, {"new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!"})
    client.cookies["lang"] = "en"
    again = client.get(path, follow=True)
    assert not again.context["validlink"]
    assert "This link is not valid" in again.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_answers_the_same(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    response = request_reset(client, "nobody@example.cn", django_capture_on_commit_callbacks)
    assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


def test_password_reset_mail_comes_in_the_users_language(
    client, user, mailoutbox, django_capture_on_commit_callbacks
):
    user.language = "en"
    user.save(update_fields=["language"])
    request_reset(client, user.email, django_capture_on_commit_callbacks)
    assert "Set a new password" in mailoutbox[0].subject
    assert "\n" not in mailoutbox[0].subject
    assert "Open this link to choose a new password" in mailoutbox[0].body
