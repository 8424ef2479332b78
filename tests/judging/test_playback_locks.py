"""Playback reports never wait for the round's row lock (PostgreSQL).

Third marking runs the assignment engine while holding the round's row lock (seconds on a large
round). A judge's write that updated its assignment row twice in one transaction made
PostgreSQL re-check the row's foreign keys at commit, FOR KEY SHARE on that round, and so
queued every playback report behind the engine: the load test saw all web threads waiting.
"""

import pytest
from django.db import connection, connections, transaction

from judging.models import Assignment
from judging.services import sheets
from tests import judging_factories as jf

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL row locks"),
]


def test_playback_is_recorded_while_another_transaction_holds_the_round():
    round_ = jf.RoundFactory()
    member = jf.judge(round_.contest)
    assignment = jf.assignment(round_, judge_user=member.user)
    holder = connections.create_connection("default")
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute("SELECT id FROM judging_round WHERE id = %s FOR UPDATE", [round_.pk])
        for position, furthest in (("30", "45"), ("12", "20")):  # one request each
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")  # waiting fails the test
                sheets.playback_record(
                    assignment=assignment, actor=member.user, position=position, furthest=furthest
                )
    finally:
        holder.rollback()
        holder.close()
    assignment = Assignment.objects.get(pk=assignment.pk)
    assert (assignment.resume_at, assignment.played_seconds) == (12, 45)
