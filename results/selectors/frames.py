"""A round's submitted sheets as pandas frames, the input of judging.scoring."""

import pandas as pd

from judging.models import Assignment, DivergenceCase, Round, ScoreSheet
from judging.scoring import apply_final_rule


def submitted_totals(round_: Round) -> pd.DataFrame:
    """One row per submitted sheet of the round: work, judge (user id), total (float)."""
    rows = ScoreSheet.objects.filter(
        assignment__round=round_,
        state=ScoreSheet.State.SUBMITTED,
        assignment__state=Assignment.State.SUBMITTED,
    ).values_list("assignment__work_id", "assignment__judge_id", "total")
    frame = pd.DataFrame.from_records(list(rows), columns=["work", "judge", "total"])
    return frame.astype({"work": "int64", "judge": "int64", "total": float})


def case_inputs(round_: Round) -> tuple[set[int], dict[int, tuple[int, float]]]:
    """The works that had a divergence case, and the arbitrated ones: work → (arbitrator, score)."""
    divergent: set[int] = set()
    arbitrated: dict[int, tuple[int, float]] = {}
    rows = DivergenceCase.objects.filter(round=round_).values_list(
        "work_id", "state", "arbitrator_id", "arbitrated_score"
    )
    for work, state, arbitrator, score in rows:
        divergent.add(work)
        if state == DivergenceCase.State.ARBITRATED and arbitrator and score is not None:
            arbitrated[work] = (arbitrator, float(score))
    return divergent, arbitrated


def counted_totals(round_: Round) -> pd.DataFrame:
    """The sheets that count under the round's final-score rule (see judging.scoring.final)."""
    divergent, arbitrated = case_inputs(round_)
    return apply_final_rule(
        submitted_totals(round_),
        rule=round_.final_rule,
        divergent=divergent,
        arbitrated=arbitrated,
    )
