"""Issuing, reissuing and revoking at the same time: numbers stay unique and consecutive, one
issued certificate per subject. SQLite serialises writers (IMMEDIATE); PostgreSQL takes the
contest row lock. Run on PostgreSQL too: DATABASE_URL=postgres://… pytest this file."""

import pytest

from certificates.models import Certificate, CertificateKind
from certificates.services.issuing import certificate_reissue, certificates_issue
from contest.errors import Conflict
from tests import factories
from tests.certificates_factories import awarded_work, template
from tests.judging.test_concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_batches_and_reissues_keep_numbers_unique():
    contest = factories.ContestFactory(phase="results", slug="c20", year=2014)
    organiser = factories.OrganiserFactory(contest=contest).user
    template(contest, CertificateKind.WORK_AWARD)
    for name in ("刘䶮", "李珺", "张堃"):
        awarded_work(contest, entrant_name=name, co_authors=("欧阳燚",))
    certificates_issue(contest=contest, actor=organiser)
    first = Certificate.objects.order_by("seq").first()
    for name in ("陈淼", "赵犇"):
        awarded_work(contest, entrant_name=name, co_authors=())

    def act(index: int):
        if index < 3:
            return certificates_issue(contest=contest, actor=organiser).created
        return certificate_reissue(certificate=first, actor=organiser, reason="改正").number

    results = run_together(5, act)
    assert sorted(results[:3]) == [0, 0, 2], results
    reissues = results[3:]
    assert sum(isinstance(r, str) for r in reissues) == 1
    assert sum(isinstance(r, Conflict) for r in reissues) == 1
    seqs = sorted(Certificate.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 10))
    assert Certificate.objects.filter(state="issued").count() == 8
