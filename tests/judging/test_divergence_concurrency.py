"""Third-marking checks running at once (two consumers picked up the tasks of the work's last
two submissions): one case, one "opened" event, one more judge. On SQLite IMMEDIATE
transactions serialise them; on PostgreSQL the round's row lock does.

Run on PostgreSQL too: DATABASE_URL=postgres://… pytest tests/judging/test_divergence_concurrency.py
"""

import pytest

from judging.models import CaseEvent, DivergenceCase, RoundWork
from judging.services.divergence import work_check
from tests import cases_factories as cf
from tests.judging.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_checks_open_one_case_and_add_one_judge():
    s = cf.scene(tolerance="10", spare=2)
    for assignment, total in zip(s.first, (30, 90), strict=True):
        cf.submit(assignment, total)

    results = run_together(3, lambda _i: work_check(round_id=s.round.pk, work_id=s.work.pk))
    assert all(isinstance(r, DivergenceCase) for r in results), results
    assert DivergenceCase.objects.count() == 1
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.OPENED).count() == 1
    assert len(cf.new_assignments(s)) == 1
    assert RoundWork.objects.get(round=s.round, work=s.work).extra_judges == 1


def test_concurrent_checks_settle_a_case_once():
    s = cf.scene(tolerance="10")
    cf.submit_all(s, 30, 90)
    [third] = cf.new_assignments(s)
    cf.submit(third, 60)

    run_together(3, lambda _i: work_check(round_id=s.round.pk, work_id=s.work.pk))
    case = DivergenceCase.objects.get()
    assert case.state == DivergenceCase.State.ARBITRATION
    assert case.events.filter(kind=CaseEvent.Kind.STILL_APART).count() == 1
