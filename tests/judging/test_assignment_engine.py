"""The judge-assignment engine: guarantees checked against independent reference code, on random
small instances (hypothesis) and on hand-made cases."""

import json
import math
import os
import subprocess
import sys
from collections import Counter, deque
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from judging.assignment import (
    ALL_ELIGIBLE_JUDGES_CONFLICTED,
    ALL_ELIGIBLE_JUDGES_FULL,
    NO_ELIGIBLE_JUDGE,
    NOT_ENOUGH_ELIGIBLE_JUDGES,
    Judge,
    Rules,
    Work,
    assign,
)

ROOT = Path(__file__).resolve().parents[2]
TAGS = ["subject:math", "subject:art", "stage:junior"]
CITIES = ["", "Hangzhou", "Ningbo"]
PROVINCES = ["", "Zhejiang", "Jiangsu"]


# --- Reference code: what the guarantees mean, written the slow obvious way


def conflicts(judge, work, rules, given=frozenset()):
    return (
        judge.institution in work.institutions
        or (judge.id, work.id) in given
        or (rules.same_city_conflict and judge.city != "" and judge.city in work.cities)
        or (
            rules.same_province_conflict
            and judge.province != ""
            and judge.province in work.provinces
        )
    )


def allowed(judge, work, rules):
    return rules.expertise != "require" or work.needs <= judge.expertise


def panels(plan):
    result = {}
    for judge_id, work_id in plan.assignments:
        result.setdefault(work_id, set()).add(judge_id)
    return result


def kept_pairs(judges, works, rules, given, existing):
    by_id = {judge.id: judge for judge in judges}
    work_by_id = {work.id: work for work in works}
    return {(j, w) for j, w in existing if not conflicts(by_id[j], work_by_id[w], rules, given)}


def max_new_pairs(judges, works, rules, given, kept, k_for):
    """The most new pairs any plan can add: a maximum flow, by breadth-first augmenting paths."""
    kept_load = Counter(j for j, _ in kept)
    kept_count = Counter(w for _, w in kept)
    capacity = {}
    for work in works:
        need = (k_for or {}).get(work.id, rules.k) - kept_count[work.id]
        capacity[("s", ("w", work.id))] = max(0, need)
        for judge in judges:
            free = allowed(judge, work, rules) and not conflicts(judge, work, rules, given)
            if free and (judge.id, work.id) not in kept:
                capacity[(("w", work.id), ("j", judge.id))] = 1
    for judge in judges:
        capacity[(("j", judge.id), "t")] = max(0, judge.max_load - kept_load[judge.id])
    return _max_flow(capacity)


def _max_flow(capacity):
    residual = Counter(capacity)
    neighbours = {}
    for a, b in capacity:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    flow = 0
    while True:
        parent, queue = {"s": None}, deque(["s"])
        while queue and "t" not in parent:
            node = queue.popleft()
            for nxt in sorted(neighbours.get(node, ()), key=repr):
                if nxt not in parent and residual[(node, nxt)] > 0:
                    parent[nxt] = node
                    queue.append(nxt)
        if "t" not in parent:
            return flow
        node = "t"
        while parent[node] is not None:
            residual[(parent[node], node)] -= 1
            residual[(node, parent[node])] += 1
            node = parent[node]
        flow += 1


# --- Random small instances


@st.composite
def instances(draw):
    judge_count = draw(st.integers(0, 8))
    judges = [
        Judge(
            id=10 + j,
            institution=draw(st.none() | st.integers(0, 4)),
            city=draw(st.sampled_from(CITIES)),
            province=draw(st.sampled_from(PROVINCES)),
            expertise=frozenset(draw(st.sets(st.sampled_from(TAGS)))),
            max_load=draw(st.sampled_from([0, 1, 2, 3, 5, 10**9])),
        )
        for j in range(judge_count)
    ]
    works = [
        Work(
            id=100 + w,
            institutions=frozenset(draw(st.sets(st.integers(0, 6), max_size=2))),
            cities=frozenset(draw(st.sets(st.sampled_from(CITIES), max_size=2))),
            provinces=frozenset(draw(st.sets(st.sampled_from(PROVINCES), max_size=1))),
            needs=frozenset(draw(st.sets(st.sampled_from(TAGS), max_size=2))),
        )
        for w in range(draw(st.integers(0, 12)))
    ]
    rules = Rules(
        k=draw(st.integers(0, 4)),
        same_city_conflict=draw(st.booleans()),
        same_province_conflict=draw(st.booleans()),
        expertise=draw(st.sampled_from(["require", "prefer", "ignore"])),
        seed=draw(st.integers(0, 2**32)),
    )
    all_pairs = [(judge.id, work.id) for judge in judges for work in works]
    pair_sets = st.sets(st.sampled_from(all_pairs)) if all_pairs else st.just(set())
    given = frozenset(draw(pair_sets))
    existing = frozenset(draw(pair_sets))
    k_for = {w.id: draw(st.integers(0, 5)) for w in works if draw(st.booleans())} or None
    return judges, works, rules, given, existing, k_for


def run(instance):
    judges, works, rules, given, existing, k_for = instance
    return assign(judges, works, rules, conflicts=given, existing=existing, k_for=k_for)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_every_pair_is_free_of_conflict_and_loads_stay_within_limits(instance):
    judges, works, rules, given, _, _ = instance
    plan = run(instance)
    by_id = {judge.id: judge for judge in judges}
    work_by_id = {work.id: work for work in works}
    for j, w in plan.assignments:
        assert not conflicts(by_id[j], work_by_id[w], rules, given)
    for j, w in plan.added:
        assert allowed(by_id[j], work_by_id[w], rules)
    assert plan.load == {j.id: sum(p[0] == j.id for p in plan.assignments) for j in judges}
    for judge_id in {j for j, _ in plan.added}:
        assert plan.load[judge_id] <= by_id[judge_id].max_load


@settings(max_examples=200, deadline=None)
@given(instances())
def test_existing_pairs_are_kept_unless_they_conflict_and_only_what_is_missing_is_added(instance):
    judges, works, rules, given, existing, k_for = instance
    plan = run(instance)
    kept = kept_pairs(judges, works, rules, given, existing)
    assert plan.dropped == existing - kept
    assert kept <= plan.assignments
    assert plan.added == plan.assignments - kept
    kept_count = Counter(w for _, w in kept)
    added_count = Counter(w for _, w in plan.added)
    for work in works:
        k = (k_for or {}).get(work.id, rules.k)
        assert added_count[work.id] <= max(0, k - kept_count[work.id])


@settings(max_examples=200, deadline=None)
@given(instances())
def test_the_plan_adds_as_many_pairs_as_the_constraints_allow(instance):
    judges, works, rules, given, existing, k_for = instance
    plan = run(instance)
    kept = kept_pairs(judges, works, rules, given, existing)
    assert len(plan.added) == max_new_pairs(judges, works, rules, given, kept, k_for)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_every_short_work_is_reported_with_its_reason(instance):
    judges, works, rules, given, _, k_for = instance
    plan = run(instance)
    staffed = panels(plan)
    for work in works:
        k = (k_for or {}).get(work.id, rules.k)
        have = len(staffed.get(work.id, ()))
        if have >= k:
            assert work.id not in plan.unstaffed
            continue
        shortfall = plan.unstaffed[work.id]
        eligible = [judge for judge in judges if allowed(judge, work, rules)]
        free = [judge for judge in eligible if not conflicts(judge, work, rules, given)]
        full = [
            judge
            for judge in free
            if judge.id not in staffed.get(work.id, ()) and plan.load[judge.id] >= judge.max_load
        ]
        assert shortfall.missing == k - have
        assert (shortfall.eligible, shortfall.conflicted, shortfall.full) == (
            len(eligible),
            len(eligible) - len(free),
            len(full),
        )
        assert shortfall.reason == expected_reason(eligible, free, k)
    assert set(plan.unstaffed) <= {work.id for work in works}


def expected_reason(eligible, free, k):
    if not eligible:
        return NO_ELIGIBLE_JUDGE
    if not free:
        return ALL_ELIGIBLE_JUDGES_CONFLICTED
    if len(free) < k:
        return NOT_ENOUGH_ELIGIBLE_JUDGES
    return ALL_ELIGIBLE_JUDGES_FULL


@settings(max_examples=200, deadline=None)
@given(instances())
def test_without_load_limits_each_work_gets_k_or_every_free_judge(instance):
    judges, works, rules, given, _, k_for = instance
    judges = [Judge(j.id, j.institution, j.city, j.province, j.expertise) for j in judges]
    plan = assign(judges, works, rules, conflicts=given, k_for=k_for)
    staffed = panels(plan)
    for work in works:
        free = [
            judge
            for judge in judges
            if allowed(judge, work, rules) and not conflicts(judge, work, rules, given)
        ]
        k = (k_for or {}).get(work.id, rules.k)
        assert len(staffed.get(work.id, ())) == min(k, len(free))


@settings(max_examples=200, deadline=None)
@given(instances())
def test_no_new_pair_can_move_to_an_interchangeable_judge_two_below(instance):
    judges, works, rules, given, _, _ = instance
    plan = run(instance)
    categories = sorted({work.needs for work in works} | {frozenset()}, key=sorted)
    staffed = panels(plan)

    def eligibility(judge):
        return (
            () if rules.expertise == "ignore" else tuple(c <= judge.expertise for c in categories)
        )

    work_by_id = {work.id: work for work in works}
    for hi, lo in combinations(judges, 2):
        if plan.load[hi.id] < plan.load[lo.id]:
            hi, lo = lo, hi
        if eligibility(hi) != eligibility(lo) or plan.load[hi.id] - plan.load[lo.id] < 2:
            continue
        if plan.load[lo.id] >= lo.max_load:
            continue
        for judge_id, work_id in plan.added:
            if judge_id == hi.id:
                work = work_by_id[work_id]
                assert lo.id in staffed[work_id] or conflicts(lo, work, rules, given)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_prefer_falls_back_only_when_no_matching_judge_is_free(instance):
    judges, works, _, given, _, k_for = instance
    judges = [Judge(j.id, j.institution, j.city, j.province, j.expertise) for j in judges]
    rules = Rules(k=3, expertise="prefer")
    plan = assign(judges, works, rules, conflicts=given, k_for=k_for)
    staffed = panels(plan)
    for work in works:
        on = staffed.get(work.id, set())
        lacking = [j for j in judges if j.id in on and not work.needs <= j.expertise]
        assert (work.id in plan.fallbacks) == bool(lacking)
        if lacking:
            for judge in judges:
                if work.needs <= judge.expertise and judge.id not in on:
                    assert conflicts(judge, work, rules, given)


@settings(max_examples=200, deadline=None)
@given(instances())
def test_conflicts_avoided_counts_the_allowed_pairs_a_conflict_excludes(instance):
    judges, works, rules, given, _, _ = instance
    plan = run(instance)
    expected = sum(
        allowed(judge, work, rules) and conflicts(judge, work, rules, given)
        for judge in judges
        for work in works
    )
    assert plan.conflicts_avoided == expected


@settings(max_examples=100, deadline=None)
@given(instances())
def test_the_same_input_and_seed_give_the_same_plan(instance):
    assert run(instance) == run(instance)


# --- Balance and co-reviews on uniform instances: everyone may judge everything


def co_reviews(plan):
    """How many works each pair of judges shares."""
    panel_pairs = (combinations(sorted(panel), 2) for panel in panels(plan).values())
    return Counter(pair for pairs in panel_pairs for pair in pairs)


def uniform(judge_count, work_count):
    judges = [Judge(id=j, institution=j) for j in range(judge_count)]
    works = [Work(id=w, institutions=frozenset({-1})) for w in range(work_count)]
    return judges, works


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 30), st.integers(0, 300), st.integers(1, 5), st.integers(0, 2**32))
def test_loads_differ_by_at_most_one_when_everyone_may_judge_everything(n, m, k, seed):
    judges, works = uniform(n, m)
    plan = assign(judges, works, Rules(k=k, seed=seed))
    assert len(plan.assignments) == m * min(k, n)
    assert max(plan.load.values()) - min(plan.load.values()) <= 1


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 12), st.integers(0, 60), st.integers(1, 4), st.integers(0, 8))
def test_a_shortage_of_judges_spreads_over_the_works(n, m, k, max_load):
    judges = [Judge(id=j, institution=j, max_load=max_load) for j in range(n)]
    works = [Work(id=w, institutions=frozenset()) for w in range(m)]
    counts = Counter(w for _, w in assign(judges, works, Rules(k=k)).assignments)
    sizes = [counts[w] for w in range(m)]
    assert not sizes or max(sizes) - min(sizes) <= 1


@settings(max_examples=60, deadline=None)
@given(st.integers(4, 40), st.integers(1, 400), st.integers(2, 4), st.integers(0, 2**32))
def test_no_pair_of_judges_shares_far_more_works_than_the_ideal(n, m, k, seed):
    k = min(k, n)
    judges, works = uniform(n, m)
    plan = assign(judges, works, Rules(k=k, seed=seed))
    shared = co_reviews(plan)
    ideal = m * math.comb(k, 2) / math.comb(n, 2)
    assert max(shared.values()) <= math.ceil(ideal) + 2


def test_co_reviews_spread_with_conflicts_and_expertise_too():
    judges = [Judge(id=j, institution=j % 7, expertise=frozenset({TAGS[j % 2]})) for j in range(60)]
    works = [
        Work(id=w, institutions=frozenset({w % 7}), needs=frozenset({TAGS[w % 2]}))
        for w in range(600)
    ]
    plan = assign(judges, works, Rules(k=3, expertise="require"))
    shared = co_reviews(plan)
    # 300 works per subject, 30 judges each, 26 of them free of conflict: 900 / 325 pairs.
    assert max(shared.values()) <= math.ceil(300 * 3 / math.comb(26, 2)) + 2
    assert not plan.unstaffed
    for subject in TAGS[:2]:
        loads = [plan.load[j.id] for j in judges if subject in j.expertise]
        assert max(loads) - min(loads) <= 1


# --- Determinism


def test_different_seeds_give_different_plans():
    judges, works = uniform(20, 50)
    plans = {frozenset(assign(judges, works, Rules(seed=seed)).assignments) for seed in range(5)}
    assert len(plans) == 5


SCRIPT = """
import json
from judging.assignment import Judge, Rules, Work, assign
tags = ["subject:math", "subject:art", "stage:junior", "stage:senior"]
judges = [Judge(j, j % 4, city=f"c{j % 3}", province=f"p{j % 2}",
                expertise=frozenset(tags[j % 4 :: 3]), max_load=9) for j in range(24)]
works = [Work(w, frozenset({w % 5}), cities=frozenset({f"c{w % 4}"}),
              needs=frozenset(tags[w % 2 :: 2])) for w in range(60)]
plan = assign(judges, works, Rules(k=3, same_city_conflict=True, seed=7))
print(json.dumps(sorted(plan.assignments)))
"""


def test_the_plan_does_not_depend_on_the_hash_seed_of_the_process():
    outputs = set()
    for hash_seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, check=True
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert json.loads(outputs.pop())


def test_the_engine_imports_no_django():
    code = "import sys, judging.assignment; print(sorted(m for m in sys.modules if 'django' in m))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, check=True)
    assert result.stdout.strip() == b"[]"


# --- Hand-made cases


def test_short_works_are_explained():
    judges = [
        Judge(1, institution=1, expertise=frozenset({"subject:math"}), max_load=1),
        Judge(2, institution=2, expertise=frozenset({"subject:math"}), max_load=1),
        Judge(3, institution=3, expertise=frozenset({"subject:math"})),
    ]
    math_needs = frozenset({"subject:math"})
    works = [
        Work(10, frozenset({1}), needs=frozenset({"subject:art"})),  # nobody holds art
        Work(11, frozenset({1, 2, 3}), needs=math_needs),  # every math judge conflicts
        Work(12, frozenset({1, 2}), needs=math_needs),  # one judge left
        Work(13, frozenset(), needs=math_needs),  # judges 1 and 2 can take one of these
        Work(14, frozenset(), needs=math_needs),  # each, so each gets two judges of three
    ]
    plan = assign(judges, works, Rules(k=3, expertise="require"))
    reasons = {work_id: shortfall.reason for work_id, shortfall in plan.unstaffed.items()}
    assert reasons[10] == NO_ELIGIBLE_JUDGE
    assert reasons[11] == ALL_ELIGIBLE_JUDGES_CONFLICTED
    assert reasons[12] == NOT_ENOUGH_ELIGIBLE_JUDGES
    assert plan.unstaffed[12].missing == 2
    for work_id in (13, 14):
        assert reasons[work_id] == ALL_ELIGIBLE_JUDGES_FULL
        assert (plan.unstaffed[work_id].missing, plan.unstaffed[work_id].full) == (1, 1)


@pytest.mark.parametrize("seed", range(20))
def test_a_full_judge_hands_over_a_work_to_staff_another(seed):
    # Judge 1 may judge both works, judge 2 only work 100; one work each is the only way.
    judges = [Judge(1, institution=1, max_load=1), Judge(2, institution=2, max_load=1)]
    works = [Work(100, frozenset()), Work(200, frozenset({2}))]
    plan = assign(judges, works, Rules(k=1, seed=seed))
    assert plan.assignments == {(2, 100), (1, 200)}
    assert not plan.unstaffed


def test_a_late_work_gets_judges_and_nothing_else_moves():
    judges, works = uniform(6, 10)
    first = assign(judges, works, Rules(k=3))
    late = Work(99, frozenset({-1}))
    second = assign(judges, [*works, late], Rules(k=3), existing=first.assignments)
    assert second.assignments >= first.assignments
    assert {w for _, w in second.added} == {99}
    assert len(second.added) == 3


def test_an_extra_judge_takes_the_places_left_open():
    judges = [Judge(j, institution=j, max_load=2) for j in range(3)]
    works = [Work(w, frozenset()) for w in range(3)]
    first = assign(judges, works, Rules(k=3))
    assert sum(s.missing for s in first.unstaffed.values()) == 3
    extra = Judge(9, institution=9)
    second = assign([*judges, extra], works, Rules(k=3), existing=first.assignments)
    assert second.added == {(9, 0), (9, 1), (9, 2)}
    assert not second.unstaffed


def test_a_recused_judge_is_replaced_on_that_work_only():
    judges, works = uniform(6, 10)
    first = assign(judges, works, Rules(k=3))
    recused = min(first.assignments)
    second = assign(
        judges,
        works,
        Rules(k=3),
        conflicts={recused},
        existing=first.assignments - {recused},
    )
    assert recused not in second.assignments
    assert second.assignments >= first.assignments - {recused}
    assert len(second.added) == 1
    assert {w for _, w in second.added} == {recused[1]}


def test_an_existing_pair_that_now_conflicts_is_dropped_and_replaced():
    judges, works = uniform(5, 4)
    moved = Judge(0, institution=500)
    works[0] = Work(0, frozenset({500}))
    plan = assign([moved, *judges[1:]], works, Rules(k=2), existing={(0, 0), (1, 0)})
    assert plan.dropped == {(0, 0)}
    assert (1, 0) in plan.assignments
    assert len(panels(plan)[0]) == 2
    assert (0, 0) not in plan.assignments


def test_a_third_marker_is_added_to_one_work():
    judges, works = uniform(6, 10)
    first = assign(judges, works, Rules(k=2))
    third = assign(judges, works, Rules(k=2), existing=first.assignments, k_for={3: 3})
    assert third.assignments >= first.assignments
    assert {w for _, w in third.added} == {3}
    assert len(panels(third)[3]) == 3


def test_existing_pairs_beyond_k_are_kept_and_may_exceed_max_load():
    judges = [Judge(j, institution=j, max_load=1) for j in range(4)]
    works = [Work(0, frozenset()), Work(1, frozenset())]
    existing = {(0, 0), (1, 0), (2, 0), (0, 1)}
    plan = assign(judges, works, Rules(k=2), existing=existing)
    assert plan.assignments >= existing
    assert plan.added == {(3, 1)}
    assert plan.load[0] == 2


def test_same_city_and_same_province_conflicts_follow_the_rules():
    judges = [
        Judge(1, None, city="Hangzhou", province="Zhejiang"),
        Judge(2, None, city="Ningbo", province="Zhejiang"),
        Judge(3, None, city="", province=""),
    ]
    works = [
        Work(10, frozenset(), cities=frozenset({"Hangzhou"}), provinces=frozenset({"Zhejiang"}))
    ]
    assert len(assign(judges, works, Rules(k=3)).assignments) == 3
    by_city = assign(judges, works, Rules(k=3, same_city_conflict=True))
    assert by_city.assignments == {(2, 10), (3, 10)}
    assert by_city.conflicts_avoided == 1
    by_province = assign(judges, works, Rules(k=3, same_province_conflict=True))
    assert by_province.assignments == {(3, 10)}


def test_prefer_takes_matching_judges_first_even_when_busier():
    art, math_ = frozenset({"subject:art"}), frozenset({"subject:math"})
    judges = [Judge(j, j, expertise=math_ if j < 3 else art) for j in range(9)]
    works = [Work(w, frozenset(), needs=math_) for w in range(4)]
    plan = assign(judges, works, Rules(k=3, expertise="prefer"))
    assert all(j < 3 for j, _ in plan.assignments)
    assert not plan.fallbacks
    works.append(Work(9, frozenset({0}), needs=math_))
    plan = assign(judges, works, Rules(k=3, expertise="prefer"))
    assert plan.fallbacks == {9}
    assert len(panels(plan)[9]) == 3


def test_nothing_to_do():
    assert assign([], [], Rules()).assignments == set()
    judges, works = uniform(3, 2)
    assert assign(judges, works, Rules(k=0)).assignments == set()
    plan = assign([], works, Rules())
    assert {s.reason for s in plan.unstaffed.values()} == {NO_ELIGIBLE_JUDGE}


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: assign([Judge(1, 1), Judge(1, 2)], [], Rules()), "duplicate judge"),
        (lambda: assign([], [Work(1, frozenset())] * 2, Rules()), "duplicate work"),
        (lambda: assign([Judge(1, 1)], [], Rules(), existing={(1, 5)}), "unknown"),
        (lambda: assign([], [], Rules(), k_for={5: 4}), "unknown"),
        (lambda: Rules(expertise="insist"), "expertise"),
        (lambda: Rules(k=-1), "negative"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_conflicts_naming_other_judges_or_works_are_ignored():
    judges, works = uniform(3, 1)
    plan = assign(judges, works, Rules(k=3), conflicts={(99, 0), (0, 99)})
    assert len(plan.assignments) == 3
