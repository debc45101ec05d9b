"""A new subscriber's first window: the whole range, or exactly the steps missed since `since`."""

from __future__ import annotations

from pulseboard.live.delta import Window, first_window

STEP = 1_000
END = 100 * STEP


def steps(window: Window) -> list[int]:
    return list(range(window.start_ms, window.end_ms + 1, window.step_ms))


def test_without_since_the_whole_range_replaces_what_the_client_holds() -> None:
    window = first_window(END, STEP, 10 * STEP, None)
    assert window.reset and steps(window) == [END - k * STEP for k in range(9, -1, -1)]


def test_since_resumes_after_the_last_step_received() -> None:
    window = first_window(END, STEP, 10 * STEP, END - 3 * STEP)
    assert not window.reset and steps(window) == [END - 2 * STEP, END - STEP, END]


def test_since_up_to_date_gives_nothing_and_older_than_the_range_resets() -> None:
    assert first_window(END, STEP, 10 * STEP, END).empty
    assert first_window(END, STEP, 10 * STEP, END - 10 * STEP).reset is False
    assert first_window(END, STEP, 10 * STEP, END - 11 * STEP).reset is True
