"""Writing files so that a reader never sees half of one: write beside, then rename.

Everything pmrole writes for a user (scored listings, reports, models, the CURRENT pointer)
goes through a temporary name in the target's own folder, so the final rename is atomic; an
interrupted run leaves only such temporary names behind. A temporary name carries the process
id of the run writing it (``.pmrole-tmp-<pid>-…``), so :func:`sweep_stale` removes the leftovers
of runs that are dead and never the file a concurrent run is still writing. Finished files get
the permissions the user's umask gives any new file (``mkstemp`` alone would leave them 0600).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

from .errors import InputError

TMP_PREFIX = ".pmrole-tmp-"
# A temporary without a process id (written by an older pmrole) counts as stale after a day.
LEGACY_STALE_SECONDS = 24 * 3600
_PID = re.compile(re.escape(TMP_PREFIX) + r"(\d+)-")


def prefix() -> str:
    """The temporary-name prefix of this process."""
    return f"{TMP_PREFIX}{os.getpid()}-"


def temporary_beside(target: Path, suffix: str = "") -> tuple[int, str]:
    """An open file descriptor and path for a temporary file in ``target``'s folder."""
    return tempfile.mkstemp(prefix=prefix(), suffix=suffix, dir=target.parent)


def temporary_folder(parent: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix(), dir=parent))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def publish_mode(path: str | Path, folder: bool = False) -> None:
    """Give a finished temporary the mode a newly created file (or folder) would have."""
    os.chmod(path, (0o777 if folder else 0o666) & ~_umask())


def write_text(path: str | Path, content: str) -> None:
    """Replace ``path`` with ``content`` (UTF-8) in one atomic step."""
    target = Path(path)
    fd, tmp = temporary_beside(target)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        publish_mode(tmp)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_writable(target: Path, option: str, force: bool, input_path=None) -> None:
    """Refuse, before any work, an output that cannot be written or would be replaced without
    --force: a folder, a missing or read-only folder, the input itself."""
    same = input_path is not None and input_path != "-" and not hasattr(input_path, "read") and target.exists()
    if same and target.resolve() == Path(input_path).resolve():
        raise InputError(f"{target}: is the input file; write to another file.")
    if target.is_dir():
        raise InputError(f"{target}: is a directory; give a file name to {option}.")
    if target.exists() and not target.is_file():  # a device, a pipe: renaming onto it would replace it
        raise InputError(f"{target}: is not a regular file; give a file name to {option}"
                         + (", or - for stdout." if option == "-o" else "."))
    if target.exists() and not force:
        raise InputError(f"{target}: already exists; pass --force to replace it, or choose another {option}.")
    parent = target.parent
    if not parent.is_dir():
        raise InputError(f"{target}: the folder {parent} does not exist; create it first.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise InputError(f"{target}: the folder {parent} is not writable; choose another {option}.")
    try:  # permissions are not the whole story (root, read-only mounts, /proc): try it
        fd, probe = temporary_beside(target)
    except OSError as exc:
        raise InputError(f"{target}: cannot write in {parent} ({exc.strerror}); choose another "
                         f"{option}.") from None
    os.close(fd)
    os.unlink(probe)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def is_stale(path: Path) -> bool:
    """A pmrole temporary whose run has ended (its process is gone)."""
    match = _PID.match(path.name)
    if match:
        return not _alive(int(match.group(1)))
    try:
        return time.time() - path.lstat().st_mtime > LEGACY_STALE_SECONDS
    except OSError:
        return False


def sweep_stale(folder: Path) -> list[Path]:
    """Remove the temporaries that dead runs left in ``folder``; return what was removed."""
    removed = []
    try:
        candidates = list(folder.glob(TMP_PREFIX + "*"))
    except OSError:
        return removed
    for path in candidates:
        if not is_stale(path):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(path)
    return removed
