"""Who may do what: `rules` predicates shared by views, the API and templates."""

import rules

from contest.models import Contest, ContestRole


@rules.predicate
def is_verified(user) -> bool:
    return user.is_authenticated and user.email_verified_at is not None


def _has_role(user, contest, role: str) -> bool:
    if not user.is_authenticated or contest is None:
        return False
    # One query per (user, contest) per request: cache the roles on the user object.
    cache = user.__dict__.setdefault("_contest_roles", {})
    if contest.pk not in cache:
        cache[contest.pk] = set(
            ContestRole.objects.filter(user=user, contest=contest).values_list("role", flat=True)
        )
    return role in cache[contest.pk]


@rules.predicate
def is_organiser(user, contest) -> bool:
    return _has_role(user, contest, ContestRole.Role.ORGANISER)


@rules.predicate
def is_judge(user, contest) -> bool:
    return _has_role(user, contest, ContestRole.Role.JUDGE)


@rules.predicate
def is_public_contest(user, contest) -> bool:
    return contest is not None and contest.phase != Contest.Phase.DRAFT


@rules.predicate
def is_open_for_entries(user, contest) -> bool:
    return contest is not None and contest.phase == Contest.Phase.OPEN


can_create_contests = rules.is_superuser | rules.is_group_member("contest creators")

rules.add_perm("contest.create_contest", is_verified & can_create_contests)
rules.add_perm("contest.view_contest", is_public_contest | is_organiser | rules.is_superuser)
rules.add_perm("contest.manage_contest", is_organiser | rules.is_superuser)
rules.add_perm("contest.judge_contest", is_judge)


@rules.predicate
def is_coordinator(user, contest) -> bool:
    return _has_role(user, contest, ContestRole.Role.COORDINATOR)


rules.add_perm("contest.coordinate_contest", is_coordinator)
# An organiser or judge of a contest may not enter it; anyone else who verified their e-mail may.
rules.add_perm(
    "contest.enter_contest", is_verified & is_open_for_entries & ~is_organiser & ~is_judge
)


# --- Works. Predicates take a Work.


@rules.predicate
def is_work_entrant(user, work) -> bool:
    return work is not None and user.is_authenticated and work.entrant_id == user.pk


@rules.predicate
def is_work_organiser(user, work) -> bool:
    return work is not None and _has_role(user, work.contest, ContestRole.Role.ORGANISER)


@rules.predicate
def is_work_coordinator(user, work) -> bool:
    if work is None or not user.is_authenticated:
        return False
    return ContestRole.objects.filter(
        contest_id=work.contest_id,
        user=user,
        role=ContestRole.Role.COORDINATOR,
        institution_id=work.entrant.institution_id,
    ).exists()


rules.add_perm("contest.view_work", is_work_entrant | is_work_organiser | rules.is_superuser)
rules.add_perm("contest.edit_work", is_work_entrant)
rules.add_perm("contest.view_original_media", is_work_entrant | is_work_organiser)
# Who may see what judges see (the blind copy, sanitised attachments). The judging app extends
# this with the judges assigned to the work: rules.set_perm("contest.view_blind_media", ...).
rules.add_perm("contest.view_blind_media", is_work_entrant | is_work_organiser)
# The judges' copy that keeps the title card: judging adds judges of rounds that do not cut it.
rules.add_perm("contest.view_full_media", is_work_entrant | is_work_organiser)
rules.add_perm("contest.screen_work", is_work_organiser)
rules.add_perm("contest.endorse_work", is_work_coordinator)
