"""The public verification page and endpoint: valid, revoked, unknown, rate-limited."""

from django.test import override_settings
from django.urls import reverse

from certificates.services.issuing import certificate_reissue, certificate_revoke
from certificates.services.rendering import certificate_pdf
from tests.certificates.pdfcheck import qr_codes


def _check(client, certificate, **extra):
    params = {"number": certificate.number, "code": certificate.code, **extra}
    return client.get(reverse("certificate_verify"), params)


def test_the_qr_code_opens_the_page_that_shows_only_what_a_verifier_needs(english, issued, work):
    certificate = issued[0]
    (url,) = qr_codes(certificate_pdf(certificate))
    path = url.removeprefix("http://127.0.0.1:8000")
    assert path == reverse("certificate_verify_code", args=[certificate.code])
    response = english.get(path)
    page = response.content.decode()
    assert response.status_code == 200 and "This certificate is valid." in page
    for shown in (certificate.number, "全国微课大赛", "一等奖", work.title, "刘䶮"):
        assert shown in page
    for hidden in (work.entrant.email, work.entrant.institution.name, work.anonymous_code):
        assert hidden not in page


def test_number_and_code_must_both_match(english, issued):
    assert "This certificate is valid." in _check(english, issued[0]).content.decode()
    wrong = _check(english, issued[0], code=issued[1].code)
    assert wrong.status_code == 404
    assert "No certificate with this number and verification code" in wrong.content.decode()
    assert issued[1].holder not in wrong.content.decode()
    assert english.get(reverse("certificate_verify_code", args=["guessed"])).status_code == 404


def test_revoked_and_replaced_certificates_say_so(english, organiser, issued):
    certificate_revoke(certificate=issued[0], actor=organiser, reason="获奖信息有误")
    page = _check(english, issued[0]).content.decode()
    assert "This certificate has been revoked and is not valid." in page
    assert "获奖信息有误" not in page and "replacement" not in page
    certificate_reissue(certificate=issued[1], actor=organiser, reason="改名")
    page = english.get(reverse("certificate_verify_code", args=[issued[1].code])).content.decode()
    assert "revoked" in page and "A replacement certificate was issued" in page


def test_the_form_asks_for_both_fields(english, db):
    page = english.get(reverse("certificate_verify"), {"number": "x"}).content.decode()
    assert "This field is required." in page


@override_settings(CERTIFICATE_VERIFY_LIMIT=3)
def test_checks_are_limited_per_address_with_a_translated_429(client, issued):
    for _ in range(3):
        assert _check(client, issued[0], code="wrong").status_code == 404
    assert _check(client, issued[0]).status_code == 429  # even with the right code now
    client.cookies["lang"] = "en"
    blocked = _check(client, issued[0])
    assert blocked.status_code == 429
    assert "Too many certificate checks from your address" in blocked.content.decode()
    assert issued[0].holder not in blocked.content.decode()
    other = client.get(
        reverse("certificate_verify"), {"number": "a", "code": "b"}, REMOTE_ADDR="10.1.1.1"
    )
    assert other.status_code == 404
    api = client.get(reverse("api-certificate-verify"), {"code": issued[0].code})
    assert api.status_code == 429 and api.json()["code"] == "throttled"


def test_api_verification_is_public_and_minimal(client, organiser, issued):
    response = client.get(reverse("api-certificate-verify"), {"code": issued[0].code})
    assert response.status_code == 200
    assert response.json() == {
        "number": issued[0].number,
        "contest": "全国微课大赛",
        "award": "一等奖",
        "work_title": issued[0].fields["work_title"],
        "holders": "刘䶮",
        "state": "valid",
        "replaced": False,
    }
    certificate_revoke(certificate=issued[0], actor=organiser, reason="x")
    assert (
        client.get(reverse("api-certificate-verify"), {"code": issued[0].code}).json()["state"]
        == "revoked"
    )
    missing = client.get(
        reverse("api-certificate-verify"), {"code": "nope", "number": issued[0].number}
    )
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert client.get(reverse("api-certificate-verify")).status_code == 400
