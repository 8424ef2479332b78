"""The entrant's work pages: who may open them, creating and editing, and what the pages show."""

import re

import pytest
from django.urls import reverse

from contest.models import CoAuthor, ProcessingState, Work
from tests import factories
from tests import work_factories as wf

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def login(client, user, lang: str | None = "en"):
    client.force_login(user)
    if lang:
        client.cookies["lang"] = lang
    return client


def work_data(category, /, **changes) -> dict:
    data = {
        "title": "勾股定理的七种证明",
        "category": str(category.pk),
        "summary": "面向初二学生。",
        "supervisor_name": "",
        "supervisor_institution": "",
        "co_authors-TOTAL_FORMS": "2",
        "co_authors-INITIAL_FORMS": "0",
        "co_authors-MIN_NUM_FORMS": "0",
        "co_authors-MAX_NUM_FORMS": "2",
        "co_authors-0-name": "欧阳燚",
        "co_authors-0-institution": "杭州市犇鑫实验学校",
        "co_authors-1-name": "",
        "co_authors-1-institution": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def category(contest):
    return factories.CategoryFactory(contest=contest)


@pytest.fixture
def work(contest, category):
    work = wf.WorkFactory(contest=contest, category=category)
    wf.CoAuthorFactory(work=work, name="诸葛亮")
    return work


def people(work) -> dict:
    """Everyone the permission matrix asks about, by the name the tests use."""
    contest = work.contest
    return {
        "owner": work.entrant,
        "other_entrant": factories.UserFactory(),
        "organiser": factories.OrganiserFactory(contest=contest).user,
        "other_organiser": factories.OrganiserFactory().user,
        "judge": factories.JudgeFactory(contest=contest).user,
        "coordinator": wf.CoordinatorFactory(
            contest=contest, institution=work.entrant.institution
        ).user,
    }


def status_for(client, user, url: str, method: str = "get") -> int:
    client.logout()
    if user is not None:
        login(client, user)
    return getattr(client, method)(url).status_code


# --- Who may open what


@pytest.mark.django_db
def test_work_detail_permission_matrix(client, work):
    url = reverse("work_detail", args=[work.pk])
    expected = {
        "owner": 200,
        "organiser": 200,
        "other_entrant": 404,
        "other_organiser": 404,
        "judge": 404,
        "coordinator": 404,
    }
    for name, user in people(work).items():
        assert status_for(client, user, url) == expected[name], name
    assert status_for(client, None, url) == 302


@pytest.mark.django_db
def test_work_edit_permission_matrix(client, work):
    url = reverse("work_edit", args=[work.pk])
    expected = {
        "owner": 200,
        "organiser": 403,
        "other_entrant": 404,
        "other_organiser": 404,
        "judge": 404,
        "coordinator": 404,
    }
    for name, user in people(work).items():
        assert status_for(client, user, url) == expected[name], name
        assert status_for(client, user, url, "post") == expected[name], name
    assert status_for(client, None, url) == 302


@pytest.mark.django_db
def test_media_state_permission_matrix(client, work):
    url = reverse("work_media_state", args=[work.pk])
    expected = {
        "owner": 200,
        "organiser": 200,
        "other_entrant": 404,
        "other_organiser": 404,
        "judge": 404,
        "coordinator": 404,
    }
    for name, user in people(work).items():
        assert status_for(client, user, url) == expected[name], name
    assert status_for(client, None, url) == 302


@pytest.mark.django_db
def test_work_create_permission_matrix(client, work):
    url = reverse("work_create", args=[work.contest.slug])
    expected = {
        "owner": 200,
        "organiser": 403,
        "other_entrant": 200,
        "other_organiser": 200,
        "judge": 403,
        "coordinator": 200,
    }
    for name, user in people(work).items():
        assert status_for(client, user, url) == expected[name], name
    assert status_for(client, factories.UserFactory(email_verified_at=None), url) == 403
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_work_create_refused_for_a_contest_not_open(client, user):
    draft = factories.ContestFactory(phase="draft")
    closed = factories.ContestFactory(phase="judging")
    login(client, user)
    assert client.get(reverse("work_create", args=[draft.slug])).status_code == 404
    assert client.get(reverse("work_create", args=[closed.slug])).status_code == 403


@pytest.mark.django_db
def test_organiser_sees_the_work_read_only(client, work):
    organiser = factories.OrganiserFactory(contest=work.contest).user
    html = login(client, organiser).get(reverse("work_detail", args=[work.pk])).content.decode()
    assert work.title in html
    assert work.entrant.real_name in html
    assert reverse("work_edit", args=[work.pk]) not in html
    assert reverse("work_submit", args=[work.pk]) not in html
    assert reverse("work_withdraw", args=[work.pk]) not in html
    assert "data-upload-url" not in html


# --- Creating


@pytest.mark.django_db
def test_create_form_lists_only_this_contests_categories(client, user, category):
    factories.CategoryFactory(name="别的大赛的类别")
    html = login(client, user).get(reverse("work_create", args=[category.contest.slug]))
    html = html.content.decode()
    assert category.name in html
    assert "别的大赛的类别" not in html
    assert html.count('name="co_authors-') >= 2 * category.contest.max_co_authors


@pytest.mark.django_db
def test_create_saves_the_work_and_its_co_authors(client, user, category):
    url = reverse("work_create", args=[category.contest.slug])
    response = login(client, user).post(url, work_data(category, title="  勾股定理  的证明 "))
    work = Work.objects.get(entrant=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("work_detail", args=[work.pk])
    assert work.title == "勾股定理 的证明"
    assert work.status == Work.Status.DRAFT
    assert re.fullmatch(r"[2-9A-Z]{8}", work.anonymous_code)
    assert list(work.co_authors.values_list("name", "institution")) == [
        ("欧阳燚", "杭州市犇鑫实验学校")
    ]


@pytest.mark.django_db
def test_create_refuses_another_contests_category(client, user, category):
    foreign = factories.CategoryFactory()
    url = reverse("work_create", args=[category.contest.slug])
    response = login(client, user).post(url, work_data(category, category=str(foreign.pk)))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Work.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("category_value", ["abc", "", "-1", "99999999999999999999"])
def test_create_refuses_a_malformed_category(client, user, category, category_value):
    url = reverse("work_create", args=[category.contest.slug])
    response = login(client, user).post(url, work_data(category, category=category_value))
    assert response.status_code == 200
    assert 'class="invalid-feedback d-block" id="id_category_error"' in response.content.decode()
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_create_refuses_too_many_co_authors(client, user, category):
    data = work_data(
        category,
        **{"co_authors-TOTAL_FORMS": "3", "co_authors-2-name": "张三", "co_authors-1-name": "李四"},
    )
    url = reverse("work_create", args=[category.contest.slug])
    response = login(client, user).post(url, data)
    assert response.status_code == 200
    assert "Please submit at most 2 forms." in response.content.decode()
    assert not Work.objects.exists()
    assert not CoAuthor.objects.exists()


@pytest.mark.django_db
def test_create_refuses_a_co_author_without_a_name(client, user, category):
    data = work_data(category, **{"co_authors-0-name": ""})
    response = login(client, user).post(reverse("work_create", args=[category.contest.slug]), data)
    assert "Give the co-author&#x27;s name, or leave the row empty." in response.content.decode()
    assert not Work.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,limit",
    [("title", 120), ("summary", 2000), ("supervisor_name", 60), ("co_authors-0-name", 60)],
)
def test_create_refuses_over_long_text(client, user, category, field, limit):
    data = work_data(category, **{field: "长" * (limit + 1)})
    response = login(client, user).post(reverse("work_create", args=[category.contest.slug]), data)
    assert response.status_code == 200
    assert f"Ensure this value has at most {limit} characters" in response.content.decode()
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_create_refuses_a_blank_title(client, user, category):
    data = work_data(category, title="   ")
    response = login(client, user).post(reverse("work_create", args=[category.contest.slug]), data)
    assert "This field is required." in response.content.decode()
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_create_requires_a_supervisor_for_a_student_group(client, user, contest):
    group = factories.GroupFactory(contest=contest, name="师范生组", requires_supervisor=True)
    category = factories.CategoryFactory(contest=contest, group=group)
    url = reverse("work_create", args=[contest.slug])
    form_html = login(client, user).get(url).content.decode()
    assert "Required for works of these groups: 师范生组." in form_html
    response = client.post(url, work_data(category))
    html = response.content.decode()
    assert "Works of the group “师范生组” need a supervising teacher." in html
    assert 'id="id_supervisor_name_error"' in html
    assert not Work.objects.exists()
    response = client.post(
        url, work_data(category, supervisor_name="黄老师", supervisor_institution="浙江师范大学")
    )
    assert response.status_code == 302
    assert Work.objects.get().supervisor_name == "黄老师"


@pytest.mark.django_db
def test_second_work_refused_when_the_limit_is_one(client, work):
    url = reverse("work_create", args=[work.contest.slug])
    response = login(client, work.entrant).post(url, work_data(work.category))
    assert response.status_code == 200
    assert "You may enter at most 1 work(s) in this contest." in response.content.decode()
    assert Work.objects.filter(entrant=work.entrant).count() == 1


@pytest.mark.django_db
def test_errors_are_chinese_by_default(client, user, category):
    login(client, user, lang=None)
    url = reverse("work_create", args=[category.contest.slug])
    response = client.post(url, work_data(category, title=""))
    assert response["Content-Language"] == "zh-hans"
    assert response.status_code == 200
    assert not Work.objects.exists()


@pytest.mark.django_db
def test_markup_in_user_text_is_escaped(client, user, category):
    url = reverse("work_create", args=[category.contest.slug])
    data = work_data(
        category,
        title=SCRIPT,
        summary=SCRIPT,
        **{"co_authors-0-name": SCRIPT, "co_authors-0-institution": SCRIPT},
    )
    login(client, user).post(url, data)
    work = Work.objects.get()
    assert work.title == SCRIPT
    for page in (
        reverse("work_detail", args=[work.pk]),
        reverse("my_works"),
        reverse("work_edit", args=[work.pk]),
        reverse("dashboard"),
    ):
        html = client.get(page).content.decode()
        assert SCRIPT not in html, page
        assert ESCAPED in html or "&lt;script&gt;" in html, page


# --- Editing


@pytest.mark.django_db
def test_edit_form_shows_the_work_and_saves_changes(client, work):
    url = reverse("work_edit", args=[work.pk])
    html = login(client, work.entrant).get(url).content.decode()
    assert f'value="{work.title}"' in html
    assert 'value="诸葛亮"' in html
    response = client.post(
        url, work_data(work.category, title="新标题", **{"co_authors-0-name": "司马懿"})
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.title == "新标题"
    assert list(work.co_authors.values_list("name", flat=True)) == ["司马懿"]


@pytest.mark.django_db
def test_edit_can_remove_every_co_author(client, work):
    data = work_data(work.category, **{"co_authors-0-name": "", "co_authors-0-institution": ""})
    assert login(client, work.entrant).post(reverse("work_edit", args=[work.pk]), data)[
        "Location"
    ] == reverse("work_detail", args=[work.pk])
    assert not work.co_authors.exists()


@pytest.mark.django_db
def test_edit_of_a_submitted_work_is_refused_with_the_reason(client, work):
    Work.objects.filter(pk=work.pk).update(status=Work.Status.SUBMITTED)
    url = reverse("work_edit", args=[work.pk])
    html = login(client, work.entrant).get(url).content.decode()
    assert "A work that is “Submitted” can no longer be changed." in html
    response = client.post(url, work_data(work.category, title="偷偷改"))
    assert "can no longer be changed" in response.content.decode()
    work.refresh_from_db()
    assert work.title != "偷偷改"


# --- The work's page


@pytest.mark.django_db
def test_detail_shows_checklist_and_upload_forms(client, work):
    work.contest.required_attachments = ["design", "slides"]
    work.contest.save()
    html = login(client, work.entrant).get(reverse("work_detail", args=[work.pk])).content.decode()
    assert work.anonymous_code in html
    assert "诸葛亮" in html
    assert "Before you can submit, add:" in html
    assert "a checked video" in html
    assert f'data-upload-url="{reverse("video_upload", args=[work.pk])}"' in html
    assert 'data-upload-kind="video"' in html
    assert f'data-upload-url="{reverse("attachment_upload", args=[work.pk, "slides"])}"' in html
    assert 'accept=".mp4,video/mp4"' in html
    assert ".docx,.pdf," in html and ".pptx,.pdf," in html
    assert "At most 500 MB." in html and "At most 50 MB." in html
    assert html.count("<progress") == 3
    assert html.count("data-upload-error") == 3
    assert "js/upload.js" in html


@pytest.mark.django_db
def test_detail_shows_the_reason_a_file_was_refused(client, work):
    wf.VideoAssetFactory(
        work=work,
        state=ProcessingState.FAILED,
        is_current=False,
        error_code="too_short",
        error_params={"duration_text": "0:03", "min_duration_text": "5:00"},
    )
    wf.AttachmentFactory(
        work=work, state=ProcessingState.FAILED, is_current=False, error_code="no_such_code"
    )
    html = login(client, work.entrant).get(reverse("work_detail", args=[work.pk])).content.decode()
    assert "The video lasts 0:03; this contest requires at least 5:00." in html
    assert "The file could not be checked. Please upload it again" in html
    assert 'data-state="failed"' in html


@pytest.mark.django_db
def test_detail_keeps_the_checked_video_while_a_new_one_is_refused(client, work):
    wf.VideoAssetFactory(work=work)
    wf.VideoAssetFactory(
        work=work,
        state=ProcessingState.FAILED,
        is_current=False,
        error_code="not_video",
        error_params={"looks_like": "html"},
    )
    html = login(client, work.entrant).get(reverse("work_detail", args=[work.pk])).content.decode()
    assert "it looks like a web page (HTML)" in html
    assert "the file checked before stays in use" in html
    assert "<video" in html


def preview_block(html: str) -> str:
    start = html.index('id="judges-preview"')
    return html[start : html.index("</section>", start)]


@pytest.mark.django_db
def test_preview_shows_what_judges_see_and_no_name(client, work):
    video = wf.VideoAssetFactory(work=work)
    design = wf.AttachmentFactory(work=work)
    for user in (work.entrant, factories.OrganiserFactory(contest=work.contest).user):
        html = login(client, user).get(reverse("work_detail", args=[work.pk])).content.decode()
        block = preview_block(html)
        assert work.anonymous_code in block
        assert '<video class="w-100 rounded bg-dark" controls preload="metadata"' in block
        assert f'poster="{reverse("video_poster", args=[video.uuid])}"' in block
        assert f'src="{reverse("video_blind", args=[video.uuid])}"' in block
        assert reverse("attachment_sanitised", args=[design.uuid]) in block
        for private in (
            work.entrant.real_name,
            work.entrant.institution.name,
            "诸葛亮",
            work.title,
            video.original_name,
            design.original_name,
        ):
            assert private not in block


@pytest.mark.django_db
def test_preview_waits_for_a_checked_video(client, work):
    wf.VideoAssetFactory(work=work, state=ProcessingState.PROCESSING, is_current=False)
    html = login(client, work.entrant).get(reverse("work_detail", args=[work.pk])).content.decode()
    assert "<video" not in preview_block(html)
    assert 'hx-trigger="every 3s"' in html
    assert 'data-state="processing"' in html


@pytest.mark.django_db
def test_media_state_polls_while_busy_and_reloads_the_page_when_done(client, work):
    video = wf.VideoAssetFactory(work=work, state=ProcessingState.UPLOADED, is_current=False)
    url = reverse("work_media_state", args=[work.pk])
    response = login(client, work.entrant).get(url + "?was_busy=1")
    html = response.content.decode()
    assert 'hx-get="' + url + '?was_busy=1"' in html
    assert "<html" not in html
    assert "HX-Refresh" not in response
    video.state, video.is_current = ProcessingState.READY, True
    video.save()
    response = client.get(url + "?was_busy=1")
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in response.content.decode()
    assert "HX-Refresh" not in client.get(url)


@pytest.mark.django_db
def test_detail_times_are_china_time(client, work):
    import datetime as dt

    contest = work.contest
    contest.submission_closes_at = dt.datetime(2099, 6, 30, 16, 0, tzinfo=dt.UTC)
    contest.save()
    html = login(client, work.entrant).get(reverse("work_detail", args=[work.pk])).content.decode()
    assert "July 1, 2099 00:00" in html
    assert "2099-07-01 00:00 (China time)" in html


@pytest.mark.django_db
def test_create_without_co_authors_when_the_contest_allows_none(client, user, contest, category):
    contest.max_co_authors = 0
    contest.save()
    url = reverse("work_create", args=[contest.slug])
    html = login(client, user).get(url).content.decode()
    assert 'name="co_authors-TOTAL_FORMS"' in html
    assert 'name="co_authors-0-name"' not in html
    data = {
        "title": "独立完成",
        "category": str(category.pk),
        "co_authors-TOTAL_FORMS": "0",
        "co_authors-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    data |= {"co_authors-TOTAL_FORMS": "1", "co_authors-0-name": "张三"}
    html = client.post(url, data | {"title": "第二件"}).content.decode()
    assert "Please submit at most 0 forms." in html
    assert Work.objects.count() == 1
