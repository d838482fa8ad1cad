"""Writing files so that a reader never sees half of one: write beside, then rename.

Everything pmrole writes for a user (scored listings, reports, models, the CURRENT pointer)
goes through a temporary name starting with ``TMP_PREFIX`` in the target's own folder, so the
final rename is atomic; an interrupted run leaves only such temporary names behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TMP_PREFIX = ".pmrole-tmp-"


def temporary_beside(target: Path, suffix: str = "") -> tuple[int, str]:
    """An open file descriptor and path for a temporary file in ``target``'s folder."""
    return tempfile.mkstemp(prefix=TMP_PREFIX, suffix=suffix, dir=target.parent)


def write_text(path: str | Path, content: str) -> None:
    """Replace ``path`` with ``content`` (UTF-8) in one atomic step."""
    target = Path(path)
    fd, tmp = temporary_beside(target)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
