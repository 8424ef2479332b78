import pytest

from certificates.models import CertificateKind
from certificates.services.issuing import certificates_issue
from tests import factories
from tests.certificates_factories import awarded_work, template


@pytest.fixture
def contest(db):
    return factories.ContestFactory(phase="results", slug="c20", year=2014, title="全国微课大赛")


@pytest.fixture
def organiser(contest):
    return factories.OrganiserFactory(contest=contest).user


@pytest.fixture
def judge(contest):
    return factories.JudgeFactory(contest=contest).user


@pytest.fixture
def work(contest):
    return awarded_work(contest, entrant_name="刘䶮", co_authors=("欧阳燚",))


@pytest.fixture
def issued(contest, organiser, work):
    """The contest's certificates, issued per author: [entrant's, co-author's]."""
    template(contest, CertificateKind.WORK_AWARD)
    certificates_issue(contest=contest, actor=organiser)
    return list(contest.certificates.order_by("seq"))


@pytest.fixture
def english(client):
    client.cookies["lang"] = "en"
    return client
