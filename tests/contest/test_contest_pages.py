"""Contest pages: public list and detail, creating, editing, the overview and phase changes."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contest.models import Contest, ContestRole
from tests import factories

UTC = dt.UTC
OPENS = dt.datetime(2026, 2, 28, 16, 0, tzinfo=UTC)
DEADLINE = dt.datetime(2026, 6, 30, 16, 0, tzinfo=UTC)  # 2026-07-01 00:00 in China
SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def login(client, user, lang: str | None = "en"):
    """Log in; English by default so messages can be asserted before translations exist."""
    client.force_login(user)
    if lang:
        client.cookies["lang"] = lang
    return client


def contest_data(**changes) -> dict:
    data = {
        "title": "2026年全国中小学教师微视频大奖赛",
        "slug": "national-2026",
        "year": "2026",
        "description": "面向全国教师。",
        "rules_text": "第一条\n第二条",
        "submission_opens_at": "2026-03-01T08:00",
        "submission_closes_at": "2026-07-01T00:00",
        "judging_starts_at": "2026-07-10T09:00",
        "judging_ends_at": "2026-08-01T18:00",
        "results_published_at": "",
        "notice_ends_at": "",
        "min_duration_seconds": "300",
        "max_duration_seconds": "1200",
        "max_file_size_mb": "500",
        "allowed_formats": ["mp4", "mov"],
        "min_width": "1280",
        "min_height": "720",
        "required_attachments": ["design", "slides"],
        "title_card_seconds": "5",
        "licence_text": "作者授权平台展示。",
        "works_per_entrant": "1",
        "max_attachment_size_mb": "50",
        "audio_required": "on",
        "max_co_authors": "2",
        "screening_deadline": "2026-07-05T00:00",
        "endorsement_quota": "0",
        "endorsement_quota_percent": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def home_queries(client, n: int) -> int:
    for _ in range(n):
        factories.CategoryFactory(contest=factories.ContestFactory(phase="open"))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- Public list


@pytest.mark.django_db
def test_home_lists_public_contests_with_phase_deadline_and_category_count(client):
    contest = factories.ContestFactory(
        phase="open", submission_opens_at=OPENS, submission_closes_at=DEADLINE
    )
    factories.CategoryFactory.create_batch(2, contest=contest)
    factories.ContestFactory(title="尚未发布的草稿大赛", phase="draft")
    client.cookies["lang"] = "en"
    html = client.get(reverse("home")).content.decode()
    assert contest.title in html
    assert "尚未发布的草稿大赛" not in html
    assert "Open for submissions" in html
    assert "2026" in html
    assert "July 1, 2026 00:00" in html
    assert reverse("contest_detail", args=[contest.slug]) in html
    assert ">2</dd>" in html


@pytest.mark.django_db
def test_home_is_chinese_by_default_with_china_time(client):
    factories.ContestFactory(phase="open", submission_opens_at=OPENS, submission_closes_at=DEADLINE)
    response = client.get(reverse("home"))
    assert response["Content-Language"] == "zh-hans"
    assert "2026年7月1日 00:00" in response.content.decode()


@pytest.mark.django_db
def test_home_shows_a_draft_to_its_organiser_only(client):
    draft = factories.ContestFactory(title="我的草稿大赛", phase="draft")
    organiser = factories.OrganiserFactory(contest=draft).user
    other = factories.OrganiserFactory(contest=factories.ContestFactory(phase="draft")).user
    judge = factories.JudgeFactory(contest=draft).user
    assert "我的草稿大赛" in login(client, organiser).get(reverse("home")).content.decode()
    for user in (other, judge, factories.UserFactory()):
        assert "我的草稿大赛" not in login(client, user).get(reverse("home")).content.decode()
    superuser = factories.UserFactory(is_superuser=True)
    assert "我的草稿大赛" in login(client, superuser).get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_home_orders_newest_first_and_paginates_by_20(client):
    old = factories.ContestFactory(title="旧大赛", year=2020, phase="open")
    factories.ContestFactory.create_batch(20, phase="closed", year=2026)
    first = client.get(reverse("home")).content.decode()
    assert old.title not in first
    second = client.get(reverse("home"), {"page": 2}).content.decode()
    assert old.title in second


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_contests(client):
    assert home_queries(client, 1) == home_queries(client, 2)


@pytest.mark.django_db
def test_home_query_count_does_not_grow_for_a_logged_in_creator(client):
    login(client, factories.CreatorFactory())
    assert home_queries(client, 1) == home_queries(client, 2)


# --- Public detail


@pytest.mark.django_db
def test_detail_shows_description_rules_timeline_requirements_and_grouped_categories(client):
    contest = factories.ContestFactory(
        phase="open",
        description="面向全国中小学教师。",
        rules_text="第一条\n第二条",
        submission_opens_at=OPENS,
        submission_closes_at=DEADLINE,
        judging_starts_at=dt.datetime(2026, 7, 10, 1, 30, tzinfo=UTC),
        allowed_formats=["mp4", "webm"],
        required_attachments=["design", "slides"],
        min_duration_seconds=300,
        max_duration_seconds=1200,
        max_file_size_mb=800,
        min_width=1920,
        min_height=1080,
        works_per_entrant=2,
        licence_text="授权展示。",
    )
    teachers = factories.GroupFactory(contest=contest, name="教师组", order=1)
    students = factories.GroupFactory(contest=contest, name="师范生组", order=2)
    factories.CategoryFactory(contest=contest, group=students, name="小学·语文·师范生组")
    factories.CategoryFactory(contest=contest, group=teachers, name="初中·数学·教师组")
    client.cookies["lang"] = "en"
    html = client.get(reverse("contest_detail", args=[contest.slug])).content.decode()
    assert "面向全国中小学教师。" in html
    assert '<pre class="rules">第一条\n第二条</pre>' in html
    assert "July 1, 2026 00:00" in html
    assert "July 10, 2026 09:30" in html
    assert "5:00 to 20:00" in html
    assert "800 MB" in html
    assert "MP4, WebM" in html
    assert "1920 × 1080" in html
    assert "Teaching design (docx or pdf)" in html
    assert "Slides (pptx or pdf)" in html
    assert "授权展示。" in html
    assert html.index("教师组") < html.index("初中·数学·教师组") < html.index("师范生组")
    assert html.index("师范生组") < html.index("小学·语文·师范生组")


@pytest.mark.django_db
def test_detail_in_chinese_shows_china_time(client):
    contest = factories.ContestFactory(
        phase="open", submission_opens_at=OPENS, submission_closes_at=DEADLINE
    )
    response = client.get(reverse("contest_detail", args=[contest.slug]))
    assert response["Content-Language"] == "zh-hans"
    assert "2026年7月1日 00:00" in response.content.decode()


@pytest.mark.django_db
def test_unknown_contest_gives_404(client):
    assert client.get(reverse("contest_detail", args=["no-such-contest"])).status_code == 404


@pytest.mark.django_db
def test_draft_detail_is_hidden_from_everyone_but_its_organisers(client):
    draft = factories.ContestFactory(phase="draft")
    url = reverse("contest_detail", args=[draft.slug])
    assert client.get(url).status_code == 404
    others = [
        factories.UserFactory(),
        factories.JudgeFactory(contest=draft).user,
        factories.OrganiserFactory(contest=factories.ContestFactory()).user,
    ]
    for user in others:
        assert login(client, user).get(url).status_code == 404
    assert login(client, factories.OrganiserFactory(contest=draft).user).get(url).status_code == 200
    superuser = factories.UserFactory(is_superuser=True)
    assert login(client, superuser).get(url).status_code == 200


@pytest.mark.django_db
def test_markup_in_contest_text_is_escaped_on_list_detail_and_manage(client):
    contest = factories.ContestFactory(
        phase="open", title=f"标题{SCRIPT}", description=f"说明{SCRIPT}", rules_text=f"规则{SCRIPT}"
    )
    organiser = factories.OrganiserFactory(contest=contest).user
    login(client, organiser)
    for url in (
        reverse("home"),
        reverse("contest_detail", args=[contest.slug]),
        reverse("contest_manage", args=[contest.slug]),
        reverse("contest_edit", args=[contest.slug]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert ESCAPED in html, url


# --- Creating a contest


@pytest.mark.django_db
def test_create_page_redirects_anonymous_to_login(client):
    response = client.get(reverse("contest_create"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    client.post(reverse("contest_create"), contest_data())
    assert not Contest.objects.exists()


@pytest.mark.django_db
def test_create_page_is_forbidden_without_the_creator_permission(client):
    for user in (
        factories.UserFactory(),
        factories.CreatorFactory(email_verified_at=None),
        factories.OrganiserFactory().user,
    ):
        login(client, user)
        assert client.get(reverse("contest_create")).status_code == 403
        assert client.post(reverse("contest_create"), contest_data()).status_code == 403
    assert not Contest.objects.filter(slug="national-2026").exists()


@pytest.mark.django_db
def test_create_form_uses_pickers_and_checkboxes(client):
    html = login(client, factories.CreatorFactory()).get(reverse("contest_create")).content.decode()
    assert 'type="datetime-local" name="submission_closes_at"' in html
    assert 'type="checkbox" name="allowed_formats" value="webm"' in html
    assert 'type="checkbox" name="required_attachments" value="slides"' in html
    assert 'for="id_title"' in html


@pytest.mark.django_db
def test_create_makes_a_draft_with_the_creator_as_organiser_in_china_time(client):
    creator = factories.CreatorFactory()
    response = login(client, creator).post(reverse("contest_create"), contest_data())
    contest = Contest.objects.get(slug="national-2026")
    assert response.status_code == 302
    assert response.url == reverse("contest_manage", args=[contest.slug])
    assert contest.phase == Contest.Phase.DRAFT
    assert contest.submission_closes_at == DEADLINE
    assert contest.allowed_formats == ["mp4", "mov"]
    assert contest.required_attachments == ["design", "slides"]
    assert contest.results_published_at is None
    assert ContestRole.objects.filter(
        contest=contest, user=creator, role=ContestRole.Role.ORGANISER
    ).exists()
    assert "The contest was created as a draft." in client.get(response.url).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"submission_closes_at": "2026-02-01T00:00"}, "submission_closes_at", "must come after"),
        ({"judging_ends_at": "2026-07-09T00:00"}, "judging_ends_at", "must come after"),
        ({"min_duration_seconds": "1300"}, "max_duration_seconds", "must not be below the minimum"),
        ({"allowed_formats": ["mp4", "exe"]}, "allowed_formats", "Select a valid choice"),
        ({"required_attachments": ["virus"]}, "required_attachments", "Select a valid choice"),
        ({"title": "长" * 201}, "title", "at most 200 characters"),
        ({"title": ""}, "title", "This field is required"),
        ({"year": "二〇二六"}, "year", "Enter a whole number"),
        ({"year": "1999"}, "year", "greater than or equal to 2000"),
        ({"slug": "全国 大赛!"}, "slug", "Enter a valid"),
        ({"max_file_size_mb": "-5"}, "max_file_size_mb", "greater than or equal to"),
        ({"submission_closes_at": "not a date"}, "submission_closes_at", "Enter a valid date/time"),
        ({"title_card_seconds": "500"}, "title_card_seconds", "less than or equal to 120"),
    ],
)
def test_create_refuses_bad_input_and_saves_nothing(client, changes, field, message):
    response = login(client, factories.CreatorFactory()).post(
        reverse("contest_create"), contest_data(**changes)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode().replace("&#x27;", "'")
    assert f'id="id_{field}_error">' in html
    assert message in html.split(f'id="id_{field}_error">')[1].split("</div>")[0]
    assert not Contest.objects.exists()
    assert not ContestRole.objects.exists()


@pytest.mark.django_db
def test_create_refuses_a_duplicate_slug(client):
    factories.ContestFactory(slug="national-2026")
    response = login(client, factories.CreatorFactory()).post(
        reverse("contest_create"), contest_data()
    )
    assert "slug" in response.context["form"].errors
    assert Contest.objects.count() == 1
    assert not ContestRole.objects.exists()


@pytest.mark.django_db
def test_create_errors_are_chinese_by_default(client):
    response = login(client, factories.CreatorFactory(), lang=None).post(
        reverse("contest_create"), contest_data(title="")
    )
    assert response["Content-Language"] == "zh-hans"
    assert "This field is required" not in response.content.decode()
    assert response.context["form"].errors["title"]


@pytest.mark.django_db
def test_markup_in_a_new_contest_is_stored_as_text(client):
    creator = factories.CreatorFactory()
    login(client, creator).post(
        reverse("contest_create"),
        contest_data(title=f"大赛{SCRIPT}", description=SCRIPT, rules_text=SCRIPT),
    )
    contest = Contest.objects.get()
    assert contest.title == f"大赛{SCRIPT}"
    html = client.get(reverse("contest_detail", args=[contest.slug])).content.decode()
    assert "<script>alert" not in html
    assert ESCAPED in html


# --- Editing


@pytest.fixture
def open_contest(db):
    return factories.ContestFactory(
        phase="open",
        title="原标题",
        slug="national",
        submission_opens_at=OPENS,
        submission_closes_at=DEADLINE,
    )


@pytest.fixture
def stranger(db):
    """An organiser of another contest: no rights in open_contest."""
    return factories.OrganiserFactory(contest=factories.ContestFactory(phase="open")).user


def outsiders(contest, stranger) -> tuple:
    """People with no right to manage the contest: another contest's organiser, a user, a judge."""
    return stranger, factories.UserFactory(), factories.JudgeFactory(contest=contest).user


@pytest.mark.django_db
def test_edit_form_is_prefilled_in_china_time(client, open_contest):
    login(client, factories.OrganiserFactory(contest=open_contest).user)
    html = client.get(reverse("contest_edit", args=[open_contest.slug])).content.decode()
    assert 'value="原标题"' in html
    assert 'value="2026-07-01T00:00"' in html
    assert 'value="mp4" class="form-check-input" id="id_allowed_formats_0" checked' in html


@pytest.mark.django_db
def test_edit_saves_and_follows_a_new_slug(client, open_contest):
    login(client, factories.OrganiserFactory(contest=open_contest).user)
    response = client.post(
        reverse("contest_edit", args=[open_contest.slug]),
        contest_data(title="新标题", slug="renamed"),
    )
    assert response.url == reverse("contest_manage", args=["renamed"])
    open_contest.refresh_from_db()
    assert (open_contest.title, open_contest.slug) == ("新标题", "renamed")
    assert open_contest.phase == Contest.Phase.OPEN


@pytest.mark.django_db
def test_edit_refuses_bad_dates_and_changes_nothing(client, open_contest):
    login(client, factories.OrganiserFactory(contest=open_contest).user)
    response = client.post(
        reverse("contest_edit", args=[open_contest.slug]),
        contest_data(title="新标题", slug="national", submission_opens_at="2026-08-01T00:00"),
    )
    assert response.status_code == 200
    assert "must come after" in response.content.decode()
    open_contest.refresh_from_db()
    assert open_contest.title == "原标题"


@pytest.mark.django_db
def test_edit_refuses_another_contests_slug(client, open_contest):
    factories.ContestFactory(slug="taken")
    login(client, factories.OrganiserFactory(contest=open_contest).user)
    response = client.post(
        reverse("contest_edit", args=[open_contest.slug]), contest_data(slug="taken")
    )
    assert "slug" in response.context["form"].errors
    open_contest.refresh_from_db()
    assert open_contest.slug == "national"


@pytest.mark.django_db
def test_edit_is_forbidden_to_others(client, open_contest, stranger):
    url = reverse("contest_edit", args=[open_contest.slug])
    assert client.get(url).status_code == 302
    for user in outsiders(open_contest, stranger):
        login(client, user)
        assert client.get(url).status_code == 403
        assert client.post(url, contest_data(title="被篡改", slug="national")).status_code == 403
    open_contest.refresh_from_db()
    assert open_contest.title == "原标题"


@pytest.mark.django_db
def test_edit_of_another_organisers_draft_looks_missing(client, stranger):
    draft = factories.ContestFactory(phase="draft", title="草稿")
    login(client, stranger)
    url = reverse("contest_edit", args=[draft.slug])
    assert client.get(url).status_code == 404
    assert client.post(url, contest_data(title="被篡改", slug=draft.slug)).status_code == 404
    draft.refresh_from_db()
    assert draft.title == "草稿"


# --- Overview and phase


@pytest.mark.django_db
def test_manage_shows_phase_buttons_counts_and_links(client, open_contest):
    organiser = factories.OrganiserFactory(contest=open_contest).user
    factories.JudgeFactory.create_batch(3, contest=open_contest)
    factories.CategoryFactory.create_batch(2, contest=open_contest)
    html = (
        login(client, organiser)
        .get(reverse("contest_manage", args=[open_contest.slug]))
        .content.decode()
    )
    assert 'name="phase" value="screening"' in html
    assert 'name="phase" value="judging"' not in html
    assert reverse("contest_edit", args=[open_contest.slug]) in html
    assert reverse("contest_categories", args=[open_contest.slug]) in html
    assert reverse("contest_people", args=[open_contest.slug]) in html
    assert ">2</a>" in html and ">1</a>" in html and ">3</a>" in html
    assert "July 1, 2026 00:00" in html


@pytest.mark.django_db
def test_manage_is_forbidden_to_others(client, open_contest, stranger):
    url = reverse("contest_manage", args=[open_contest.slug])
    assert client.get(url).status_code == 302
    for user in outsiders(open_contest, stranger):
        assert login(client, user).get(url).status_code == 403
    superuser = factories.UserFactory(is_superuser=True)
    assert login(client, superuser).get(url).status_code == 200


@pytest.mark.django_db
def test_phase_change_moves_the_contest_on(client):
    draft = factories.ContestFactory(phase="draft")
    factories.CategoryFactory(contest=draft)
    login(client, factories.OrganiserFactory(contest=draft).user)
    response = client.post(
        reverse("contest_phase", args=[draft.slug]), {"phase": "open"}, follow=True
    )
    draft.refresh_from_db()
    assert draft.phase == Contest.Phase.OPEN
    assert "The contest is now in the phase “Open for submissions”." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("phase", "with_category", "message"),
    [
        ("judging", True, "A contest cannot move from “Draft” to “Judging”."),
        ("open", False, "Add at least one category before opening submissions."),
        ("nonsense", True, "cannot move from"),
    ],
)
def test_phase_change_refusals_are_shown(client, phase, with_category, message):
    draft = factories.ContestFactory(phase="draft")
    if with_category:
        factories.CategoryFactory(contest=draft)
    login(client, factories.OrganiserFactory(contest=draft).user)
    response = client.post(
        reverse("contest_phase", args=[draft.slug]), {"phase": phase}, follow=True
    )
    assert message in response.content.decode()
    draft.refresh_from_db()
    assert draft.phase == Contest.Phase.DRAFT


@pytest.mark.django_db
def test_phase_change_is_post_only_and_forbidden_to_others(client, open_contest, stranger):
    url = reverse("contest_phase", args=[open_contest.slug])
    login(client, factories.OrganiserFactory(contest=open_contest).user)
    assert client.get(url).status_code == 405
    for user in outsiders(open_contest, stranger):
        assert login(client, user).post(url, {"phase": "screening"}).status_code == 403
    open_contest.refresh_from_db()
    assert open_contest.phase == Contest.Phase.OPEN


@pytest.mark.django_db
def test_phase_change_needs_the_csrf_token(open_contest):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.OrganiserFactory(contest=open_contest).user)
    response = client.post(
        reverse("contest_phase", args=[open_contest.slug]), {"phase": "screening"}
    )
    assert response.status_code == 403
    open_contest.refresh_from_db()
    assert open_contest.phase == Contest.Phase.OPEN
