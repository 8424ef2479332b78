"""Organisers' set-up pages: groups, subjects, stages, categories, and the contest's people."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contest.models import Category, ContestRole, Group, Subject
from tests import factories

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def contest(db):
    return factories.ContestFactory(phase="draft", slug="a")


@pytest.fixture
def organiser(contest):
    return factories.OrganiserFactory(contest=contest).user


@pytest.fixture
def other(db):
    """Contest B with its own organiser, who has no rights in contest A."""
    contest = factories.ContestFactory(phase="open", slug="b")
    return factories.OrganiserFactory(contest=contest)


@pytest.fixture
def as_organiser(client, organiser):
    client.force_login(organiser)
    client.cookies["lang"] = "en"
    return client


def url(name: str, contest, *args) -> str:
    return reverse(name, args=[contest.slug, *args])


def category_data(**changes) -> dict:
    data = {
        "category-code": "math-junior",
        "category-name": "初中数学",
        "category-group": "",
        "category-subject": "",
        "category-stage": "",
        "category-order": "0",
    }
    data.update({f"category-{k}": v for k, v in changes.items()})
    return data


# --- The categories page


@pytest.mark.django_db
def test_categories_page_lists_dimensions_and_categories(as_organiser, contest):
    category = factories.CategoryFactory(contest=contest, name="初中·数学·教师组")
    html = as_organiser.get(url("contest_categories", contest)).content.decode()
    assert "初中·数学·教师组" in html
    assert category.group.code in html
    assert url("dimension_add", contest, "subjects") in html
    assert url("category_edit", contest, category.pk) in html
    assert url("categories_generate", contest) in html
    assert 'for="id_category-group"' in html


@pytest.mark.django_db
def test_category_form_offers_only_this_contests_items(as_organiser, contest, other):
    factories.GroupFactory(contest=contest, name="教师组")
    factories.GroupFactory(contest=other.contest, name="别的大赛的组")
    html = as_organiser.get(url("contest_categories", contest)).content.decode()
    assert "教师组" in html
    assert "别的大赛的组" not in html


@pytest.mark.django_db
def test_categories_page_is_forbidden_to_others(client, contest, other):
    public = factories.ContestFactory(phase="open")
    factories.OrganiserFactory(contest=public)
    assert client.get(url("contest_categories", public)).status_code == 302
    client.force_login(other.user)
    assert client.get(url("contest_categories", public)).status_code == 403
    assert client.get(url("contest_categories", contest)).status_code == 404  # a draft
    client.force_login(factories.JudgeFactory(contest=public).user)
    assert client.get(url("contest_categories", public)).status_code == 403


@pytest.mark.django_db
def test_categories_page_query_count_does_not_grow(as_organiser, contest):
    def queries(n):
        for _ in range(n):
            factories.CategoryFactory(contest=contest)
        with CaptureQueriesContext(connection) as ctx:
            assert as_organiser.get(url("contest_categories", contest)).status_code == 200
        return len(ctx.captured_queries)

    assert queries(1) == queries(2)


# --- Groups, subjects and stages


@pytest.mark.django_db
def test_dimension_add_creates_an_item(as_organiser, contest):
    response = as_organiser.post(
        url("dimension_add", contest, "groups"),
        {"groups-name": " 教师 组 ", "groups-code": "teachers", "groups-order": "2"},
    )
    assert response.status_code == 302
    group = Group.objects.get(contest=contest)
    assert (group.name, group.code, group.order) == ("教师 组", "teachers", 2)


@pytest.mark.django_db
def test_dimension_add_refuses_a_duplicate_code(as_organiser, contest):
    factories.SubjectFactory(contest=contest, code="math")
    response = as_organiser.post(
        url("dimension_add", contest, "subjects"),
        {"subjects-name": "数学", "subjects-code": "math", "subjects-order": "0"},
    )
    assert response.status_code == 200
    assert "This code is already used in the contest." in response.content.decode()
    assert Subject.objects.filter(contest=contest).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"stages-name": "", "stages-code": "x", "stages-order": "0"}, "This field is required"),
        ({"stages-name": "长" * 61, "stages-code": "x", "stages-order": "0"}, "at most 60"),
        ({"stages-name": "初中", "stages-code": "初 中", "stages-order": "0"}, "Enter a valid"),
        ({"stages-name": "初中", "stages-code": "junior", "stages-order": "一"}, "whole number"),
    ],
)
def test_dimension_add_refuses_bad_input(as_organiser, contest, data, message):
    response = as_organiser.post(url("dimension_add", contest, "stages"), data)
    assert message in response.content.decode()
    assert not contest.stages.exists()


@pytest.mark.django_db
def test_dimension_urls_refuse_an_unknown_kind_and_get(as_organiser, contest):
    assert (
        as_organiser.post(
            url("dimension_add", contest, "regions"), {"regions-name": "x", "regions-code": "x"}
        ).status_code
        == 404
    )
    assert as_organiser.get(url("dimension_add", contest, "groups")).status_code == 405


@pytest.mark.django_db
def test_dimension_edit_renames_and_reorders(as_organiser, contest):
    group = factories.GroupFactory(contest=contest, name="旧名", code="old")
    page = as_organiser.get(url("dimension_edit", contest, "groups", group.pk)).content.decode()
    assert 'value="旧名"' in page
    response = as_organiser.post(
        url("dimension_edit", contest, "groups", group.pk),
        {"name": "新名", "code": "new", "order": "5"},
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.code, group.order) == ("新名", "new", 5)


@pytest.mark.django_db
def test_dimension_of_another_contest_or_kind_gives_404(as_organiser, contest, other):
    foreign = factories.GroupFactory(contest=other.contest, name="别人的")
    for name in ("dimension_edit", "dimension_delete"):
        response = as_organiser.post(
            url(name, contest, "groups", foreign.pk), {"name": "被改", "code": "x", "order": "0"}
        )
        assert response.status_code == 404
    own = factories.GroupFactory(contest=contest)
    assert as_organiser.get(url("dimension_edit", contest, "subjects", own.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "别人的"


@pytest.mark.django_db
def test_dimension_delete_removes_an_unused_item(as_organiser, contest):
    stage = factories.StageFactory(contest=contest)
    response = as_organiser.post(url("dimension_delete", contest, "stages", stage.pk))
    assert response.status_code == 302
    assert not contest.stages.exists()


@pytest.mark.django_db
def test_dimension_delete_is_refused_while_a_category_uses_it(as_organiser, contest):
    category = factories.CategoryFactory(contest=contest)
    response = as_organiser.post(
        url("dimension_delete", contest, "groups", category.group_id), follow=True
    )
    assert "This item is used by a category" in response.content.decode()
    assert Group.objects.filter(pk=category.group_id).exists()


@pytest.mark.django_db
def test_dimension_writes_are_forbidden_to_another_contests_organiser(client, other):
    public = factories.ContestFactory(phase="open")
    group = factories.GroupFactory(contest=public, name="原名")
    client.force_login(other.user)
    assert (
        client.post(
            url("dimension_add", public, "groups"), {"groups-name": "x", "groups-code": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            url("dimension_edit", public, "groups", group.pk),
            {"name": "被改", "code": "x", "order": "0"},
        ).status_code
        == 403
    )
    assert client.post(url("dimension_delete", public, "groups", group.pk)).status_code == 403
    assert list(public.groups.values_list("name", flat=True)) == ["原名"]


@pytest.mark.django_db
def test_markup_in_item_and_category_names_is_escaped(as_organiser, contest):
    as_organiser.post(
        url("dimension_add", contest, "groups"),
        {"groups-name": SCRIPT, "groups-code": "g", "groups-order": "0"},
    )
    group = contest.groups.get()
    as_organiser.post(
        url("category_add", contest), category_data(name=f"类别{SCRIPT}", group=group.pk)
    )
    contest.phase = "open"
    contest.save()
    for page in (url("contest_categories", contest), url("contest_detail", contest)):
        html = as_organiser.get(page).content.decode()
        assert "<script>alert" not in html
        assert ESCAPED in html


# --- Categories


@pytest.mark.django_db
def test_category_add_with_this_contests_items(as_organiser, contest):
    group = factories.GroupFactory(contest=contest)
    subject = factories.SubjectFactory(contest=contest)
    response = as_organiser.post(
        url("category_add", contest), category_data(group=group.pk, subject=subject.pk)
    )
    assert response.status_code == 302
    category = Category.objects.get(contest=contest)
    assert (category.code, category.group, category.subject, category.stage) == (
        "math-junior",
        group,
        subject,
        None,
    )


@pytest.mark.django_db
def test_category_add_refuses_a_duplicate_code(as_organiser, contest):
    factories.CategoryFactory(contest=contest, code="math-junior")
    response = as_organiser.post(url("category_add", contest), category_data())
    assert "This code is already used in the contest." in response.content.decode()
    assert contest.categories.count() == 1


@pytest.mark.django_db
def test_category_add_refuses_a_duplicate_combination(as_organiser, contest):
    existing = factories.CategoryFactory(contest=contest, code="first")
    response = as_organiser.post(
        url("category_add", contest),
        category_data(
            group=existing.group_id, subject=existing.subject_id, stage=existing.stage_id
        ),
    )
    assert "A category with this group, subject and stage already exists." in (
        response.content.decode()
    )
    assert contest.categories.count() == 1


@pytest.mark.django_db
def test_category_add_refuses_another_contests_group(as_organiser, contest, other):
    foreign = factories.GroupFactory(contest=other.contest)
    response = as_organiser.post(url("category_add", contest), category_data(group=foreign.pk))
    assert response.status_code == 200
    assert "group" in response.context["category_form"].errors
    assert "Select a valid choice" in response.content.decode()
    assert not Category.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": ""}, "This field is required"),
        ({"code": "数学"}, "Enter a valid"),
        ({"name": "长" * 121}, "at most 120"),
        ({"group": "abc"}, "Select a valid choice"),
        ({"order": "-1"}, "greater than or equal to 0"),
    ],
)
def test_category_add_refuses_bad_input(as_organiser, contest, changes, message):
    response = as_organiser.post(url("category_add", contest), category_data(**changes))
    assert message in response.content.decode()
    assert not Category.objects.exists()


@pytest.mark.django_db
def test_category_edit_saves(as_organiser, contest):
    category = factories.CategoryFactory(contest=contest, name="旧名")
    page = as_organiser.get(url("category_edit", contest, category.pk)).content.decode()
    assert 'value="旧名"' in page
    response = as_organiser.post(
        url("category_edit", contest, category.pk),
        {
            "code": "renamed",
            "name": "新名",
            "group": category.group_id,
            "subject": "",
            "stage": category.stage_id,
            "order": "3",
        },
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.code, category.name, category.subject, category.order) == (
        "renamed",
        "新名",
        None,
        3,
    )


@pytest.mark.django_db
def test_category_of_another_contest_gives_404(as_organiser, contest, other):
    foreign = factories.CategoryFactory(contest=other.contest, name="别人的")
    assert as_organiser.get(url("category_edit", contest, foreign.pk)).status_code == 404
    assert (
        as_organiser.post(
            url("category_edit", contest, foreign.pk), {"code": "x", "name": "被改", "order": "0"}
        ).status_code
        == 404
    )
    assert as_organiser.post(url("category_delete", contest, foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "别人的"


@pytest.mark.django_db
def test_category_delete(as_organiser, contest):
    category = factories.CategoryFactory(contest=contest)
    assert as_organiser.get(url("category_delete", contest, category.pk)).status_code == 405
    assert as_organiser.post(url("category_delete", contest, category.pk)).status_code == 302
    assert not contest.categories.exists()


@pytest.mark.django_db
def test_category_writes_are_forbidden_to_another_contests_organiser(client, other):
    public = factories.ContestFactory(phase="open")
    category = factories.CategoryFactory(contest=public, name="原名")
    factories.GroupFactory(contest=public)
    client.force_login(other.user)
    assert client.post(url("category_add", public), category_data()).status_code == 403
    assert (
        client.post(
            url("category_edit", public, category.pk), {"code": "x", "name": "被改", "order": "0"}
        ).status_code
        == 403
    )
    assert client.post(url("category_delete", public, category.pk)).status_code == 403
    assert client.post(url("categories_generate", public)).status_code == 403
    assert list(public.categories.values_list("name", flat=True)) == ["原名"]


@pytest.mark.django_db
def test_generate_creates_every_missing_combination_once(as_organiser, contest):
    for code in ("teachers", "students"):
        factories.GroupFactory(contest=contest, code=code)
    for code in ("math", "chinese", "english"):
        factories.SubjectFactory(contest=contest, code=code)
    factories.StageFactory(contest=contest, code="junior")
    response = as_organiser.post(url("categories_generate", contest), follow=True)
    assert "6 categories were created." in response.content.decode()
    assert contest.categories.count() == 6
    response = as_organiser.post(url("categories_generate", contest), follow=True)
    assert "0 categories were created." in response.content.decode()
    assert contest.categories.count() == 6


@pytest.mark.django_db
def test_generate_is_post_only(as_organiser, contest):
    assert as_organiser.get(url("categories_generate", contest)).status_code == 405


# --- People


@pytest.mark.django_db
def test_people_page_lists_organisers_and_judges_only(as_organiser, contest, organiser):
    judge = factories.JudgeFactory(contest=contest, user__real_name="评委甲").user
    entrant = factories.UserFactory(real_name="参赛者乙")
    html = as_organiser.get(url("contest_people", contest)).content.decode()
    assert organiser.email in html
    assert judge.email in html
    assert entrant.email not in html
    assert "Organiser" in html and "Judge" in html


@pytest.mark.django_db
def test_people_page_is_forbidden_to_others(client, other):
    public = factories.ContestFactory(phase="open")
    factories.OrganiserFactory(contest=public)
    assert client.get(url("contest_people", public)).status_code == 302
    for user in (other.user, factories.UserFactory(), factories.JudgeFactory(contest=public).user):
        client.force_login(user)
        assert client.get(url("contest_people", public)).status_code == 403


@pytest.mark.django_db
def test_people_page_query_count_does_not_grow(as_organiser, contest):
    def queries(n):
        factories.JudgeFactory.create_batch(n, contest=contest)
        with CaptureQueriesContext(connection) as ctx:
            assert as_organiser.get(url("contest_people", contest)).status_code == 200
        return len(ctx.captured_queries)

    assert queries(1) == queries(2)


@pytest.mark.django_db
def test_add_a_judge_by_email(as_organiser, contest):
    person = factories.UserFactory(email="judge@example.cn")
    response = as_organiser.post(
        url("contest_person_add", contest), {"email": " Judge@Example.cn ", "role": "judge"}
    )
    assert response.status_code == 302
    assert ContestRole.objects.filter(contest=contest, user=person, role="judge").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "nobody@example.cn", "role": "judge"}, "No account uses this e-mail address."),
        ({"email": "not-an-email", "role": "judge"}, "Enter a valid email address"),
        ({"email": "known@example.cn", "role": "entrant"}, "Select a valid choice"),
        ({"email": "known@example.cn", "role": "organiser"}, "This person already has this role."),
    ],
)
def test_add_person_refuses_bad_input(as_organiser, contest, data, message):
    factories.OrganiserFactory(contest=contest, user__email="known@example.cn")
    before = ContestRole.objects.count()
    response = as_organiser.post(url("contest_person_add", contest), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ContestRole.objects.count() == before


@pytest.mark.django_db
def test_add_person_error_page_is_chinese_by_default(client, contest, organiser):
    client.force_login(organiser)
    response = client.post(
        url("contest_person_add", contest), {"email": "not-an-email", "role": "judge"}
    )
    assert response["Content-Language"] == "zh-hans"
    assert "Enter a valid email address" not in response.content.decode()


@pytest.mark.django_db
def test_remove_a_judge(as_organiser, contest):
    role = factories.JudgeFactory(contest=contest)
    assert as_organiser.get(url("contest_person_remove", contest, role.pk)).status_code == 405
    assert as_organiser.post(url("contest_person_remove", contest, role.pk)).status_code == 302
    assert not ContestRole.objects.filter(pk=role.pk).exists()


@pytest.mark.django_db
def test_the_last_organiser_cannot_be_removed(as_organiser, contest, organiser):
    role = ContestRole.objects.get(contest=contest, user=organiser)
    response = as_organiser.post(url("contest_person_remove", contest, role.pk), follow=True)
    assert "A contest must keep at least one organiser." in response.content.decode()
    assert ContestRole.objects.filter(pk=role.pk).exists()


@pytest.mark.django_db
def test_an_organiser_who_removes_themselves_is_sent_home(as_organiser, contest, organiser):
    factories.OrganiserFactory(contest=contest)
    role = ContestRole.objects.get(contest=contest, user=organiser)
    response = as_organiser.post(url("contest_person_remove", contest, role.pk))
    assert response.url == reverse("home")
    assert not ContestRole.objects.filter(pk=role.pk).exists()


@pytest.mark.django_db
def test_a_role_of_another_contest_gives_404(as_organiser, contest, other):
    assert as_organiser.post(url("contest_person_remove", contest, other.pk)).status_code == 404
    assert ContestRole.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_people_writes_are_forbidden_to_another_contests_organiser(client, other):
    public = factories.ContestFactory(phase="open")
    judge = factories.JudgeFactory(contest=public)
    factories.OrganiserFactory(contest=public)
    client.force_login(other.user)
    assert (
        client.post(
            url("contest_person_add", public), {"email": other.user.email, "role": "organiser"}
        ).status_code
        == 403
    )
    assert client.post(url("contest_person_remove", public, judge.pk)).status_code == 403
    assert ContestRole.objects.filter(pk=judge.pk).exists()
    assert not ContestRole.objects.filter(contest=public, user=other.user).exists()
