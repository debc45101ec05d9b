"""Writers racing on one dashboard, each with its own engine as separate replicas would have."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import pytest

from pulseboard.meta import (
    DashboardExistsError,
    DashboardStore,
    MetaDatabase,
    VersionConflictError,
    open_database,
)

WRITERS = 4
ROUNDS = 5


@pytest.fixture
def replicas(meta_url: str) -> Iterator[list[DashboardStore]]:
    databases: list[MetaDatabase] = [open_database(meta_url) for _ in range(WRITERS)]
    yield [DashboardStore(database) for database in databases]
    for database in databases:
        database.close()


def race(calls: list[Callable[[], object]]) -> list[BaseException | None]:
    """Run the calls at the same instant; what each raised (None when it succeeded)."""
    start = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> BaseException | None:
        start.wait()
        try:
            call()
        except Exception as exc:
            return exc
        return None

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_of_writers_holding_the_same_version_exactly_one_wins(
    replicas: list[DashboardStore],
) -> None:
    for round_number in range(ROUNDS):
        uid = f"race-{round_number}"
        replicas[0].create({"uid": uid, "title": "start"})
        outcomes = race(
            [
                partial(
                    store.update, uid, {"title": f"writer {n}"}, expected_version=1, author=f"w{n}"
                )
                for n, store in enumerate(replicas)
            ]
        )

        winners = [n for n, outcome in enumerate(outcomes) if outcome is None]
        assert len(winners) == 1, outcomes
        losers = [outcome for outcome in outcomes if outcome is not None]
        assert all(isinstance(o, VersionConflictError) for o in losers), losers
        assert all(o.current_version == 2 for o in losers if isinstance(o, VersionConflictError))
        stored = replicas[0].get(uid)
        assert (stored.version, stored.title) == (2, f"writer {winners[0]}")
        assert [v.author for v in replicas[0].versions(uid)] == [f"w{winners[0]}", ""]


def test_of_creators_of_the_same_uid_exactly_one_wins(replicas: list[DashboardStore]) -> None:
    outcomes = race(
        [
            partial(store.create, {"uid": "same", "title": f"creator {n}"})
            for n, store in enumerate(replicas)
        ]
    )
    assert sum(outcome is None for outcome in outcomes) == 1, outcomes
    assert all(isinstance(o, DashboardExistsError) for o in outcomes if o is not None), outcomes
    assert [v.version for v in replicas[0].versions("same")] == [1]
