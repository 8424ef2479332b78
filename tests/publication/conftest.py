"""The people of the publication permission tests, around one awarded contest."""

from dataclasses import dataclass

import pytest

from contest.models import User
from tests import factories
from tests import judging_factories as jf
from tests import publication_factories as pf

WHO = ["anonymous", "entrant", "other_entrant", "judge", "organiser", "other_organiser"]


@dataclass
class People:
    made: pf.Awarded
    entrant: User
    other_entrant: User
    judge: User
    organiser: User
    other_organiser: User

    def user(self, who: str) -> User | None:
        return None if who == "anonymous" else getattr(self, who)

    @property
    def contest(self):
        return self.made.contest

    @property
    def work(self):
        """The entrant's work: ranked first, 一等奖."""
        return self.made.works[0]


@pytest.fixture
def the(db) -> People:
    made = pf.awarded_contest(4)
    other_contest = factories.ContestFactory(phase="results")
    return People(
        made=made,
        entrant=made.works[0].entrant,
        other_entrant=made.works[1].entrant,
        judge=jf.judge(made.contest).user,
        organiser=made.organiser,
        other_organiser=factories.OrganiserFactory(contest=other_contest).user,
    )
