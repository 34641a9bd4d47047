"""A named background loop with one start/stop, shared by every long-running task of the BPP.

An iteration that raises is logged under the loop's name and the loop carries on (after `after_failure`
seconds, then its usual pause), so a passing database or Redis outage never ends a loop unnoticed; only
`stop()` (cancellation) ends it.

A loop whose work must be done by one process of the deployment at a time is started with a `Lease`
(`bpp/platform/leader.py`): every process runs the loop, but only the lease's holder runs iterations; the others
keep trying to take the lease and take over when its holder stops or dies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bpp.platform.leader import Lease

log = logging.getLogger(__name__)


class BackgroundLoop:
    """Runs `iteration` again and again: each run is followed by a pause of `pause` seconds that `wake()` cuts
    short; with `pause_first` the loop begins with a pause (its first run has just happened elsewhere)."""

    def __init__(
        self,
        name: str,
        iteration: Callable[[], Awaitable[object]],
        *,
        pause: float = 0.0,
        pause_first: bool = False,
        after_failure: float = 1.0,
    ) -> None:
        self.name = name
        self._iteration = iteration
        self._pause = pause
        self._pause_first = pause_first
        # not cut short by wake(): a loop whose database is down must not retry at the rate it is woken
        self._after_failure = after_failure
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._lease: Lease | None = None
        self._keeper: BackgroundLoop | None = None  # takes or extends the lease, every third of its ttl
        self._leading = False

    def start(self, *, lease: Lease | None = None) -> None:
        """Start the loop; with `lease`, its iterations run only while this process holds the lease."""
        if self._task is not None:
            raise RuntimeError(f"background loop {self.name} is already running")
        self._stopping = False
        self._lease = lease
        if lease is not None:
            self._leading = False
            self._keeper = BackgroundLoop(f"{self.name}-lease", self._keep_lease, pause=lease.renew_every,
                                          after_failure=0)
            self._keeper.start()
        self._task = asyncio.create_task(self._run(), name=self.name)

    @property
    def leading(self) -> bool:
        """Whether this process runs the iterations (always, for a loop started without a lease)."""
        return self._lease is None or self._leading

    def wake(self) -> None:
        """End the current pause now (or the next one, if an iteration is running)."""
        self._wake.set()

    async def stop(self) -> None:
        """Cancel the loop, even mid-iteration, and wait until it has ended."""
        task, self._task = self._task, None
        if task is not None:
            # the flag (and the wake-up) end the loop even when the cancellation is lost: a library may swallow
            # it, e.g. a Redis read whose own timeout expires at the moment it is cancelled
            self._stopping = True
            self._wake.set()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._give_up_lease()

    async def _keep_lease(self) -> None:
        assert self._lease is not None
        try:
            leading = await self._lease.acquire()
        except Exception:
            self._leading = False  # a lease we cannot extend may be another process's by now
            raise
        newly, self._leading = leading and not self._leading, leading
        if newly:
            self.wake()  # a new holder starts at once, not after a whole pause

    async def _give_up_lease(self) -> None:
        keeper, self._keeper = self._keeper, None
        if keeper is None:
            return
        await keeper.stop()
        assert self._lease is not None
        if self._leading:
            self._leading = False
            try:
                await self._lease.release()
            except Exception:  # Redis gone: the lease lapses by itself within its ttl
                log.warning("background loop %s: could not release its lease", self.name, exc_info=True)

    async def _run(self) -> None:
        if self._pause_first:
            await self._wait()
        while not self._stopping:
            try:
                if self.leading:
                    await self._iteration()
            except Exception:
                log.exception("background loop %s: an iteration failed; the loop goes on", self.name)
                await asyncio.sleep(self._after_failure)
            if not self._stopping:
                await self._wait()

    async def _wait(self) -> None:
        if not self.leading:  # until the lease is ours: its keeper wakes the loop when it takes it
            await self._wake.wait()
        elif self._pause > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._pause)
        else:
            await asyncio.sleep(0)  # a turn for the other tasks even when an iteration never had to wait
        self._wake.clear()
