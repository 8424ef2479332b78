"""Publication pages: the public results (what each contest chooses to show, and never more),
the entrant's own result and appeal, the organisers' notice and appeals pages; permissions for
everyone, timing, and query counts."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from publication.models import Appeal, Notice
from publication.services.appeals import appeal_answer, appeal_file
from tests import factories
from tests import publication_factories as pf
from tests.publication.conftest import WHO


def _client(user=None) -> Client:
    """A browser reading English (the pages' words are compared in English)."""
    client = Client()
    client.cookies["lang"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def _get(the, who, url):
    return _client(the.user(who)).get(url)


# --- Permissions


ORGANISER_ONLY = {
    "anonymous": 302,
    "entrant": 403,
    "other_entrant": 403,
    "judge": 403,
    "organiser": 200,
    "other_organiser": 403,
}
OWNER_ONLY = {**dict.fromkeys(WHO, 404), "anonymous": 302, "entrant": 200}


@pytest.mark.parametrize("who", WHO)
@pytest.mark.django_db
def test_permission_matrix(the, who):
    pf.notice(the.contest, state="open")
    appeal = appeal_file(work=the.work, user=the.entrant, text="请复核")
    slug = the.contest.slug
    pages = [
        (reverse("notice_manage", args=[slug]), ORGANISER_ONLY),
        (reverse("appeal_list", args=[slug]), ORGANISER_ONLY),
        (reverse("results_csv", args=[slug]), ORGANISER_ONLY),
        (reverse("public_results", args=[slug]), dict.fromkeys(WHO, 200)),
        (reverse("work_result", args=[the.work.pk]), OWNER_ONLY),
        (
            reverse("appeal_detail", args=[appeal.pk]),
            {**OWNER_ONLY, "organiser": 200},
        ),
    ]
    for url, expected in pages:
        response = _get(the, who, url)
        assert response.status_code == expected[who], (url, who)


@pytest.mark.parametrize("who", ["other_entrant", "judge", "organiser", "other_organiser"])
@pytest.mark.django_db
def test_nobody_else_appeals_for_a_work(the, who):
    pf.notice(the.contest, state="open")
    response = _client(the.user(who)).post(
        reverse("work_result", args=[the.work.pk]), {"text": "冒名申诉"}
    )
    assert response.status_code == 404
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("who", ["entrant", "other_entrant", "judge", "other_organiser"])
@pytest.mark.django_db
def test_only_organisers_answer(the, who):
    pf.notice(the.contest, state="open")
    appeal = appeal_file(work=the.work, user=the.entrant, text="请复核")
    _client(the.user(who)).post(
        reverse("appeal_detail", args=[appeal.pk]), {"outcome": "dismissed", "answer": "驳回"}
    )
    assert Appeal.objects.get().state == Appeal.State.OPEN


# --- The public page


@pytest.mark.django_db
def test_public_page_of_an_unpublished_notice_is_not_found(the):
    pf.notice(the.contest, state="draft")
    url = reverse("public_results", args=[the.contest.slug])
    for who in ["anonymous", "entrant", "judge", "other_organiser"]:
        assert _get(the, who, url).status_code == 404


@pytest.mark.django_db
def test_public_page_before_the_start_says_when(the):
    pf.notice(the.contest, state="scheduled", text="公示说明")
    response = _get(the, "anonymous", reverse("public_results", args=[the.contest.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "will be published on" in html
    assert "勾股定理" not in html and "一等奖" not in html and "公示说明" not in html


@pytest.mark.parametrize("state", ["draft", "scheduled"])
@pytest.mark.django_db
def test_organisers_preview_the_public_page(the, state):
    pf.notice(the.contest, state=state, show_authors=False)
    html = _get(
        the, "organiser", reverse("public_results", args=[the.contest.slug])
    ).content.decode()
    assert "Preview for organisers" in html
    assert the.made.works[0].title in html
    assert the.entrant.real_name not in html


@pytest.mark.django_db
def test_public_page_shows_awarded_works_by_tier_and_rank(the):
    pf.notice(the.contest, state="open")
    response = _get(the, "anonymous", reverse("public_results", args=[the.contest.slug]))
    html = response.content.decode()
    first, second, third, unawarded = the.made.works
    positions = [html.index(w.title) for w in (first, second, third)]
    assert positions == sorted(positions)
    assert "一等奖" in html and "二等奖" in html
    assert unawarded.title not in html
    # Rare characters of names arrive as they are.
    assert first.entrant.real_name in html and first.entrant.real_name.startswith("龘靐")
    assert "欧阳燚1" in html
    assert first.entrant.institution.name in html
    assert response["Cache-Control"] == "max-age=60, public"
    logged_in = _get(the, "judge", reverse("public_results", args=[the.contest.slug]))
    assert logged_in["Cache-Control"] == "max-age=60, private"
    assert "Public notice" in html and "Final" not in html


@pytest.mark.django_db
def test_public_page_without_authors_has_no_author_name(the):
    pf.notice(the.contest, state="open", show_authors=False, show_institution=False)
    html = _get(
        the, "anonymous", reverse("public_results", args=[the.contest.slug])
    ).content.decode()
    assert the.made.works[0].title in html
    for work in the.made.works:
        assert work.entrant.real_name not in html
        assert work.entrant.institution.name not in html
    assert "欧阳燚" not in html


@pytest.mark.django_db
def test_public_page_without_title_or_tier(the):
    pf.notice(the.contest, state="open", show_title=False, show_tier=False)
    html = _get(
        the, "anonymous", reverse("public_results", args=[the.contest.slug])
    ).content.decode()
    assert "勾股定理" not in html
    assert "一等奖" not in html
    assert the.made.works[0].entrant.real_name in html


@pytest.mark.django_db
def test_public_page_never_shows_scores_judges_or_codes_by_default(the):
    pf.notice(the.contest, state="open")
    judge = the.judge
    html = _get(
        the, "anonymous", reverse("public_results", args=[the.contest.slug])
    ).content.decode()
    assert not _number_shown("94", html)  # the first work's score
    assert judge.real_name not in html
    assert the.made.works[0].anonymous_code not in html


@pytest.mark.django_db
def test_public_page_shows_scores_when_the_contest_chooses(the):
    pf.notice(the.contest, state="open", show_score=True)
    html = _get(
        the, "anonymous", reverse("public_results", args=[the.contest.slug])
    ).content.decode()
    assert "94" in html


@pytest.mark.django_db
def test_public_page_per_category(the):
    pf.notice(the.contest, state="open")
    other = factories.CategoryFactory(contest=the.contest, name="小学·语文·师范生组")
    extra = pf.add_ranked(the.made, 9, category=other)
    pf.award(the.made, extra, "一等奖", 1)
    url = reverse("public_results_category", args=[the.contest.slug, other.code])
    html = _get(the, "anonymous", url).content.decode()
    assert extra.title in html
    assert the.made.works[0].title not in html
    missing = reverse("public_results_category", args=[the.contest.slug, "nope"])
    assert _get(the, "anonymous", missing).status_code == 404


@pytest.mark.django_db
def test_public_page_says_final_after_the_notice(the):
    pf.notice(the.contest, state="closed")
    html = _get(
        the, "anonymous", reverse("public_results", args=[the.contest.slug])
    ).content.decode()
    assert "these results are final" in html


@pytest.mark.django_db
def test_public_page_queries_do_not_grow(the):
    pf.notice(the.contest, state="open")
    url = reverse("public_results", args=[the.contest.slug])
    client = _client()
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for rank in range(5, 25):
        pf.award(the.made, pf.add_ranked(the.made, rank), "二等奖", rank)
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


# --- The entrant


@pytest.mark.django_db
def _number_shown(number: str, html: str) -> bool:
    """Whether `number` appears as a number on the page, leaving out dates and times (the
    notice's times may contain any digits)."""
    text = re.sub(r"<time[^>]*>.*?</time>", "", html, flags=re.S)
    return re.search(rf"(?<![\d.:]){number}(?:\.\d+)?(?![\d:])", text) is not None


def test_entrant_sees_own_rank_total_and_prize_only(the):
    pf.notice(the.contest, state="open")
    html = _get(the, "entrant", reverse("work_result", args=[the.work.pk])).content.decode()
    assert "一等奖" in html
    assert _number_shown("94", html)  # own final score
    assert not _number_shown("93", html) and not _number_shown("92", html)  # others' scores
    assert the.made.works[1].title not in html
    assert the.judge.real_name not in html
    assert "初中·数学·教师组" in html  # the pool


@pytest.mark.django_db
def test_entrant_sees_nothing_before_the_notice(the):
    pf.notice(the.contest, state="scheduled")
    html = _get(the, "entrant", reverse("work_result", args=[the.work.pk])).content.decode()
    assert "一等奖" not in html and not _number_shown("94", html)
    assert 'name="text"' not in html


@pytest.mark.django_db
def test_entrant_files_an_appeal_and_reads_the_answer(the):
    pf.notice(the.contest, state="open")
    client = _client(the.entrant)
    url = reverse("work_result", args=[the.work.pk])
    response = client.post(url, {"reason": "score", "text": "第三项评分偏低"})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.text == "第三项评分偏低"
    again = client.post(url, {"text": "再一次"})
    assert again.status_code == 200
    assert Appeal.objects.count() == 1
    assert "already has an appeal" in again.content.decode()
    organiser = _client(the.organiser)
    answer_url = reverse("appeal_detail", args=[appeal.pk])
    page = organiser.get(answer_url).content.decode()
    assert "94" in page and "一等奖" in page
    assert reverse("round_review", args=[the.contest.slug, the.made.round.pk]) in page
    response = organiser.post(answer_url, {"outcome": "dismissed", "answer": "经复核维持原评分"})
    assert response.status_code == 302
    html = client.get(answer_url).content.decode()
    assert "经复核维持原评分" in html
    assert the.organiser.real_name not in html


@pytest.mark.django_db
def test_late_appeal_page_is_refused_clearly(the):
    notice = pf.notice(the.contest, state="open")
    client = _client(the.entrant)
    url = reverse("work_result", args=[the.work.pk])
    assert 'name="text"' in client.get(url).content.decode()
    Notice.objects.filter(pk=notice.pk).update(
        starts_at=notice.starts_at - pf.dt.timedelta(days=10),
        ends_at=pf.timezone.now() - pf.dt.timedelta(seconds=1),
    )
    response = client.post(url, {"text": "迟到的申诉"})
    assert response.status_code == 200
    assert "The notice has closed" in response.content.decode()
    assert not Appeal.objects.exists()
    html = client.get(url).content.decode()
    assert 'name="text"' not in html


@pytest.mark.django_db
def test_work_page_and_dashboard_link_to_the_result(the):
    pf.notice(the.contest, state="open")
    the.contest.phase = "results"
    the.contest.save()
    client = _client(the.entrant)
    link = reverse("work_result", args=[the.work.pk])
    assert link in client.get(reverse("work_detail", args=[the.work.pk])).content.decode()
    assert link in client.get(reverse("dashboard")).content.decode()


# --- Organisers


@pytest.mark.django_db
def test_organiser_sets_and_publishes_the_notice(the):
    client = _client(the.organiser)
    url = reverse("notice_manage", args=[the.contest.slug])
    response = client.post(
        url,
        {
            "starts_at": "2030-05-01T09:00",
            "ends_at": "2030-05-08T17:00",
            "show_title": "on",
            "show_tier": "on",
            "text": "公示期内可申诉",
        },
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.starts_at.isoformat() == "2030-05-01T01:00:00+00:00"  # China time in the form
    assert not notice.show_authors
    client.post(reverse("notice_publish", args=[the.contest.slug]))
    notice.refresh_from_db()
    assert notice.state == Notice.State.SCHEDULED
    client.post(reverse("notice_withdraw", args=[the.contest.slug]))
    notice.refresh_from_db()
    assert notice.published_at is None


@pytest.mark.django_db
def test_organiser_form_shows_bad_times(the):
    client = _client(the.organiser)
    response = client.post(
        reverse("notice_manage", args=[the.contest.slug]),
        {"starts_at": "2030-05-08T09:00", "ends_at": "2030-05-01T17:00"},
    )
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Notice.objects.exists()


@pytest.mark.django_db
def test_publish_without_confirmed_awards_says_why(db):
    made = pf.awarded_contest(2, confirmed=False)
    pf.notice(made.contest, state="draft")
    client = _client(made.organiser)
    response = client.post(reverse("notice_publish", args=[made.contest.slug]), follow=True)
    assert Notice.objects.get().published_at is None
    assert response.status_code == 200


@pytest.mark.django_db
def test_appeal_list_filters_and_queries(the):
    pf.notice(the.contest, state="open")
    for work in the.made.works:
        appeal_file(work=work, user=work.entrant, text="请复核")
    answered = Appeal.objects.first()
    appeal_answer(appeal=answered, actor=the.organiser, outcome="dismissed", answer="维持")
    client = _client(the.organiser)
    url = reverse("appeal_list", args=[the.contest.slug])
    html = client.get(url, {"state": "open"}).content.decode()
    assert html.count("/appeals/") - html.count("/appeals/?") >= 3
    assert answered.work.title not in html
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for rank in range(5, 15):
        work = pf.add_ranked(the.made, rank)
        appeal_file(work=work, user=work.entrant, text="请复核")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.django_db
def test_contest_page_links_to_the_results(the):
    pf.notice(the.contest, state="open")
    link = reverse("public_results", args=[the.contest.slug])
    page = reverse("contest_detail", args=[the.contest.slug])
    assert link not in _get(the, "anonymous", page).content.decode()
    the.contest.phase = "results"
    the.contest.save()
    assert link in _get(the, "anonymous", page).content.decode()
