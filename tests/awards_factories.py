"""Factories for awards: frozen snapshots built straight from results' models, and schemes."""

from decimal import Decimal

from awards.models import AwardScheme, AwardTier, TopPrize
from contest.models import ContestRole
from judging.models import Round
from results.models import ResultSnapshot, SnapshotEntry
from tests import factories
from tests import judging_factories as jf
from tests import work_factories as wf


def organiser(contest):
    user = factories.UserFactory()
    ContestRole.objects.create(contest=contest, user=user, role=ContestRole.Role.ORGANISER)
    return user


def frozen_snapshot(contest, pools: dict[str, list], *, round_=None):
    """A frozen round of `contest` and its snapshot. `pools` maps a pool name to its works'
    scores, each a number (or None: no final score) or a (score, institution) pair; every pool is
    one category ranked on its own. Ranks are competition ranks by score.

    Returns (snapshot, {pool name: [works in the given order]}).
    """
    round_ = round_ or jf.RoundFactory(contest=contest, state=Round.State.FROZEN)
    snapshot = ResultSnapshot.objects.create(
        round=round_, method="mean", recommended_method="mean", input_hash="0" * 64
    )
    works, params = {}, []
    for name, rows in pools.items():
        category = factories.CategoryFactory(contest=contest, name=name)
        key = f"category-{category.pk}"
        params.append({"key": key, "name": name, "categories": [category.pk]})
        works[name] = [_entry(snapshot, category, key, row, rows) for row in rows]
    snapshot.params = {"pools": params}
    snapshot.work_count = sum(len(v) for v in works.values())
    snapshot.save()
    return snapshot, works


def _score(row):
    return row[0] if isinstance(row, tuple) else row


def _entry(snapshot, category, key, row, rows):
    score = _score(row)
    institution = row[1] if isinstance(row, tuple) else factories.InstitutionFactory()
    entrant = factories.UserFactory(institution=institution)
    work = wf.WorkFactory(
        contest=snapshot.round.contest, category=category, entrant=entrant, status="accepted"
    )
    scores = [_score(r) for r in rows if _score(r) is not None]
    better = sum(1 for s in scores if score is not None and s > score)
    rank = better + 1 if score is not None else len(scores) + 1
    SnapshotEntry.objects.create(
        snapshot=snapshot,
        work=work,
        pool_key=key,
        category=category,
        rank=rank,
        score=None if score is None else Decimal(str(score)),
        shares_rank=score is not None and scores.count(score) > 1,
    )
    return work


def scheme(contest, round_, *, mode="count", tiers=(), top=(), **fields) -> AwardScheme:
    """A scheme with tiers [(name, value[, points])] and top prizes [(name, count[, points])]."""
    made = AwardScheme.objects.create(contest=contest, round=round_, mode=mode, **fields)
    for order, (name, value, *points) in enumerate(tiers):
        AwardTier.objects.create(
            scheme=made,
            name=name,
            order=order,
            value=Decimal(str(value)),
            points=Decimal(str(points[0] if points else 0)),
        )
    for order, (name, count, *points) in enumerate(top):
        TopPrize.objects.create(
            scheme=made,
            name=name,
            order=order,
            count=count,
            points=Decimal(str(points[0] if points else 0)),
        )
    return made
