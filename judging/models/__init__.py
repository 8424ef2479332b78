from .cases import CaseEvent, DivergenceCase
from .panel import ChiefJudge, Conflict, Invitation, PanelMember
from .rounds import Criterion, Round, RoundWork, Rubric
from .sheets import Assignment, AuthorFlag, Score, ScoreRevision, ScoreSheet

__all__ = [
    "Assignment",
    "AuthorFlag",
    "CaseEvent",
    "ChiefJudge",
    "Conflict",
    "Criterion",
    "DivergenceCase",
    "Invitation",
    "PanelMember",
    "Round",
    "RoundWork",
    "Rubric",
    "Score",
    "ScoreRevision",
    "ScoreSheet",
]
