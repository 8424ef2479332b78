"""A round ready for boundary re-review: ten works scored by three judges, spare judges on the
panel, and (optionally) an award scheme with 2 first and 3 second prizes by count.

With the mean (the recommended method here), the lines are 80.17 (between B 85 and C 75.33) and
68 (between E 69 and F 67). Standard errors: 0.93 for works whose judges are 1 apart, 1.49 for E
(72, 66, 69), 2.22 for C (80, 70, 76). At margin 1 only E is uncertain (z 0.67); at 2.5 also F
(1.07) and C (2.18).
"""

from dataclasses import dataclass
from decimal import Decimal

from awards.models import AwardScheme, AwardTier
from contest.models import User, Work
from judging.models import Round
from tests import factories
from tests import judging_factories as jf
from tests import results_factories as rf

TOTALS = {
    "A": [90, 91, 89],
    "B": [85, 86, 84],
    "C": [80, 70, 76],
    "D": [76, 74, 75],
    "E": [72, 66, 69],
    "F": [67, 68, 66],
    "G": [60, 61, 59],
    "H": [55, 56, 54],
    "I": [50, 51, 49],
    "J": [45, 46, 44],
}


@dataclass
class Scene:
    round: Round
    works: dict[str, Work]
    judges: dict[str, User]
    spares: list[User]
    organiser: User


def scene(*, state=Round.State.OPEN, scheme: bool = True, spares: int = 2, **fields) -> Scene:
    table = {
        label: {f"j{i}": [value] for i, value in enumerate(values, start=1)}
        for label, values in TOTALS.items()
    }
    round_, works, judges = rf.scored_round(table, criteria=((100, 1),), state=state, **fields)
    spare = [jf.judge(round_.contest).user for _ in range(spares)]
    if scheme:
        tiers(round_, AwardScheme.Mode.COUNT, [("一等奖", 2), ("二等奖", 3)])
    organiser = factories.OrganiserFactory(contest=round_.contest).user
    return Scene(round_, works, judges, spare, organiser)


def tiers(round_: Round, mode: str, values) -> AwardScheme:
    scheme, _created = AwardScheme.objects.update_or_create(
        contest=round_.contest, defaults={"mode": mode}
    )
    scheme.tiers.all().delete()
    for order, (name, value) in enumerate(values):
        AwardTier.objects.create(scheme=scheme, name=name, order=order, value=Decimal(str(value)))
    return scheme
