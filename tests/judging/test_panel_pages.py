"""Organiser pages of the judge panel: the list, editing, deactivating and removing members,
chief judges of a round; who may reach them; and the panel_add service's rules."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contest.errors import Conflict, ValidationFailed
from contest.models import ContestRole
from judging.models import Assignment, ChiefJudge, PanelMember, ScoreSheet
from judging.models import Conflict as ConflictOfInterest
from judging.services.panel import panel_add
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def contest(db):
    contest = factories.ContestFactory(phase="judging", slug="a")
    factories.SubjectFactory(contest=contest, code="math", name="数学")
    factories.StageFactory(contest=contest, code="junior", name="初中")
    factories.GroupFactory(contest=contest, code="teacher", name="教师组")
    return contest


@pytest.fixture
def organiser(contest):
    return factories.OrganiserFactory(contest=contest).user


@pytest.fixture
def member(contest):
    return jf.judge(contest, expertise=["subject:math", "stage:junior"], max_load=30)


@pytest.fixture
def round_(contest):
    return jf.RoundFactory(contest=contest)


@pytest.fixture
def as_organiser(client, organiser):
    client.force_login(organiser)
    client.cookies["lang"] = "en"
    return client


def url(name, contest, *args):
    return reverse(name, args=[contest.slug, *args])


def people(contest, member):
    """Everyone of the permission matrix but the organiser, with the status they get."""
    other = factories.OrganiserFactory(contest=factories.ContestFactory(phase="open")).user
    entrant = wf.WorkFactory(contest=contest, status="submitted").entrant
    return {"entrant": entrant, "judge": member.user, "other organiser": other}


# --- Who may reach the pages


def page_urls(contest, member, round_):
    return [
        url("panel_list", contest),
        url("panel_import", contest),
        url("panel_edit", contest, member.pk),
        url("round_chiefs", contest, round_.pk),
        url("conflict_list", contest),
    ]


@pytest.mark.django_db
def test_organiser_reaches_every_page(as_organiser, contest, member, round_):
    for address in page_urls(contest, member, round_):
        assert as_organiser.get(address).status_code == 200, address


@pytest.mark.django_db
def test_pages_are_closed_to_everyone_else(client, contest, member, round_):
    for address in page_urls(contest, member, round_):
        response = client.get(address)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    for who, user in people(contest, member).items():
        client.force_login(user)
        for address in page_urls(contest, member, round_):
            assert client.get(address).status_code == 403, (who, address)


@pytest.mark.django_db
def test_a_draft_contest_is_not_found_for_other_organisers(client, member):
    draft = factories.ContestFactory(phase="draft")
    client.force_login(factories.OrganiserFactory(contest=factories.ContestFactory()).user)
    assert client.get(url("panel_list", draft)).status_code == 404


@pytest.mark.django_db
def test_posts_are_refused_to_everyone_else(client, contest, member, round_):
    chief = ChiefJudge.objects.create(round=round_, user=member.user)
    conflict = ConflictOfInterest.objects.create(
        contest=contest, judge=member.user, work=jf.accepted_work(round_), source="organiser"
    )
    posts = [
        (url("conflict_remove", contest, conflict.pk), {}),
        (url("panel_import", contest), {}),
        (url("panel_invite", contest), {"email": "x@example.cn", "max_load": "5"}),
        (url("panel_edit", contest, member.pk), {"max_load": "1"}),
        (url("panel_active", contest, member.pk), {"active": "0"}),
        (url("panel_remove", contest, member.pk), {}),
        (url("panel_import_confirm", contest), {"token": "x"}),
        (url("round_chiefs", contest, round_.pk), {"user": member.user_id}),
        (url("chief_remove", contest, round_.pk, chief.pk), {}),
        (url("conflict_add", contest), {"judge": member.user_id}),
    ]
    for who, user in people(contest, member).items():
        client.force_login(user)
        for address, data in posts:
            assert client.post(address, data).status_code == 403, (who, address)
    member.refresh_from_db()
    assert (member.max_load, member.active) == (30, True)
    assert ChiefJudge.objects.filter(pk=chief.pk).exists()
    assert ConflictOfInterest.objects.filter(pk=conflict.pk).exists()


# --- The list


@pytest.mark.django_db
def test_list_shows_members_with_expertise_names_escaped(as_organiser, contest, member):
    member.user.real_name = SCRIPT
    member.user.save()
    html = as_organiser.get(url("panel_list", contest)).content.decode()
    assert ESCAPED in html and SCRIPT not in html
    assert member.user.email in html
    badge = '<span class="badge text-bg-light border me-1">%s</span>'
    assert badge % "数学" in html and badge % "初中" in html
    assert url("panel_edit", contest, member.pk) in html
    assert 'for="id_email"' in html  # the invitation form, labelled


@pytest.mark.django_db
def test_list_query_count_does_not_grow(as_organiser, contest):
    def queries(n):
        for _ in range(n):
            jf.judge(contest, expertise=["subject:math"])
        with CaptureQueriesContext(connection) as ctx:
            assert as_organiser.get(url("panel_list", contest)).status_code == 200
        return len(ctx.captured_queries)

    assert queries(1) == queries(3)


@pytest.mark.django_db
def test_pages_speak_chinese_by_default(client, organiser, contest):
    client.force_login(organiser)
    response = client.get(url("panel_list", contest))
    assert response["Content-Language"] == "zh-hans"


# --- Editing, deactivating, removing


@pytest.mark.django_db
def test_edit_sets_expertise_from_checkboxes(as_organiser, contest, member):
    response = as_organiser.post(
        url("panel_edit", contest, member.pk),
        {"subjects": ["subject:math"], "groups": ["group:teacher"], "max_load": "12"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.expertise == ["subject:math", "group:teacher"]
    assert (member.max_load, member.is_chief) == (12, False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"max_load": "0"},
        {"max_load": "abc"},
        {"max_load": "10001"},
        {"max_load": "5", "subjects": ["subject:physics"]},
    ],
)
def test_edit_refuses_bad_input(as_organiser, contest, member, data):
    response = as_organiser.post(url("panel_edit", contest, member.pk), data)
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    member.refresh_from_db()
    assert (member.max_load, member.expertise) == (30, ["subject:math", "stage:junior"])


@pytest.mark.django_db
def test_another_contests_member_is_not_found(as_organiser, contest):
    foreign = jf.judge(factories.ContestFactory(phase="judging"))
    assert as_organiser.get(url("panel_edit", contest, foreign.pk)).status_code == 404
    assert as_organiser.post(url("panel_remove", contest, foreign.pk)).status_code == 404
    assert PanelMember.objects.filter(pk=foreign.pk).exists()


@pytest.mark.django_db
def test_deactivate_and_activate(as_organiser, contest, member):
    as_organiser.post(url("panel_active", contest, member.pk), {"active": "0"})
    member.refresh_from_db()
    assert not member.active
    as_organiser.post(url("panel_active", contest, member.pk), {"active": "1"})
    member.refresh_from_db()
    assert member.active


@pytest.mark.django_db
def test_remove_takes_the_member_and_role_away(as_organiser, contest, member, round_):
    pending = jf.assignment(round_, judge_user=member.user)
    response = as_organiser.post(url("panel_remove", contest, member.pk))
    assert response.status_code == 302
    assert not PanelMember.objects.filter(pk=member.pk).exists()
    assert not ContestRole.objects.filter(contest=contest, user=member.user).exists()
    assert not Assignment.objects.filter(pk=pending.pk).exists()


@pytest.mark.django_db
def test_a_member_with_sheets_can_only_be_deactivated(as_organiser, contest, member, round_):
    assignment = jf.assignment(round_, judge_user=member.user)
    ScoreSheet.objects.create(assignment=assignment, state="submitted")
    html = as_organiser.get(url("panel_list", contest)).content.decode()
    assert url("panel_remove", contest, member.pk) not in html
    response = as_organiser.post(url("panel_remove", contest, member.pk), follow=True)
    assert "deactivate them instead" in response.content.decode()
    assert PanelMember.objects.filter(pk=member.pk).exists()


# --- panel_add


@pytest.mark.django_db
def test_panel_add_gives_the_judge_role(contest):
    user = factories.UserFactory()
    member = panel_add(
        contest=contest, user=user, expertise=["stage:junior"], max_load=8, is_chief=True
    )
    assert (member.expertise, member.max_load, member.is_chief) == (["stage:junior"], 8, True)
    assert ContestRole.objects.filter(contest=contest, user=user, role="judge").exists()


@pytest.mark.django_db
def test_panel_add_refuses_conflicts_of_roles_and_duplicates(contest, organiser, member):
    entrant = wf.WorkFactory(contest=contest).entrant
    for user, code in [(organiser, "role_conflict"), (entrant, "role_conflict")]:
        with pytest.raises(Conflict) as err:
            panel_add(contest=contest, user=user, expertise=[], max_load=5, is_chief=False)
        assert err.value.code == code
    with pytest.raises(Conflict) as err:
        panel_add(contest=contest, user=member.user, expertise=[], max_load=5, is_chief=False)
    assert err.value.code == "already_member"
    assert PanelMember.objects.filter(contest=contest).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "expertise, max_load, field",
    [
        (["subject:physics"], 5, "expertise"),
        ("subject:math", 5, "expertise"),
        ([1], 5, "expertise"),
        ([], 0, "max_load"),
        ([], "5", "max_load"),
        ([], True, "max_load"),
    ],
)
def test_panel_add_checks_expertise_and_load(contest, expertise, max_load, field):
    with pytest.raises(ValidationFailed) as err:
        panel_add(
            contest=contest,
            user=factories.UserFactory(),
            expertise=expertise,
            max_load=max_load,
            is_chief=False,
        )
    assert field in err.value.fields
    assert not PanelMember.objects.exists()


@pytest.mark.django_db
def test_another_contests_subject_is_unknown(contest):
    other = factories.SubjectFactory(code="art")
    with pytest.raises(ValidationFailed):
        panel_add(
            contest=contest,
            user=factories.UserFactory(),
            expertise=[f"subject:{other.code}"],
            max_load=5,
            is_chief=False,
        )


# --- Chief judges


@pytest.mark.django_db
def test_chiefs_for_the_round_and_for_a_category(as_organiser, contest, member, round_):
    category = factories.CategoryFactory(contest=contest, name="初中·数学·教师组")
    page = url("round_chiefs", contest, round_.pk)
    assert as_organiser.post(page, {"user": member.user_id}).status_code == 302
    assert (
        as_organiser.post(page, {"user": member.user_id, "category": category.pk}).status_code
        == 302
    )
    chiefs = set(ChiefJudge.objects.values_list("user_id", "category_id"))
    assert chiefs == {(member.user_id, None), (member.user_id, category.pk)}
    html = as_organiser.get(page).content.decode()
    assert "初中·数学·教师组" in html and member.user.real_name in html
    response = as_organiser.post(page, {"user": member.user_id})
    assert "already a chief judge" in response.content.decode()
    assert ChiefJudge.objects.count() == 2


@pytest.mark.django_db
def test_chiefs_are_only_active_members_and_round_categories(as_organiser, contest, member, round_):
    page = url("round_chiefs", contest, round_.pk)
    outsider = factories.UserFactory()
    inactive = jf.judge(contest, active=False)
    foreign = factories.CategoryFactory()
    for data in [
        {"user": outsider.pk},
        {"user": inactive.user_id},
        {"user": member.user_id, "category": foreign.pk},
        {"user": "x"},
    ]:
        response = as_organiser.post(page, data)
        assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert not ChiefJudge.objects.exists()


@pytest.mark.django_db
def test_chief_remove_and_another_rounds_chief(as_organiser, contest, member, round_):
    chief = ChiefJudge.objects.create(round=round_, user=member.user)
    other_round = jf.RoundFactory(contest=contest, rubric=round_.rubric)
    wrong = url("chief_remove", contest, other_round.pk, chief.pk)
    assert as_organiser.post(wrong).status_code == 404
    assert as_organiser.post(url("chief_remove", contest, round_.pk, chief.pk)).status_code == 302
    assert not ChiefJudge.objects.exists()
    foreign_round = jf.RoundFactory()
    assert as_organiser.get(url("round_chiefs", contest, foreign_round.pk)).status_code == 404


@pytest.mark.django_db
def test_chiefs_page_query_count_does_not_grow(as_organiser, contest, round_):
    def queries(n):
        for _ in range(n):
            category = factories.CategoryFactory(contest=contest)
            ChiefJudge.objects.create(round=round_, category=category, user=jf.judge(contest).user)
        with CaptureQueriesContext(connection) as ctx:
            assert as_organiser.get(url("round_chiefs", contest, round_.pk)).status_code == 200
        return len(ctx.captured_queries)

    assert queries(1) == queries(3)
