"""The organisers' conflicts page: stored conflicts, recusals and the automatic conflicts of a
chosen round, with who, when, why; setting and removing conflicts from it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from judging.models import Assignment
from judging.models import Conflict as ConflictOfInterest
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture
def round_(db):
    return jf.RoundFactory(judges_per_work=1, name="初评")


@pytest.fixture
def contest(round_):
    return round_.contest


@pytest.fixture
def organiser(contest):
    return factories.OrganiserFactory(contest=contest).user


@pytest.fixture
def as_organiser(client, organiser):
    client.force_login(organiser)
    client.cookies["lang"] = "en"
    return client


def page(contest, **query):
    address = reverse("conflict_list", args=[contest.slug])
    return address + (f"?round={query['round']}" if query else "")


@pytest.mark.django_db
def test_page_shows_stored_conflicts_and_recusals_escaped(as_organiser, round_, contest, organiser):
    member = jf.judge(contest, user=factories.UserFactory(real_name=SCRIPT))
    work = jf.accepted_work(round_)
    conflict = ConflictOfInterest.objects.create(
        contest=contest,
        judge=member.user,
        work=work,
        source="organiser",
        reason=SCRIPT,
        created_by=organiser,
    )
    jf.assignment(round_, judge_user=member.user, state="recused", recusal_reason="是我的学生")
    html = as_organiser.get(page(contest)).content.decode()
    assert ESCAPED in html and SCRIPT not in html
    assert work.anonymous_code in html and "Set by an organiser" in html
    assert organiser.real_name in html
    assert "是我的学生" in html
    assert reverse("conflict_remove", args=[contest.slug, conflict.pk]) in html


@pytest.mark.django_db
def test_automatic_conflicts_of_the_chosen_round(as_organiser, round_, contest):
    school = factories.InstitutionFactory(name="温州市实验小学", city="温州市")
    member = jf.judge(contest, user=factories.UserFactory(institution=school, real_name="王喆"))
    mine = jf.accepted_work(round_, entrant=factories.UserFactory(institution=school))
    co = jf.accepted_work(round_)
    wf.CoAuthorFactory(work=co, institution="温州市 实验小学")
    assert "Same institution as the entrant" not in as_organiser.get(page(contest)).content.decode()
    html = as_organiser.get(page(contest, round=round_.pk)).content.decode()
    assert "Same institution as the entrant" in html and mine.anonymous_code in html
    assert "Same institution as a co-author" in html and co.anonymous_code in html
    assert member.user.real_name in html
    round_.same_city_conflict = True
    round_.save()
    html = as_organiser.get(page(contest, round=round_.pk)).content.decode()
    assert "Same city as the entrant (温州市), 1 work" in html


@pytest.mark.django_db
def test_page_query_count_does_not_grow(as_organiser, round_, contest):
    school = factories.InstitutionFactory()

    def queries(n):
        for _ in range(n):
            member = jf.judge(contest, user=factories.UserFactory(institution=school))
            work = jf.accepted_work(round_, entrant=factories.UserFactory(institution=school))
            ConflictOfInterest.objects.create(
                contest=contest, judge=member.user, work=work, source="declared", reason="r"
            )
            jf.assignment(round_, work=work, judge_user=member.user, state="recused")
        with CaptureQueriesContext(connection) as ctx:
            response = as_organiser.get(page(contest, round=round_.pk))
            assert response.status_code == 200
        return len(ctx.captured_queries)

    assert queries(1) == queries(3)


@pytest.mark.django_db
def test_set_a_conflict_by_anonymous_code(
    as_organiser, round_, contest, django_capture_on_commit_callbacks
):
    member = jf.judge(contest)
    jf.judge(contest)
    work = jf.accepted_work(round_)
    assignment = jf.assignment(round_, work=work, judge_user=member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_organiser.post(
            reverse("conflict_add", args=[contest.slug]),
            {"judge": member.user_id, "work_code": work.anonymous_code.lower(), "reason": "亲属"},
        )
    assert response.status_code == 302
    conflict = ConflictOfInterest.objects.get()
    assert (conflict.source, conflict.reason, conflict.work) == ("organiser", "亲属", work)
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.RECUSED
    assert Assignment.objects.filter(work=work).count() == 2  # another judge took it


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, field",
    [
        ({"work_code": "ZZZZZZZZ"}, "work_code"),
        ({"reason": ""}, "reason"),
        ({"judge": "999999"}, "judge"),
        ({"reason": "长" * 1001}, "reason"),
    ],
)
def test_set_refuses_bad_input(as_organiser, round_, contest, change, field):
    member = jf.judge(contest)
    work = jf.accepted_work(round_)
    foreign = wf.WorkFactory(status="accepted")
    data = {"judge": member.user_id, "work_code": work.anonymous_code, "reason": "r", **change}
    response = as_organiser.post(reverse("conflict_add", args=[contest.slug]), data)
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    data["work_code"] = foreign.anonymous_code  # another contest's work is unknown here
    as_organiser.post(reverse("conflict_add", args=[contest.slug]), data)
    assert not ConflictOfInterest.objects.exists()


@pytest.mark.django_db
def test_remove_from_the_page(as_organiser, round_, contest):
    member = jf.judge(contest)
    work = jf.accepted_work(round_)
    set_ = ConflictOfInterest.objects.create(
        contest=contest, judge=member.user, work=work, source="organiser", reason="r"
    )
    declared = ConflictOfInterest.objects.create(
        contest=contest, judge=member.user, work=jf.accepted_work(round_), source="declared"
    )
    remove = reverse("conflict_remove", args=[contest.slug, declared.pk])
    response = as_organiser.post(remove, follow=True)
    assert "cannot be removed" in response.content.decode()
    as_organiser.post(reverse("conflict_remove", args=[contest.slug, set_.pk]))
    assert list(ConflictOfInterest.objects.values_list("pk", flat=True)) == [declared.pk]
    foreign = ConflictOfInterest.objects.create(
        contest=factories.ContestFactory(),
        judge=member.user,
        work=wf.WorkFactory(),
        source="organiser",
    )
    assert (
        as_organiser.post(reverse("conflict_remove", args=[contest.slug, foreign.pk])).status_code
        == 404
    )


@pytest.mark.django_db
def test_others_may_not_remove(client, round_, contest):
    member = jf.judge(contest)
    conflict = ConflictOfInterest.objects.create(
        contest=contest, judge=member.user, work=jf.accepted_work(round_), source="organiser"
    )
    client.force_login(member.user)
    assert (
        client.post(reverse("conflict_remove", args=[contest.slug, conflict.pk])).status_code == 403
    )
    assert ConflictOfInterest.objects.exists()
