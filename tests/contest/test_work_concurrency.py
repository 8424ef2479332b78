"""The works-per-entrant limit holds when two requests create a work at the same moment."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from contest.errors import Conflict
from contest.models import Work
from contest.services.works import work_create
from tests import factories


def run_together(count: int, target) -> list:
    """Run `target()` in `count` threads released at once; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target()
        except Exception as exc:  # the test inspects what each thread raised
            results[index] = exc
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def setup(transactional_db):
    contest = factories.ContestFactory(phase="open", works_per_entrant=1)
    category = factories.CategoryFactory(contest=contest)
    return contest, category, factories.UserFactory()


@pytest.mark.django_db(transaction=True)
def test_two_parallel_creates_leave_one_work(setup):
    contest, category, entrant = setup

    def create():
        return work_create(contest=contest, entrant=entrant, title="同时提交", category=category)

    results = run_together(2, create)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Work"]
    assert next(r for r in results if isinstance(r, Conflict)).code == "too_many_works"
    assert Work.objects.filter(entrant=entrant).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_parallel_form_posts_leave_one_work(setup):
    contest, category, entrant = setup
    data = {
        "title": "同时提交",
        "category": str(category.pk),
        "co_authors-TOTAL_FORMS": "0",
        "co_authors-INITIAL_FORMS": "0",
    }

    def post():
        client = Client()
        client.force_login(entrant)
        return client.post(reverse("work_create", args=[contest.slug]), data).status_code

    assert sorted(run_together(2, post)) == [200, 302]
    assert Work.objects.filter(entrant=entrant).count() == 1
