"""The profile page and the dashboard of one's contests."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contest.models import Institution
from tests import factories

pytestmark = pytest.mark.django_db


def profile_data(**changes) -> dict:
    data = {
        "real_name": "周垚",
        "phone": "+8613912345678",
        "institution_name": "宁波市鄞州区教育局",
        "institution_kind": Institution.Kind.BUREAU,
        "province": "33",
        "city": "宁波市",
        "language": "zh-hans",
    }
    data.update(changes)
    return data


# --- Profile


def test_profile_needs_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('profile')}"
    assert client.post(reverse("profile"), profile_data()).status_code == 302
    assert not Institution.objects.filter(name="宁波市鄞州区教育局").exists()


def test_profile_shows_the_person_and_their_roles(client, user):
    organised = factories.OrganiserFactory(user=user, contest__title="第九届微课大赛").contest
    factories.OrganiserFactory(contest__title="别人的大赛")
    client.force_login(user)
    response = client.get(reverse("profile"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{user.email}" readonly' in html
    assert f'value="{user.real_name}"' in html
    assert f'value="{user.institution.name}"' in html
    assert organised.title in html
    assert "别人的大赛" not in html


def test_profile_edit_saves_and_switches_language(client, user):
    client.force_login(user)
    response = client.post(reverse("profile"), profile_data(language="en"))
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    user.refresh_from_db()
    assert (user.real_name, user.phone, user.language) == ("周垚", "+8613912345678", "en")
    assert user.institution.name == "宁波市鄞州区教育局"
    assert user.institution.kind == Institution.Kind.BUREAU
    page = client.get(response.url)
    assert "Your profile is saved." in page.content.decode()
    assert page["Content-Language"] == "en"


def test_profile_email_cannot_be_changed(client, user):
    client.force_login(user)
    client.post(reverse("profile"), profile_data(email="other@example.cn"))
    user.refresh_from_db()
    assert user.email != "other@example.cn"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"phone": "12345"}, "phone"),
        ({"real_name": "鑫" * 61}, "real_name"),
        ({"real_name": ""}, "real_name"),
        ({"language": "fr"}, "language"),
        ({"province": "00"}, "province"),
        ({"institution_name": "校" * 121}, "institution_name"),
    ],
)
def test_profile_bad_input_is_refused_and_nothing_saved(client, user, changes, field):
    before = (user.real_name, user.phone, user.institution_id, user.language)
    institutions = Institution.objects.count()
    client.force_login(user)
    client.cookies["lang"] = "en"
    response = client.post(reverse("profile"), profile_data(**changes))
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    user.refresh_from_db()
    assert (user.real_name, user.phone, user.institution_id, user.language) == before
    assert Institution.objects.count() == institutions


def test_profile_phone_error_in_english(client, user):
    client.force_login(user)
    client.cookies["lang"] = "en"
    response = client.post(reverse("profile"), profile_data(phone="999"))
    assert "Enter a mainland China mobile number" in response.content.decode()


def test_markup_in_real_name_is_escaped_on_the_profile(client):
    user = factories.UserFactory(real_name="<script>alert(1)</script>")
    client.force_login(user)
    html = client.get(reverse("profile")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_markup_saved_through_the_profile_is_escaped(client, user):
    client.force_login(user)
    client.post(
        reverse("profile"),
        profile_data(real_name="<img src=x onerror=alert(1)>", institution_name="<i>学校</i>"),
    )
    html = client.get(reverse("profile")).content.decode()
    assert "<img src=x" not in html and "<i>学校</i>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_profile_query_count_does_not_grow_with_roles(client, user):
    client.force_login(user)
    counts = []
    for added in (1, 2):
        factories.JudgeFactory.create_batch(added, user=user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("profile"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert len(response.context["roles"]) == 3
    assert counts[0] == counts[1]


# --- Dashboard


def test_dashboard_needs_login(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_dashboard_lists_contests_by_role(client, user):
    organised = factories.OrganiserFactory(user=user, contest__phase="draft").contest
    judged = factories.JudgeFactory(user=user, contest__phase="judging").contest
    judged_open = factories.JudgeFactory(user=user, contest__phase="open").contest
    open_contest = factories.ContestFactory(phase="open", title="公开征集中的大赛")
    others_draft = factories.OrganiserFactory(contest__phase="draft").contest
    closed = factories.ContestFactory(phase="closed")
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/contests/{organised.slug}/manage/"' in html
    assert list(response.context["organised"]) == [organised]
    assert set(response.context["judged"]) == {judged, judged_open}
    # Judges may not enter the contest they judge; drafts of others and closed ones are not open.
    assert list(response.context["open_contests"]) == [open_contest]
    assert open_contest.title in html
    assert others_draft.title not in html and closed.title not in html
    assert f'href="/contests/{others_draft.slug}/manage/"' not in html
    assert f'href="/contests/{judged.slug}/"' in html


def test_dashboard_links_no_judged_draft_the_judge_cannot_open(client, user):
    judged_draft = factories.JudgeFactory(user=user, contest__phase="draft").contest
    client.force_login(user)
    html = client.get(reverse("dashboard")).content.decode()
    assert judged_draft.title in html
    assert f'href="/contests/{judged_draft.slug}/"' not in html


def test_dashboard_of_an_entrant_has_no_management_links(client, user):
    factories.ContestFactory(phase="open")
    client.force_login(user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "/manage/" not in html


def test_dashboard_escapes_contest_titles(client, user):
    factories.ContestFactory(phase="open", title="<script>alert(1)</script>")
    client.force_login(user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_dashboard_in_english(client, user):
    client.cookies["lang"] = "en"
    client.force_login(user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "No contest is open for entries at the moment." in html


def test_dashboard_query_count_is_constant(client, user):
    client.force_login(user)
    counts = []
    for added in (1, 2):  # 1 contest of each kind, then 3
        for _ in range(added):
            factories.OrganiserFactory(user=user)
            factories.JudgeFactory(user=user, contest__phase="judging")
            factories.ContestFactory(phase="open")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("dashboard"))
        counts.append(len(queries))
    assert len(response.context["organised"]) == len(response.context["judged"]) == 3
    assert len(response.context["open_contests"]) == 3
    assert counts[0] == counts[1]
