"""Repairs after the greedy pass: augmenting paths for works left short, then load balancing.

Both only move pairs added in this run; kept pairs stay where they are.
"""

from collections import deque

from .board import Board


def augment(board: Board, order: list[int]) -> None:
    """Staff short works along augmenting paths, so that the number of pairs is maximum.

    A path gives w a full judge j1, who hands one of its new works w1 to j2, and so on, until a
    judge below its maximum load takes the last work: loads on the way do not change. Judges
    reached by a failed search can never lie on a later path (the set they form is closed), so
    they are skipped from then on; this bounds the cost of many hopeless works.
    """
    if all(load >= cap for load, cap in zip(board.load, board.cap, strict=True)):
        return
    dead: set[int] = set()
    for w in order:
        while len(board.on[w]) < board.k[w]:
            search = _Search(board, dead)
            end = search.run(w)
            if end < 0:
                dead.update(search.links)
                break
            search.apply(end)


class _Search:
    """One breadth-first search for an augmenting path.

    `links[j]` = (judge handing the work over, or -1 at the start; the work j would take).
    `waiting[pool]` holds the pool's judges not reached yet, so each work scans only those.
    The search stops as soon as it reaches a judge below its maximum load who is preferred
    for the work (see `Board.preferred`); else the first non-preferred one ends the path.
    """

    def __init__(self, board: Board, dead: set[int]) -> None:
        self.board, self.dead = board, dead
        self.links: dict[int, tuple[int, int]] = {}
        self.queue: deque[int] = deque()
        self.waiting: dict[int, list[int]] = {}
        self.end = -1

    def run(self, w: int) -> int:
        """The judge ending a path from w, or -1 when there is none."""
        if self._reach(w, -1):
            return self.end
        seen_works = {w}
        while self.queue:
            j = self.queue.popleft()
            for w1 in sorted(self.board.new_of[j]):
                if w1 not in seen_works:
                    seen_works.add(w1)
                    if self._reach(w1, j):
                        return self.end
        return self.end

    def _reach(self, w: int, via: int) -> bool:
        """Link every waiting judge who could join w; True once a preferred end is found."""
        board, links, pool = self.board, self.links, self.board.allowed[w]
        waiting = self.waiting.get(pool)
        if waiting is None:
            waiting = [j for j in board.members[pool] if j not in self.dead]
        left = []
        for j in waiting:
            if j in links:
                continue
            if j in board.on[w] or board.conflicted(j, w):
                left.append(j)
                continue
            links[j] = (via, w)
            self.queue.append(j)
            if board.load[j] < board.cap[j]:
                if board.preferred(j, w):
                    self.end = j
                    return True
                self.end = j if self.end < 0 else self.end
        self.waiting[pool] = left
        return False

    def apply(self, j: int) -> None:
        """Move the pairs along the path ending at j."""
        board = self.board
        while True:
            via, w = self.links[j]
            board.add(j, w)
            if via < 0:
                return
            board.remove(via, w)
            j = via


def rebalance(board: Board) -> None:
    """Within each group of interchangeable judges (same pools), move new pairs from a judge
    to one with a load at least 2 lower, below its maximum, who may take the work, until no
    such move is left. Each move lowers the sum of squared loads, so this ends."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for j in range(board.n):
        groups.setdefault(tuple(board.pools_of[j]), []).append(j)
    for members in groups.values():
        if len(members) > 1:
            while _move_one(board, members):
                pass


def _move_one(board: Board, members: list[int]) -> bool:
    load = board.load
    by_load = sorted(members, key=lambda j: load[j])
    if load[by_load[-1]] - load[by_load[0]] < 2:
        return False
    for hi in reversed(by_load):
        for lo in by_load:
            if load[hi] - load[lo] < 2:
                break
            if load[lo] < board.cap[lo] and _move(board, hi, lo):
                return True
    return False


def _move(board: Board, hi: int, lo: int) -> bool:
    for w in sorted(board.new_of[hi]):
        if lo not in board.on[w] and not board.conflicted(lo, w):
            board.remove(hi, w)
            board.add(lo, w)
            return True
    return False
