"""The background-loop helper every long-running task uses: runs, pauses, wakes, survives a failing
iteration and stops promptly, even mid-iteration."""

from __future__ import annotations

import asyncio
import logging

import pytest

from bpp.platform.background import BackgroundLoop

HOUR = 3600.0
PROMPT = 1.0  # seconds; far longer than any of these steps needs


class Counting:
    """An iteration that counts its runs and lets a test await the n-th."""

    def __init__(self, fail_first: int = 0) -> None:
        self.runs = 0
        self._fail_first = fail_first
        self._ran = asyncio.Condition()

    async def __call__(self) -> None:
        async with self._ran:
            self.runs += 1
            self._ran.notify_all()
        if self.runs <= self._fail_first:
            raise RuntimeError(f"run {self.runs} failed")

    async def reached(self, runs: int) -> None:
        async with self._ran:
            await asyncio.wait_for(self._ran.wait_for(lambda: self.runs >= runs), PROMPT)


async def test_runs_again_and_again_until_stopped() -> None:
    iteration = Counting()
    loop = BackgroundLoop("test-loop", iteration)
    loop.start()
    await iteration.reached(3)
    await loop.stop()
    runs_at_stop = iteration.runs
    await asyncio.sleep(0)  # a loop still running would take its next turn here
    assert iteration.runs == runs_at_stop


async def test_an_iteration_that_raises_is_logged_and_the_loop_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    iteration = Counting(fail_first=2)
    loop = BackgroundLoop("flaky-loop", iteration, after_failure=0)
    with caplog.at_level(logging.ERROR, logger="bpp.platform.background"):
        loop.start()
        await iteration.reached(3)
        await loop.stop()
    failures = [record for record in caplog.records if "flaky-loop" in record.getMessage()]
    assert len(failures) == 2
    assert failures[0].exc_info is not None and "run 1 failed" in str(failures[0].exc_info[1])


async def test_a_failed_iteration_waits_after_failure_even_when_woken() -> None:
    iteration = Counting(fail_first=1)
    loop = BackgroundLoop("failing-loop", iteration, after_failure=HOUR)
    loop.start()
    await iteration.reached(1)
    loop.wake()
    with pytest.raises(TimeoutError):
        await iteration.reached(2)
    await loop.stop()


async def test_wake_ends_the_pause() -> None:
    iteration = Counting()
    loop = BackgroundLoop("pausing-loop", iteration, pause=HOUR)
    loop.start()
    await iteration.reached(1)
    loop.wake()
    await iteration.reached(2)
    await loop.stop()


async def test_pause_first_waits_before_the_first_run() -> None:
    iteration = Counting()
    loop = BackgroundLoop("late-loop", iteration, pause=HOUR, pause_first=True)
    loop.start()
    with pytest.raises(TimeoutError):
        await iteration.reached(1)
    loop.wake()
    await iteration.reached(1)
    await loop.stop()


async def test_stop_cancels_a_running_iteration_promptly() -> None:
    entered, cancelled = asyncio.Event(), asyncio.Event()

    async def never_ends() -> None:
        entered.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    loop = BackgroundLoop("stuck-loop", never_ends)
    loop.start()
    await asyncio.wait_for(entered.wait(), PROMPT)
    await asyncio.wait_for(loop.stop(), PROMPT)
    assert cancelled.is_set()


async def test_stop_ends_the_loop_even_when_an_iteration_swallows_the_cancellation() -> None:
    # as a Redis read can when its own timeout expires at the moment it is cancelled
    entered, swallowed = asyncio.Event(), asyncio.Event()

    async def deaf_to_cancel() -> None:
        entered.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            swallowed.set()

    loop = BackgroundLoop("deaf-loop", deaf_to_cancel, pause=HOUR)
    loop.start()
    await asyncio.wait_for(entered.wait(), PROMPT)
    await asyncio.wait_for(loop.stop(), PROMPT)
    assert swallowed.is_set()


async def test_a_running_loop_cannot_be_started_twice() -> None:
    loop = BackgroundLoop("once-loop", Counting(), pause=HOUR)
    loop.start()
    with pytest.raises(RuntimeError, match="once-loop"):
        loop.start()
    await loop.stop()
    loop.start()  # stopped, it may start again
    await loop.stop()
