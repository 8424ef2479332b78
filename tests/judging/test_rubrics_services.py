"""Rubric services: criterion rules, ordering, and copying a frozen rubric."""

from decimal import Decimal

import pytest

from contest.errors import Conflict, ValidationFailed
from judging.models import Criterion, Round, Rubric
from judging.selectors.rounds import rubric_export
from judging.services import rubrics as services
from tests import factories
from tests.judging.test_rounds_helpers import (
    criterion_fields,
    empty_rubric,
    round_,
    rubric,
    snapshot,
)


@pytest.fixture
def contest(db):
    return factories.ContestFactory(phase="judging")


def _refused(call, field: str) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert field in caught.value.fields, caught.value.fields
    return caught.value


# --- Criterion rules


@pytest.mark.django_db
def test_add_criterion_with_levels(contest):
    edit = services.criterion_add(rubric=empty_rubric(contest), **criterion_fields())
    criterion = Criterion.objects.get(pk=edit.criterion.pk)
    assert edit.copied_from is None
    assert (criterion.name, criterion.max_points, criterion.step) == (
        "选题与设计",
        Decimal("20"),
        Decimal("0.5"),
    )
    assert criterion.levels == [
        {"label": "优", "text": "选题聚焦"},
        {"label": "良", "text": "选题明确"},
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"max_points": Decimal("10"), "step": Decimal("3")}, "max_points"),
        ({"max_points": Decimal("10.5"), "step": Decimal("1")}, "max_points"),
        ({"step": Decimal("0")}, "step"),
        ({"step": Decimal("-0.5")}, "step"),
        ({"max_points": Decimal("0")}, "max_points"),
        ({"max_points": Decimal("-5")}, "max_points"),
        ({"weight": Decimal("-1")}, "weight"),
        ({"weight": Decimal("0")}, "weight"),
        ({"max_points": "many"}, "max_points"),
        ({"max_points": Decimal("0.333")}, "max_points"),
        ({"name": ""}, "name"),
        ({"name": "名" * 61}, "name"),
        ({"levels": [{"label": "优", "text": "a"}, {"label": "优", "text": "b"}]}, "levels"),
        ({"levels": [{"label": "", "text": "没有标签"}]}, "levels"),
        ({"levels": [{"label": "优" * 21, "text": ""}]}, "levels"),
        ({"levels": [{"label": "优", "text": "字" * 501}]}, "levels"),
        ({"levels": [{"label": str(n), "text": ""} for n in range(11)]}, "levels"),
        ({"levels": "优:很好"}, "levels"),
        ({"levels": [{"label": 1, "text": "x"}]}, "levels"),
    ],
)
@pytest.mark.django_db
def test_bad_criterion_is_refused_and_nothing_saved(contest, changes, field):
    target = empty_rubric(contest)
    _refused(lambda: services.criterion_add(rubric=target, **criterion_fields(**changes)), field)
    assert not Criterion.objects.filter(rubric=target).exists()


@pytest.mark.django_db
def test_multiple_of_step_is_accepted(contest):
    edit = services.criterion_add(
        rubric=empty_rubric(contest),
        **criterion_fields(max_points=Decimal("7.5"), step=Decimal("0.25")),
    )
    assert edit.criterion.max_points == Decimal("7.5")


@pytest.mark.django_db
def test_criterion_names_are_unique_within_a_rubric(contest):
    target = empty_rubric(contest)
    services.criterion_add(rubric=target, **criterion_fields(name="教学内容"))
    _refused(
        lambda: services.criterion_add(rubric=target, **criterion_fields(name=" 教学内容 ")),
        "name",
    )
    # The same name in another rubric is fine.
    services.criterion_add(
        rubric=empty_rubric(contest, "另一个"), **criterion_fields(name="教学内容")
    )
    assert Criterion.objects.filter(name="教学内容").count() == 2


@pytest.mark.django_db
def test_renaming_to_its_own_name_is_fine(contest):
    target = rubric(contest)
    first = target.criteria.order_by("order").first()
    edit = services.criterion_update(criterion=first, name=first.name, max_points=Decimal("25"))
    assert edit.criterion.pk == first.pk
    assert Criterion.objects.get(pk=first.pk).max_points == Decimal("25")


@pytest.mark.django_db
def test_renaming_onto_another_criterion_is_refused(contest):
    target = rubric(contest)
    first, second = target.criteria.order_by("order")[:2]
    _refused(lambda: services.criterion_update(criterion=second, name=first.name), "name")
    assert Criterion.objects.get(pk=second.pk).name == second.name


@pytest.mark.django_db
def test_unknown_field_is_refused(contest):
    _refused(
        lambda: services.criterion_add(
            rubric=empty_rubric(contest), colour="red", **criterion_fields()
        ),
        "colour",
    )


@pytest.mark.django_db
def test_empty_level_rows_are_dropped_and_text_trimmed(contest):
    levels = [{"label": " 优 ", "text": " 很好 "}, {"label": "", "text": ""}]
    edit = services.criterion_add(rubric=empty_rubric(contest), **criterion_fields(levels=levels))
    assert edit.criterion.levels == [{"label": "优", "text": "很好"}]


@pytest.mark.django_db
def test_too_many_criteria_are_refused(contest):
    target = empty_rubric(contest)
    Criterion.objects.bulk_create(
        Criterion(rubric=target, name=f"项{n}", max_points=10, step=1, order=n)
        for n in range(services.MAX_CRITERIA)
    )
    with pytest.raises(Conflict):
        services.criterion_add(rubric=target, **criterion_fields())


# --- Order


@pytest.mark.django_db
def test_reorder_and_move(contest):
    target = rubric(contest)

    def order() -> list[int]:
        return list(target.criteria.order_by("order", "pk").values_list("pk", flat=True))

    a, b, c, d, e = order()
    services.criteria_reorder(rubric=target, order=[e, d, c, b, a])
    assert order() == [e, d, c, b, a]
    services.criterion_move(criterion=Criterion.objects.get(pk=e), offset=1)
    assert order() == [d, e, c, b, a]
    services.criterion_move(criterion=Criterion.objects.get(pk=c), offset=-1)
    assert order() == [d, c, e, b, a]
    services.criterion_move(criterion=Criterion.objects.get(pk=d), offset=-1)
    assert order() == [d, c, e, b, a]
    services.criterion_move(criterion=Criterion.objects.get(pk=a), offset=1)
    assert order() == [d, c, e, b, a]


@pytest.mark.parametrize("kind", ["missing", "duplicate", "foreign"])
@pytest.mark.django_db
def test_reorder_needs_every_criterion_once(contest, kind):
    target = rubric(contest)
    ids = list(target.criteria.values_list("pk", flat=True))
    other = rubric(contest, name="另一个").criteria.first().pk
    order = {"missing": ids[1:], "duplicate": [*ids, ids[0]], "foreign": [*ids[1:], other]}[kind]
    before = snapshot(target)
    _refused(lambda: services.criteria_reorder(rubric=target, order=order), "order")
    assert snapshot(target) == before


# --- Frozen rubrics


@pytest.mark.parametrize("state", [Round.State.OPEN, Round.State.CLOSED, Round.State.FROZEN])
@pytest.mark.django_db
def test_editing_a_frozen_rubric_makes_a_copy(contest, state):
    original = rubric(contest)
    used_by = round_(contest, rubric_=original, state=state)
    before = snapshot(original)
    first = original.criteria.order_by("order").first()

    edit = services.criterion_update(criterion=first, max_points=Decimal("30"))

    assert edit.copied_from.pk == original.pk
    copy = edit.rubric
    assert copy.pk != original.pk and copy.copied_from_id == original.pk
    assert snapshot(original) == before
    assert Round.objects.get(pk=used_by.pk).rubric_id == original.pk
    assert edit.criterion.rubric_id == copy.pk and edit.criterion.name == first.name
    assert edit.criterion.max_points == Decimal("30")
    assert copy.criteria.count() == 5
    # The copy is not used by an opened round: it is edited in place from now on.
    again = services.criterion_update(criterion=edit.criterion, max_points=Decimal("20"))
    assert again.copied_from is None and again.rubric.pk == copy.pk


@pytest.mark.parametrize("state", [Round.State.DRAFT, Round.State.ASSIGNING])
@pytest.mark.django_db
def test_rubric_of_an_unopened_round_is_edited_in_place(contest, state):
    original = rubric(contest)
    round_(contest, rubric_=original, state=state)
    edit = services.rubric_update(rubric=original, name="新名称")
    assert edit.copied_from is None
    assert Rubric.objects.get(pk=original.pk).name == "新名称"


@pytest.mark.django_db
def test_every_kind_of_edit_on_a_frozen_rubric_copies(contest):
    original = rubric(contest)
    round_(contest, rubric_=original, state=Round.State.OPEN)
    before = snapshot(original)
    first = original.criteria.order_by("order").first()
    ids = list(original.criteria.order_by("order").values_list("pk", flat=True))
    edits = [
        services.rubric_update(rubric=original, name="改过的评分标准"),
        services.rubric_update(rubric=original, note="只改说明"),
        services.criterion_add(rubric=original, **criterion_fields(name="新增项")),
        services.criterion_delete(criterion=first),
        services.criteria_reorder(rubric=original, order=ids[::-1]),
        services.criterion_move(criterion=first, offset=1),
    ]
    assert all(e.copied_from.pk == original.pk for e in edits)
    assert len({e.rubric.pk for e in edits}) == len(edits)
    assert snapshot(original) == before
    assert edits[0].rubric.name == "改过的评分标准"
    assert edits[1].rubric.name.startswith(original.name)
    assert edits[1].rubric.note == "只改说明"
    assert edits[2].rubric.criteria.count() == 6
    assert edits[3].rubric.criteria.count() == 4
    assert first.name not in edits[3].rubric.criteria.values_list("name", flat=True)
    reordered = list(edits[4].rubric.criteria.order_by("order").values_list("name", flat=True))
    assert reordered == [c[1] for c in before[2]][::-1]


@pytest.mark.django_db
def test_refused_edit_of_a_frozen_rubric_leaves_no_copy(contest):
    original = rubric(contest)
    round_(contest, rubric_=original, state=Round.State.OPEN)
    first = original.criteria.first()
    with pytest.raises(ValidationFailed):
        services.criterion_update(criterion=first, step=Decimal("0"))
    assert Rubric.objects.filter(contest=contest).count() == 1


@pytest.mark.django_db
def test_copy_name_stays_within_the_limit(contest):
    original = rubric(contest, name="长" * 120)
    round_(contest, rubric_=original, state=Round.State.OPEN)
    edit = services.rubric_update(rubric=original, note="x")
    assert len(edit.rubric.name) <= 120


@pytest.mark.django_db
def test_rubric_name_rules(contest):
    _refused(lambda: services.rubric_create(contest=contest, name="  "), "name")
    _refused(lambda: services.rubric_create(contest=contest, name="名" * 121), "name")
    created = services.rubric_create(contest=contest, name="  C20   评分标准 ")
    assert created.name == "C20 评分标准"


@pytest.mark.django_db
def test_create_with_criteria_reports_each_and_saves_nothing(contest):
    with pytest.raises(services.ImportRejected) as caught:
        services.rubric_create(
            contest=contest,
            name="带评分项",
            criteria=[
                criterion_fields(),
                criterion_fields(name="选题与设计"),
                criterion_fields(name="技术规范", step=Decimal("0")),
            ],
        )
    report = caught.value.fields["criteria"]
    assert len(report) == 2
    assert not Rubric.objects.filter(contest=contest).exists()


@pytest.mark.django_db
def test_export_has_the_shared_shape(contest):
    data = rubric_export(rubric(contest))
    assert data["total"] == 100
    assert [c["max"] for c in data["criteria"]] == [20, 25, 25, 15, 15]
    assert data["criteria"][0]["step"] == 0.5
    assert data["criteria"][0]["levels"]["优"].startswith("选题聚焦")
