"""The greedy pass: each work takes the least-loaded judges it may have, spreading co-reviews.

Per pool, a lazy min-heap of integer keys encodes (load, random tie-break, judge index); a key
is live iff it equals `current[j]`, so a judge whose load changes simply gets a new key pushed
into each of its pools and the old ones are skipped when they surface. A full judge's current
key is -1: all its keys are dead. Work per pick is a few heap operations, independent of the
number of judges unless most of a pool conflicts with the work.
"""

import heapq
import random

from .board import Board

TIE_BITS = 20
# Among the least-loaded candidates, how many to compare by co-reviews with the work's judges.
WIDTH = 8


class Greedy:
    """Staffs works one at a time; `pairs[a * n + b]` (a < b) counts works shared by a and b."""

    def __init__(self, board: Board, rng: random.Random) -> None:
        self.board = board
        self.rng = rng
        self.n = max(board.n, 1)
        self.span = (1 << TIE_BITS) * self.n
        self.current = [-1] * board.n
        self.pairs: dict[int, int] = {}
        for j in range(board.n):
            self._renew(j)
        self.heaps: list[list[int]] = [[] for _ in board.members]
        for j in range(board.n):
            for pool in board.pools_of[j] if self.current[j] >= 0 else ():
                self.heaps[pool].append(self.current[j])
        for heap in self.heaps:
            heapq.heapify(heap)
        for on in board.on:
            self._count_pairs(sorted(on))

    def _renew(self, j: int) -> int:
        """Give j a fresh key for its current load (-1 when full) and return it."""
        board = self.board
        load = board.load[j]
        if load >= board.cap[j]:
            self.current[j] = -1
        else:
            tie = self.rng.getrandbits(TIE_BITS)
            self.current[j] = ((load << TIE_BITS) + tie) * self.n + j
        return self.current[j]

    def staff(self, order: list[int]) -> None:
        """Fill the works level by level: in round r each work in `order` that has r judges
        and needs more gets one more, so that a shortage of judges spreads over the works
        rather than leaving some with none. A work whose pick fails is not tried again: the
        judges it may have only get busier."""
        board, stuck = self.board, set()
        for level in range(max(board.k, default=0)):
            for w in order:
                if w in stuck or not len(board.on[w]) == level < board.k[w]:
                    continue
                if not self._add_one(w):
                    stuck.add(w)

    def _add_one(self, w: int) -> bool:
        """Add one judge to w, from its primary pool, else from its fallback pool."""
        board = self.board
        chosen = board.on[w]
        j = self._pick(board.primary[w], w, chosen)
        if j < 0 and board.fallback[w] >= 0:
            j = self._pick(board.fallback[w], w, chosen)
        if j < 0:
            return False
        self._count_pairs([*chosen, j], start=len(chosen))
        board.add(j, w)
        key = self._renew(j)
        if key >= 0:
            for pool in board.pools_of[j]:
                heapq.heappush(self.heaps[pool], key)
        return True

    def _count_pairs(self, chosen: list[int], start: int = 0) -> None:
        """Count the pairs that chosen[start:] form with the judges before them."""
        pairs, n = self.pairs, self.n
        for i in range(max(start, 1), len(chosen)):
            b = chosen[i]
            for a in chosen[:i]:
                pair = a * n + b if a < b else b * n + a
                pairs[pair] = pairs.get(pair, 0) + 1

    def _pick(self, pool: int, w: int, chosen: set[int]) -> int:
        """The judge to add to w from `pool`, or -1: among the live judges of least load that
        may judge w, in tie-break order, the first sharing no work with `chosen`, else the
        one sharing fewest among the first WIDTH. Entries popped but not taken go back."""
        heap, held = self.heaps[pool], []
        current, n, span = self.current, self.n, self.span
        board, best, fewest, seen, level = self.board, -1, 0, 0, -1
        while heap:
            key = heap[0]
            j = key % n
            if current[j] != key:
                heapq.heappop(heap)
                continue
            if best >= 0 and key // span != level:
                break
            held.append(heapq.heappop(heap))
            if j in chosen or board.conflicted(j, w):
                continue
            shared = self._shared(j, chosen)
            if best < 0 or shared < fewest:
                best, fewest, level = j, shared, key // span
            seen += 1
            if shared == 0 or seen >= WIDTH:
                break
        for key in held:
            if key % n != best:
                heapq.heappush(heap, key)
        return best

    def _shared(self, c: int, chosen: set[int]) -> int:
        """How many works c shares with the judges in `chosen`."""
        pairs, n, shared = self.pairs, self.n, 0
        for a in chosen:
            shared += pairs.get(a * n + c if a < c else c * n + a, 0)
        return shared


def work_order(board: Board, rng: random.Random) -> list[int]:
    """Works in random order. Taking one pool's works after another would load the judges
    of many pools far above the others; interleaving them lets least-loaded-first balance
    loads across overlapping pools. Works left short are repaired afterwards anyway."""
    order = list(range(board.m))
    rng.shuffle(order)
    return order
