"""What the benchmarks share about the processes they start."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Sequence


def stop_all(processes: Sequence[subprocess.Popen[bytes]], timeout: float = 15) -> None:
    """SIGINT to every process at once (a clean stop), then SIGKILL to any still running after `timeout`."""
    for process in processes:
        process.send_signal(signal.SIGINT)
    for process in processes:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
