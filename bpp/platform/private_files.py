"""Files that hold secrets: created readable by their owner only, never readable by others even briefly."""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, content: str, *, replace: bool) -> None:
    """Write `content` to `path` with mode 0600; FileExistsError if it exists and `replace` is false."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w") as file:
        os.fchmod(fd, 0o600)  # a replaced file keeps its old mode otherwise
        file.write(content)
