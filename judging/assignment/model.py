"""The assignment engine's inputs and result: plain frozen dataclasses of ints and strings."""

from dataclasses import dataclass, field

EXPERTISE_MODES = ("require", "prefer", "ignore")

NO_ELIGIBLE_JUDGE = "no_eligible_judge"
ALL_ELIGIBLE_JUDGES_CONFLICTED = "all_eligible_judges_conflicted"
NOT_ENOUGH_ELIGIBLE_JUDGES = "not_enough_eligible_judges"
ALL_ELIGIBLE_JUDGES_FULL = "all_eligible_judges_full"


@dataclass(frozen=True, slots=True)
class Judge:
    """A panel member. `expertise` holds tags such as "subject:math", "stage:junior"."""

    id: int
    institution: int | None
    city: str = ""
    province: str = ""
    expertise: frozenset[str] = frozenset()
    max_load: int = 10**9


@dataclass(frozen=True, slots=True)
class Work:
    """A work to staff: the institutions, cities and provinces of all its authors, and
    `needs`, the expertise tags of its category."""

    id: int
    institutions: frozenset[int]
    cities: frozenset[str] = frozenset()
    provinces: frozenset[str] = frozenset()
    needs: frozenset[str] = frozenset()
    category: str = ""


@dataclass(frozen=True, slots=True)
class Rules:
    """A round's assignment rules.

    `expertise`: "require" (a judge must hold every tag the work needs), "prefer" (matching
    judges first, then any judge, reported in `Plan.fallbacks`) or "ignore".
    """

    k: int = 3
    same_city_conflict: bool = False
    same_province_conflict: bool = False
    expertise: str = "prefer"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.expertise not in EXPERTISE_MODES:
            raise ValueError(f"expertise must be one of {EXPERTISE_MODES}, not {self.expertise!r}")
        if self.k < 0:
            raise ValueError("k must not be negative")


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Why a work has fewer judges than it needs.

    `eligible`: judges the expertise rule allows for the work (all of them unless "require");
    `conflicted`: those of them with a conflict; `full`: those left that are at their
    maximum load and not already on the work.
    """

    missing: int
    reason: str
    eligible: int
    conflicted: int
    full: int


@dataclass(slots=True)
class Plan:
    """The result of `assign`.

    `assignments` holds every (judge_id, work_id) pair, kept and new; `added` the new ones;
    `dropped` the existing pairs removed because they now conflict. `load` counts each
    judge's pairs in `assignments` (zero included). `fallbacks`: works, under "prefer", with
    a judge who lacks some needed tag. `conflicts_avoided`: (judge, work) pairs the expertise
    rule allows but a conflict excludes.
    """

    assignments: set[tuple[int, int]] = field(default_factory=set)
    added: set[tuple[int, int]] = field(default_factory=set)
    dropped: set[tuple[int, int]] = field(default_factory=set)
    unstaffed: dict[int, Shortfall] = field(default_factory=dict)
    fallbacks: set[int] = field(default_factory=set)
    load: dict[int, int] = field(default_factory=dict)
    conflicts_avoided: int = 0
