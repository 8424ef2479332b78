import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttles and axes counters live in the cache: every test starts clean.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return factories.UserFactory()


@pytest.fixture
def contest(db):
    return factories.ContestFactory(phase="open")


@pytest.fixture
def organiser(db, contest):
    return factories.OrganiserFactory(contest=contest).user


@pytest.fixture
def creator(db):
    return factories.CreatorFactory()


@pytest.fixture(scope="session", autouse=True)
def _private_media_root():
    """Each run stores uploads in its own private folder, removed at the end."""
    import shutil

    from django.conf import settings

    yield
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)
