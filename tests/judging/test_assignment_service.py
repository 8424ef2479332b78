"""Assignment services: engine inputs from the database, preview and apply a plan, refills
after recusals, and hand edits (add, remove, move) with their refusals."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from contest.errors import Conflict, ValidationFailed
from contest.models import Institution
from judging.models import Assignment, PanelMember, Round, RoundWork, ScoreSheet
from judging.models import Conflict as ConflictOfInterest
from judging.selectors.assignment import engine_inputs
from judging.services import assignment as services
from judging.services.sheets import assignment_recuse, sheet_save, sheet_submit
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf

A = Assignment.State


@dataclass
class Setup:
    round: Round
    judges: list  # PanelMember
    works: list
    category: object

    @property
    def contest(self):
        return self.round.contest

    @property
    def organiser(self):
        return factories.OrganiserFactory(contest=self.contest).user


def make_round(*, k=3, judges=8, works=10, state=Round.State.ASSIGNING, **fields) -> Setup:
    """A round of `works` accepted works in one category and a panel of `judges` judges,
    each person at an institution of their own."""
    round_ = jf.RoundFactory(state=state, judges_per_work=k, expertise="ignore", **fields)
    category = factories.CategoryFactory(contest=round_.contest)
    members = [jf.judge(round_.contest) for _ in range(judges)]
    items = [jf.accepted_work(round_, category=category) for _ in range(works)]
    return Setup(round_, members, items, category)


def live(round_) -> list[Assignment]:
    return list(Assignment.objects.filter(round=round_).exclude(state=A.RECUSED))


def judges_of(round_, work) -> list[int]:
    return sorted(a.judge_id for a in live(round_) if a.work_id == work.pk)


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English; Chinese ones come with the translations.
    with translation.override("en"):
        yield


@pytest.fixture
def setup(db) -> Setup:
    """k=3, 8 judges, 10 works; judge 0 works where work 0's entrant does; judge 1 has a
    stored conflict with work 1."""
    setup = make_round()
    first = setup.judges[0].user
    first.institution = setup.works[0].entrant.institution
    first.save()
    ConflictOfInterest.objects.create(
        contest=setup.contest,
        judge=setup.judges[1].user,
        work=setup.works[1],
        source="organiser",
        reason="亲属关系",
    )
    return setup


# --- Engine inputs


@pytest.mark.django_db
def test_engine_inputs_read_judges_works_and_conflicts(setup):
    inputs = engine_inputs(setup.round)
    judges = {j.id: j for j in inputs.judges}
    assert set(judges) == {m.user_id for m in setup.judges}
    first = judges[setup.judges[0].user_id]
    assert first.institution == setup.works[0].entrant.institution_id
    assert first.city == "33/杭州市" and first.province == "33"
    assert first.max_load == 60
    works = {w.id: w for w in inputs.works}
    assert set(works) == {w.pk for w in setup.works}
    c = setup.category
    assert works[setup.works[0].pk].needs == {
        f"subject:{c.subject.code}",
        f"stage:{c.stage.code}",
        f"group:{c.group.code}",
    }
    assert (setup.judges[1].user_id, setup.works[1].pk) in inputs.conflicts
    assert inputs.existing == set()


@pytest.mark.django_db
def test_engine_inputs_leave_out_inactive_judges_and_people_without_the_judge_role(setup):
    PanelMember.objects.filter(pk=setup.judges[2].pk).update(active=False)
    setup.contest.roles.filter(user=setup.judges[3].user).delete()
    ids = {j.id for j in engine_inputs(setup.round).judges}
    assert setup.judges[2].user_id not in ids
    assert setup.judges[3].user_id not in ids


@pytest.mark.django_db
def test_co_author_and_supervisor_institutions_match_judges_by_normalised_name(setup):
    judge = setup.judges[4].user
    Institution.objects.filter(pk=judge.institution_id).update(name="杭州市 犇鑫实验学校")
    wf.CoAuthorFactory(work=setup.works[2], institution="杭州市犇鑫实验学校")
    setup.works[3].supervisor_institution = "杭州市犇鑫实验学校 "
    setup.works[3].save()
    works = {w.id: w for w in engine_inputs(setup.round).works}
    assert judge.institution_id in works[setup.works[2].pk].institutions
    assert judge.institution_id in works[setup.works[3].pk].institutions
    services.round_apply(round=setup.round, actor=None)
    assert judge.pk not in judges_of(setup.round, setup.works[2])
    assert judge.pk not in judges_of(setup.round, setup.works[3])


@pytest.mark.django_db
def test_engine_inputs_take_a_constant_number_of_queries(setup):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            engine_inputs(setup.round)
        return len(queries)

    few = count()
    for _ in range(3):
        jf.accepted_work(setup.round, category=setup.category)
        jf.judge(setup.contest)
    assert count() == few


# --- Plans


@pytest.mark.django_db
def test_applying_a_plan_gives_each_work_k_distinct_judges_without_conflicts(setup):
    result = services.round_apply(round=setup.round, actor=None, incremental=False)
    assert result.added_count == 30 and result.unstaffed_count == 0
    for work in setup.works:
        assert len(set(judges_of(setup.round, work))) == 3
    assert setup.judges[0].user_id not in judges_of(setup.round, setup.works[0])
    assert setup.judges[1].user_id not in judges_of(setup.round, setup.works[1])
    loads = [sum(a.judge_id == m.user_id for a in live(setup.round)) for m in setup.judges]
    assert max(loads) - min(loads) <= 1


@pytest.mark.django_db
def test_preview_saves_nothing_and_summarises_the_plan(setup):
    preview = services.round_plan(round=setup.round, incremental=True)
    assert Assignment.objects.count() == 0
    assert preview.works == 10 and preview.added_count == 30 and preview.kept_count == 0
    assert preview.unstaffed_count == 0 and preview.load_max - preview.load_min <= 1
    assert preview.conflicts_avoided >= 2
    assert [(c.category, c.works, c.staffed, c.short) for c in preview.coverage] == [
        (setup.category.name, 10, 10, 0)
    ]
    names = {row.name for row in preview.judges}
    assert {m.user.real_name for m in setup.judges} <= names
    assert sum(row.added for row in preview.judges) == 30


@pytest.mark.django_db
def test_preview_explains_works_it_cannot_staff():
    setup = make_round(k=3, judges=2, works=2)
    preview = services.round_plan(round=setup.round)
    assert preview.unstaffed_count == 2
    codes = {row.code for row in preview.unstaffed}
    assert codes == {w.anonymous_code for w in setup.works}
    assert all(row.missing == 1 for row in preview.unstaffed)
    assert "Too few judges" in preview.unstaffed[0].reason
    assert preview.coverage[0].short == 2


@pytest.mark.django_db
def test_incremental_apply_keeps_the_current_assignments(setup):
    services.round_apply(round=setup.round, actor=None)
    before = {(a.pk, a.judge_id, a.work_id) for a in live(setup.round)}
    again = services.round_apply(round=setup.round, actor=None)
    assert again.added_count == 0
    assert {(a.pk, a.judge_id, a.work_id) for a in live(setup.round)} == before


@pytest.mark.django_db
def test_a_full_plan_replaces_the_current_one_while_nobody_scores(setup):
    services.round_apply(round=setup.round, actor=None)
    first = {a.pk for a in live(setup.round)}
    services.round_apply(round=setup.round, actor=None, incremental=False)
    assert len(live(setup.round)) == 30
    assert not first & {a.pk for a in live(setup.round)}


@pytest.mark.django_db
def test_a_full_plan_is_refused_once_a_sheet_exists_or_the_round_is_open(setup):
    services.round_apply(round=setup.round, actor=None)
    ScoreSheet.objects.create(assignment=live(setup.round)[0])
    with pytest.raises(Conflict) as refused:
        services.round_apply(round=setup.round, actor=None, incremental=False)
    assert refused.value.code == "sheets_exist"
    assert len(live(setup.round)) == 30
    Round.objects.filter(pk=setup.round.pk).update(state=Round.State.OPEN)
    with pytest.raises(Conflict) as refused:
        services.round_apply(round=setup.round, actor=None, incremental=False)
    assert refused.value.code == "round_not_assigning"


@pytest.mark.django_db
@pytest.mark.parametrize("state", [Round.State.DRAFT, Round.State.CLOSED, Round.State.FROZEN])
def test_plans_are_applied_only_while_assigning_or_open(state):
    setup = make_round(works=2, judges=3, state=state)
    with pytest.raises(Conflict) as refused:
        services.round_apply(round=setup.round, actor=None)
    assert refused.value.code == "round_not_editable"
    assert services.round_fill(round_id=setup.round.pk).added_count == 0
    assert Assignment.objects.count() == 0


@pytest.mark.django_db
def test_a_recusal_brings_exactly_one_replacement(setup, django_capture_on_commit_callbacks):
    Round.objects.filter(pk=setup.round.pk).update(state=Round.State.OPEN)
    setup.round.refresh_from_db()
    services.round_apply(round=setup.round, actor=None)
    work = setup.works[5]
    mine = Assignment.objects.filter(round=setup.round, work=work).first()
    others = set(judges_of(setup.round, work)) - {mine.judge_id}
    with django_capture_on_commit_callbacks(execute=True):
        assignment_recuse(assignment=mine, actor=mine.judge, reason="我曾指导过这位作者")
    now = set(judges_of(setup.round, work))
    assert len(now) == 3 and others < now and mine.judge_id not in now
    assert len(live(setup.round)) == 30
    assert services.round_fill(round_id=setup.round.pk).added_count == 0


@pytest.mark.django_db
def test_a_fill_withdraws_assignments_that_came_to_conflict(setup):
    services.round_apply(round=setup.round, actor=None)
    first = live(setup.round)[0]
    ConflictOfInterest.objects.create(
        contest=setup.contest, judge=first.judge, work=first.work, source="organiser", reason="x"
    )
    assert services.round_plan(round=setup.round).withdrawn == 1
    result = services.round_fill(round_id=setup.round.pk)
    assert (result.added_count, result.withdrawn_count) == (1, 1)
    first.refresh_from_db()
    assert first.state == A.RECUSED and "conflict of interest" in first.recusal_reason
    assert len(judges_of(setup.round, first.work)) == 3


@pytest.mark.django_db
def test_inactive_judges_keep_their_work_but_get_no_more(setup):
    services.round_apply(round=setup.round, actor=None)
    gone = setup.judges[2]
    kept = judges_of(setup.round, setup.works[0])
    PanelMember.objects.filter(pk=gone.pk).update(active=False)
    late = jf.accepted_work(setup.round, category=setup.category)
    services.round_fill(round_id=setup.round.pk)
    assert gone.user_id not in judges_of(setup.round, late)
    assert judges_of(setup.round, setup.works[0]) == kept
    preview = services.round_plan(round=setup.round)
    assert [row.active for row in preview.judges if row.user_id == gone.user_id] == [False]


@pytest.mark.django_db
def test_withdrawn_and_draft_works_are_not_staffed(setup):
    setup.works[9].status = "withdrawn"
    setup.works[9].save()
    services.round_apply(round=setup.round, actor=None)
    assert judges_of(setup.round, setup.works[9]) == []
    assert RoundWork.objects.filter(round=setup.round).count() == 10


# --- Hand edits


@pytest.fixture
def organiser(setup):
    return setup.organiser


def add(setup, work, member, **kwargs):
    return services.assignment_add(
        round=setup.round, work=work, judge=member.user, actor=None, **kwargs
    )


@pytest.mark.django_db
def test_a_work_can_be_assigned_by_hand(setup, organiser):
    assignment = services.assignment_add(
        round=setup.round, work=setup.works[0], judge=setup.judges[2].user, actor=organiser
    )
    assert (assignment.state, assignment.round_id) == (A.PENDING, setup.round.pk)


@pytest.mark.django_db
def test_adding_refuses_conflicts_automatic_and_stored(setup):
    with pytest.raises(Conflict) as refused:
        add(setup, setup.works[0], setup.judges[0])
    assert refused.value.code == "conflict_of_interest"
    assert "Same institution as the entrant" in str(refused.value.message)
    with pytest.raises(Conflict) as refused:
        add(setup, setup.works[1], setup.judges[1])
    assert "Set by an organiser" in str(refused.value.message)
    assert Assignment.objects.count() == 0


@pytest.mark.django_db
def test_adding_refuses_same_province_when_the_round_says_so(setup):
    Round.objects.filter(pk=setup.round.pk).update(same_province_conflict=True)
    setup.round.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        add(setup, setup.works[4], setup.judges[4])
    assert "province" in str(refused.value.message)


@pytest.mark.django_db
def test_adding_refuses_duplicates_recusals_inactive_judges_and_strangers(setup):
    add(setup, setup.works[3], setup.judges[3])
    with pytest.raises(Conflict) as refused:
        add(setup, setup.works[3], setup.judges[3])
    assert refused.value.code == "duplicate"
    Assignment.objects.create(
        round=setup.round, work=setup.works[4], judge=setup.judges[4].user, state=A.RECUSED
    )
    with pytest.raises(Conflict) as refused:
        add(setup, setup.works[4], setup.judges[4])
    assert refused.value.code == "recused"
    PanelMember.objects.filter(pk=setup.judges[5].pk).update(active=False)
    with pytest.raises(ValidationFailed) as refused:
        add(setup, setup.works[5], setup.judges[5])
    assert "judge" in refused.value.fields
    stranger = factories.UserFactory()
    with pytest.raises(ValidationFailed):
        services.assignment_add(round=setup.round, work=setup.works[5], judge=stranger, actor=None)
    outside = wf.WorkFactory(contest=setup.contest, status="accepted")
    with pytest.raises(ValidationFailed) as refused:
        add(setup, outside, setup.judges[6])
    assert "work" in refused.value.fields
    assert Assignment.objects.filter(round=setup.round).count() == 2


@pytest.mark.django_db
def test_adding_over_the_maximum_load_needs_force(setup):
    PanelMember.objects.filter(pk=setup.judges[2].pk).update(max_load=1)
    add(setup, setup.works[2], setup.judges[2])
    with pytest.raises(Conflict) as refused:
        add(setup, setup.works[3], setup.judges[2])
    assert refused.value.code == "over_max_load"
    assert add(setup, setup.works[3], setup.judges[2], force=True).pk


@pytest.mark.django_db
def test_adding_outside_required_expertise_needs_force(setup):
    Round.objects.filter(pk=setup.round.pk).update(expertise="require")
    setup.round.refresh_from_db()
    with pytest.raises(Conflict) as refused:
        add(setup, setup.works[2], setup.judges[2])
    assert refused.value.code == "expertise"
    c = setup.category
    PanelMember.objects.filter(pk=setup.judges[3].pk).update(
        expertise=[f"subject:{c.subject.code}", f"stage:{c.stage.code}", f"group:{c.group.code}"]
    )
    assert add(setup, setup.works[2], setup.judges[3]).pk
    assert add(setup, setup.works[2], setup.judges[2], force=True).pk


@pytest.mark.django_db
def test_hand_edits_are_refused_once_the_round_closed(setup):
    assignment = add(setup, setup.works[2], setup.judges[2])
    Round.objects.filter(pk=setup.round.pk).update(state=Round.State.CLOSED)
    with pytest.raises(Conflict):
        add(setup, setup.works[3], setup.judges[3])
    with pytest.raises(Conflict):
        services.assignment_remove(assignment=assignment, actor=None)
    assert Assignment.objects.filter(pk=assignment.pk).exists()


@pytest.fixture
def open_setup(db) -> Setup:
    return make_round(works=3, judges=4, state=Round.State.OPEN)


def scores(assignment, value="10") -> dict:
    return {str(c.pk): value for c in assignment.round.rubric.criteria.all()}


@pytest.mark.django_db
def test_removing_is_refused_once_scored(open_setup):
    s = open_setup
    assignment = add(s, s.works[0], s.judges[0])
    sheet_submit(assignment=assignment, actor=assignment.judge, values=scores(assignment))
    with pytest.raises(Conflict) as refused:
        services.assignment_remove(assignment=assignment, actor=None)
    assert refused.value.code == "scored"
    drafted = add(s, s.works[1], s.judges[0])
    sheet_save(assignment=drafted, actor=drafted.judge, values={}, comments={})
    saved = add(s, s.works[2], s.judges[0])
    sheet_save(assignment=saved, actor=saved.judge, values=scores(saved, "5"))
    services.assignment_remove(assignment=drafted, actor=None)
    with pytest.raises(Conflict):
        services.assignment_remove(assignment=saved, actor=None)
    assert set(Assignment.objects.values_list("pk", flat=True)) == {assignment.pk, saved.pk}


@pytest.mark.django_db
def test_a_recusal_cannot_be_removed(open_setup):
    s = open_setup
    assignment = add(s, s.works[0], s.judges[0])
    assignment_recuse(assignment=assignment, actor=assignment.judge, reason="同事")
    with pytest.raises(Conflict) as refused:
        services.assignment_remove(assignment=assignment, actor=None)
    assert refused.value.code == "recused"


@pytest.mark.django_db
def test_moving_gives_the_work_to_another_judge(setup):
    assignment = add(setup, setup.works[2], setup.judges[2])
    moved = services.assignment_move(
        assignment=assignment, to_judge=setup.judges[3].user, actor=None
    )
    assert judges_of(setup.round, setup.works[2]) == [setup.judges[3].user_id]
    assert moved.work_id == setup.works[2].pk


@pytest.mark.django_db
def test_moving_to_a_conflicted_or_same_judge_changes_nothing(setup):
    assignment = add(setup, setup.works[0], setup.judges[2])
    with pytest.raises(Conflict):
        services.assignment_move(assignment=assignment, to_judge=setup.judges[0].user, actor=None)
    with pytest.raises(ValidationFailed):
        services.assignment_move(assignment=assignment, to_judge=setup.judges[2].user, actor=None)
    assert judges_of(setup.round, setup.works[0]) == [setup.judges[2].user_id]
    assert Assignment.objects.filter(pk=assignment.pk).exists()
