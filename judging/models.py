"""Rubrics, rounds, the panel, assignments and score sheets arrive with the judging issue."""
