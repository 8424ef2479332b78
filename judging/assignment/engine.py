"""Judge assignment: `assign` staffs each work with k distinct judges free of conflicts.

Pure Python, no Django. Steps: index the input (`Board`), keep the existing pairs that still
hold, staff the works greedily (least-loaded judge first, co-reviews spread), repair works left
short along augmenting paths, balance loads among interchangeable judges, then report.
"""

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import model
from .board import Board
from .greedy import Greedy, work_order
from .model import Judge, Plan, Rules, Shortfall, Work
from .repair import augment, rebalance


def assign(
    judges: Iterable[Judge],
    works: Iterable[Work],
    rules: Rules,
    *,
    conflicts: Iterable[tuple[int, int]] = frozenset(),
    existing: Iterable[tuple[int, int]] = frozenset(),
    k_for: Mapping[int, int] | None = None,
) -> Plan:
    """Give each work k judges (k_for[work_id] overrides rules.k) and return the plan.

    Guarantees: judges on a work are distinct and none has a conflict (same institution, the
    given `conflicts`, same city or province when the rules say so); no judge goes above its
    max_load through new pairs; existing pairs are kept unless they now conflict (then
    reported in `dropped` and replaced), and only the missing judges are added; the number of
    pairs is the most the constraints allow; among judges with the same eligibility no new
    pair can move from a judge to one with a load 2 lower; the same input and seed give the
    same plan. Raises ValueError on duplicate ids or on `existing`/`k_for` naming unknown ones.
    """
    board = Board(judges, works, rules, k_for)
    board.block(conflicts)
    dropped = board.keep(existing)
    rng = random.Random(rules.seed)  # noqa: S311 -- a reproducible tie-break, not a secret
    order = work_order(board, rng)
    Greedy(board, rng).staff(order)
    augment(board, order)
    rebalance(board)
    return _plan(board, dropped)


def _plan(board: Board, dropped: set[tuple[int, int]]) -> Plan:
    jid = [judge.id for judge in board.judges]
    wid = [work.id for work in board.works]
    conflicts = _Conflicts(board)
    return Plan(
        assignments={(jid[j], wid[w]) for w in range(board.m) for j in board.on[w]},
        added={(jid[j], wid[w]) for j in range(board.n) for w in board.new_of[j]},
        dropped=dropped,
        unstaffed={
            wid[w]: _explain(board, w, conflicts)
            for w in range(board.m)
            if len(board.on[w]) < board.k[w]
        },
        fallbacks={wid[w] for w in _fallbacks(board)},
        load={jid[j]: board.load[j] for j in range(board.n)},
        conflicts_avoided=sum(conflicts.count(w) for w in range(board.m)),
    )


def _fallbacks(board: Board) -> list[int]:
    """Under "prefer", the works with a judge lacking one of the tags they need."""
    if board.rules.expertise != "prefer":
        return []
    judges = board.judges
    return [
        w
        for w, work in enumerate(board.works)
        if any(not work.needs <= judges[j].expertise for j in board.on[w])
    ]


@dataclass(slots=True)
class _PoolIndex:
    """A pool's members by institution, city and province; the members; how many are full."""

    by_institution: dict[int | None, list[int]] = field(default_factory=dict)
    by_city: dict[str, list[int]] = field(default_factory=dict)
    by_province: dict[str, list[int]] = field(default_factory=dict)
    members: set[int] = field(default_factory=set)
    full: int = 0


class _Conflicts:
    """Per work, the judges the expertise rule allows for it that conflict with it, found
    through per-pool indexes (never a scan of the pool)."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.indexes: dict[int, _PoolIndex] = {}

    def _index(self, pool: int) -> _PoolIndex:
        index = self.indexes.get(pool)
        if index is None:
            board, index = self.board, _PoolIndex()
            for j in board.members[pool]:
                index.by_institution.setdefault(board.inst[j], []).append(j)
                index.by_city.setdefault(board.city[j], []).append(j)
                index.by_province.setdefault(board.prov[j], []).append(j)
                index.members.add(j)
                index.full += board.load[j] >= board.cap[j]
            self.indexes[pool] = index
        return index

    def of(self, w: int) -> set[int]:
        board, index = self.board, self._index(self.board.allowed[w])
        found = {j for value in board.winst[w] for j in index.by_institution.get(value, ())}
        if board.city_rule:
            found.update(j for value in board.wcity[w] for j in index.by_city.get(value, ()))
        if board.prov_rule:
            found.update(j for value in board.wprov[w] for j in index.by_province.get(value, ()))
        found.update(index.members.intersection(board.blocked.get(w, ())))
        return found

    def count(self, w: int) -> int:
        board = self.board
        if board.city_rule or board.prov_rule or w in board.blocked:
            return len(self.of(w))
        # A judge has one institution: the lists are disjoint.
        by_institution = self._index(board.allowed[w]).by_institution
        return sum(len(by_institution.get(value, ())) for value in board.winst[w])

    def full(self, w: int, conflicted: set[int]) -> int:
        """Allowed judges free of conflict, not on w, at their maximum load."""
        board, index = self.board, self._index(self.board.allowed[w])
        taken = conflicted | (board.on[w] & index.members)
        return index.full - sum(board.load[j] >= board.cap[j] for j in taken)


def _explain(board: Board, w: int, conflicts: _Conflicts) -> Shortfall:
    """Why w is short: nobody allowed, everybody conflicted, too few left even without load
    limits, or else the load limits."""
    eligible = len(board.members[board.allowed[w]])
    conflicted = conflicts.of(w)
    free = eligible - len(conflicted)
    if not free:
        reason = model.ALL_ELIGIBLE_JUDGES_CONFLICTED if eligible else model.NO_ELIGIBLE_JUDGE
    elif free < board.k[w]:
        reason = model.NOT_ENOUGH_ELIGIBLE_JUDGES
    else:
        reason = model.ALL_ELIGIBLE_JUDGES_FULL
    missing = board.k[w] - len(board.on[w])
    return Shortfall(missing, reason, eligible, len(conflicted), conflicts.full(w, conflicted))
