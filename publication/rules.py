"""Who may do what with the public notice and appeals.

Organisers of the contest manage the notice and answer appeals; the entrant of a work appeals
and reads the answer. Nobody else reaches an appeal (not another entrant, not a judge).
"""

import rules

from contest.rules import is_organiser


@rules.predicate
def files_appeal(user, appeal) -> bool:
    return appeal is not None and user.is_authenticated and appeal.work.entrant_id == user.pk


@rules.predicate
def organises_appeal(user, appeal) -> bool:
    return appeal is not None and is_organiser(user, appeal.work.contest)


rules.add_perm("publication.manage_notice", is_organiser | rules.is_superuser)
rules.add_perm("publication.view_appeal", files_appeal | organises_appeal | rules.is_superuser)
rules.add_perm("publication.answer_appeal", organises_appeal | rules.is_superuser)
