"""Two issues at once never draw the same number (PostgreSQL: the sequence row is locked FOR UPDATE).

SQLite serialises writers on the database file, so the race exists only on PostgreSQL; there, thread 1 holds the
locked row while thread 2 waits for it, then reads the committed value. Sleeping only makes the overlap likely;
nothing here asserts a time.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from weijian.core.models import Department, Region
from weijian.documents.models import DocumentSequence
from weijian.documents.services import draw_sequence

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks race only on PostgreSQL"),
]


def test_two_threads_never_draw_the_same_number() -> None:
    region, department = Region.objects.get(code="310101"), Department.objects.get(code="health")
    drawn: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def issue() -> None:
        try:
            start.wait()
            with transaction.atomic():
                for _ in range(3):
                    drawn.append(draw_sequence(region=region, department=department, group="race", year=2026))
                time.sleep(0.05)  # hold the lock a while: the other thread must wait, not read the old value
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(drawn) == list(range(1, 10))
    assert DocumentSequence.objects.get(group="race").last == 9
