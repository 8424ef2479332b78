"""The engine's working state: judges and works by dense index, pools, conflicts, current pairs."""

from collections.abc import Iterable, Mapping

from .model import Judge, Rules, Work


class Board:
    """Judges (index j) and works (index w), both sorted by id, and the pairs made so far.

    Invariants: `on[w]` holds every judge currently on work w, kept or new; `new_of[j]` holds
    the works judge j was given in this run, so (j, w) is kept iff j in on[w] and w not in
    new_of[j]; `load[j]` == number of works j is on. A pool is the set of judges holding every
    tag of one needs-set; pool `everyone` is the empty needs-set.
    """

    def __init__(
        self,
        judges: Iterable[Judge],
        works: Iterable[Work],
        rules: Rules,
        k_for: Mapping[int, int] | None,
    ) -> None:
        self.judges = sorted(judges, key=lambda judge: judge.id)
        self.works = sorted(works, key=lambda work: work.id)
        self.rules = rules
        self.n, self.m = len(self.judges), len(self.works)
        self.jindex = _dense_index([judge.id for judge in self.judges], "judge")
        self.windex = _dense_index([work.id for work in self.works], "work")
        self.cap = [judge.max_load for judge in self.judges]
        self.load = [0] * self.n
        self.on: list[set[int]] = [set() for _ in range(self.m)]
        self.new_of: list[set[int]] = [set() for _ in range(self.n)]
        self.blocked: dict[int, set[int]] = {}
        self.k = self._per_work_k(k_for or {})
        self._index_conflict_attributes()
        self._build_pools()

    def _per_work_k(self, k_for: Mapping[int, int]) -> list[int]:
        unknown = set(k_for) - set(self.windex)
        if unknown:
            raise ValueError(f"k_for names unknown works: {sorted(unknown)[:5]}")
        if any(value < 0 for value in k_for.values()):
            raise ValueError("k_for values must not be negative")
        return [k_for.get(work.id, self.rules.k) for work in self.works]

    def _index_conflict_attributes(self) -> None:
        self.inst = [judge.institution for judge in self.judges]
        self.city = [judge.city for judge in self.judges]
        self.prov = [judge.province for judge in self.judges]
        self.winst = [work.institutions for work in self.works]
        # An empty city or province means "unknown": it never makes a conflict.
        self.wcity = [work.cities - {""} for work in self.works]
        self.wprov = [work.provinces - {""} for work in self.works]
        self.city_rule = self.rules.same_city_conflict
        self.prov_rule = self.rules.same_province_conflict

    def _build_pools(self) -> None:
        """One pool per distinct needs-set, in work order; `allowed[w]` is the pool the
        expertise rule allows for w, `primary[w]` the pool tried first, `fallback[w]` the
        pool tried next (-1: none). `pools_of[j]` lists the pools j is in that some work
        tries: judges with the same list are interchangeable."""
        self.pool_of_needs: dict[frozenset[str], int] = {}
        self.members: list[list[int]] = []
        everyone = self._pool(frozenset())
        mode = self.rules.expertise
        self.primary = [
            everyone if mode == "ignore" else self._pool(work.needs) for work in self.works
        ]
        self.allowed = self.primary if mode == "require" else [everyone] * self.m
        self.fallback = [
            everyone if mode == "prefer" and pool != everyone else -1 for pool in self.primary
        ]
        tried = set(self.primary) | set(self.fallback)
        self.pools_of: list[list[int]] = [[] for _ in range(self.n)]
        for pool, members in enumerate(self.members):
            for j in members if pool in tried else ():
                self.pools_of[j].append(pool)

    def _pool(self, needs: frozenset[str]) -> int:
        pool = self.pool_of_needs.get(needs)
        if pool is None:
            pool = self.pool_of_needs[needs] = len(self.members)
            judges = self.judges
            self.members.append([j for j in range(self.n) if needs <= judges[j].expertise])
        return pool

    def conflicted(self, j: int, w: int) -> bool:
        """Whether judge j may not judge work w (institution, declared, city, province)."""
        return (
            self.inst[j] in self.winst[w]
            or j in self.blocked.get(w, ())
            or (self.city_rule and self.city[j] in self.wcity[w])
            or (self.prov_rule and self.prov[j] in self.wprov[w])
        )

    def preferred(self, j: int, w: int) -> bool:
        """False only under "prefer" for a judge lacking a tag the work needs."""
        return self.rules.expertise != "prefer" or self.works[w].needs <= self.judges[j].expertise

    def block(self, conflicts: Iterable[tuple[int, int]]) -> None:
        """Record given conflicts; pairs naming judges or works not in this run are ignored."""
        for judge_id, work_id in conflicts:
            j, w = self.jindex.get(judge_id), self.windex.get(work_id)
            if j is not None and w is not None:
                self.blocked.setdefault(w, set()).add(j)

    def keep(self, existing: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
        """Put the existing pairs on the board; return those dropped because they conflict."""
        dropped = set()
        for judge_id, work_id in sorted(existing):
            j, w = self.jindex.get(judge_id), self.windex.get(work_id)
            if j is None or w is None:
                raise ValueError(f"existing pair names an unknown id: {(judge_id, work_id)}")
            if self.conflicted(j, w):
                dropped.add((judge_id, work_id))
            else:
                self.on[w].add(j)
                self.load[j] += 1
        return dropped

    def add(self, j: int, w: int) -> None:
        self.on[w].add(j)
        self.new_of[j].add(w)
        self.load[j] += 1

    def remove(self, j: int, w: int) -> None:
        """Take back a pair added in this run (kept pairs are never removed)."""
        self.on[w].discard(j)
        self.new_of[j].discard(w)
        self.load[j] -= 1


def _dense_index(ids: list[int], what: str) -> dict[int, int]:
    index = {item: position for position, item in enumerate(ids)}
    if len(index) != len(ids):
        raise ValueError(f"duplicate {what} ids")
    return index
