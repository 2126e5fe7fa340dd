"""The disk: the only module that writes files, atomically, and only inside the output folder."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

from digest.errors import OutputError

TEMP_PREFIX = ".digest-"
TEMP_SUFFIX = ".tmp"


# Whether each replaced file is flushed to disk before `write_*` returns (see `deferred_flush`).
_flush_each_file = True


class Outcome(str, Enum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"


def safe_join(root: Path, name: str) -> Path:
    """`root/name`, refusing any name that would land outside `root`."""
    candidate = Path(name)
    if candidate.is_absolute() or ".." in candidate.parts or not candidate.parts:
        raise OutputError(f"refusing to write outside the output folder: {name!r}")
    target = (root / candidate).resolve()
    if not target.is_relative_to(root.resolve()):
        raise OutputError(f"refusing to write outside the output folder: {name!r}")
    return root / candidate


def read_existing(root: Path, name: str) -> str | None:
    """The current text of `root/name`, or None when there is no such file."""
    path = safe_join(root, name)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"cannot read {path}: {exc}") from None


def write_text(root: Path, name: str, text: str) -> Outcome:
    """Write `text` as UTF-8 to `root/name` atomically; same bytes leave the file untouched."""
    return write_bytes(root, name, text.encode("utf-8"))


def write_bytes(root: Path, name: str, data: bytes) -> Outcome:
    """Write `data` to `root/name` atomically; the same bytes leave the file untouched."""
    path = safe_join(root, name)
    try:
        if path.read_bytes() == data:
            return Outcome.UNCHANGED
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise OutputError(f"cannot read {path}: {exc}") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _replace_atomically(path, data)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return Outcome.WRITTEN


def remove(root: Path, name: str) -> bool:
    """Delete `root/name` if it exists (e.g. a page a refetched day no longer has)."""
    path = safe_join(root, name)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise OutputError(f"cannot remove {path}: {exc.strerror or exc}") from None
    return True


def _replace_atomically(path: Path, data: bytes) -> None:
    """Temp file in the same folder, fsync, rename: readers see the old file or the new one."""
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if _flush_each_file:
                os.fsync(handle.fileno())
        # mkstemp makes 0600 files; a post should be readable like any file the user makes.
        os.chmod(temp_name, 0o666 & ~_UMASK)
        os.replace(temp_name, path)
    except BaseException:
        # Also on KeyboardInterrupt/SystemExit (SIGINT, SIGTERM): leave no temp litter.
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    if _flush_each_file:
        _fsync_dir(path.parent)


@contextlib.contextmanager
def deferred_flush() -> Iterator[None]:
    """Inside, every file is still replaced atomically (a reader or a killed run sees the old
    file or the new one), but the flush to disk waits for one sync on the way out. For bulk
    output that can be made again (`rebuild`): thousands of fsyncs cost more than rendering."""
    global _flush_each_file
    sync = getattr(os, "sync", None)
    if sync is None:  # no sync(2) on this platform: flush file by file as usual
        yield
        return
    _flush_each_file = False
    try:
        yield
    finally:
        _flush_each_file = True
        sync()


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the rename itself is still atomic
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once, at import: reading the umask means setting it for a moment, which would race with
# files and folders that other threads (a concurrent backfill) create at the same time.
_UMASK = _umask()
