"""The disk: the only module that writes files, atomically, and only inside the output folder."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import posixpath
import secrets
import time
from collections.abc import Iterator, Sequence
from enum import Enum
from pathlib import Path

from digest.errors import OutputBusy, OutputError

try:
    import fcntl
except ImportError:  # not POSIX: runs are not serialised
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

TEMP_PREFIX = ".digest-"
TEMP_SUFFIX = ".tmp"
# Jekyll skips dot-files, so the lock can live inside _posts/ without becoming a page.
LOCK_NAME = ".digest.lock"
LOCK_POLL_SECONDS = 0.1


# Whether each replaced file is flushed to disk before `write_*` returns (see `deferred_flush`).
_flush_each_file = True


class Outcome(str, Enum):
    WRITTEN = "written"
    UNCHANGED = "unchanged"
    CREATED = "created"
    KEPT = "kept"  # a different file was already there and was not replaced


def safe_join(root: Path, name: str) -> Path:
    """`root/name`, refusing any name that would land outside `root`."""
    candidate = Path(name)
    if candidate.is_absolute() or ".." in candidate.parts or not candidate.parts:
        raise OutputError(f"refusing to write outside the output folder: {name!r}")
    # A plain file name lands outside only through a symlink: one lstat, not a resolve of
    # every folder above (thousands of posts per rebuild).
    if len(candidate.parts) == 1 and "\0" not in name and not (root / candidate).is_symlink():
        return root / candidate
    # A site's pages: their folders resolved once each, not once per file written there.
    plain = "\0" not in name and not (root / candidate).is_symlink()
    if plain and _inside(root, str(candidate.parent)):
        return root / candidate
    target = (root / candidate).resolve()
    if not target.is_relative_to(root.resolve()):
        raise OutputError(f"refusing to write outside the output folder: {name!r}")
    return root / candidate


@functools.lru_cache(maxsize=4096)
def _inside(root: Path, folder: str) -> bool:
    """Whether `root/folder` resolves inside `root` (a folder that is not there yet is)."""
    # A site writes each post into a folder of its own: one that is no symlink, in a folder
    # already found inside, is inside too. One lstat, not a resolve of every folder above.
    parent = posixpath.dirname(folder)
    if parent and _inside(root, parent) and not (root / folder).is_symlink():
        return True
    return (root / folder).resolve().is_relative_to(root.resolve())


def read_existing(root: Path, name: str) -> str | None:
    """The current text of `root/name`, or None when there is no such file."""
    path = safe_join(root, name)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise OutputError(f"cannot read {path}: {exc}") from None


def write_text(root: Path, name: str, text: str, *, durable: bool = True) -> Outcome:
    """Write `text` as UTF-8 to `root/name` atomically; same bytes leave the file untouched."""
    return write_bytes(root, name, text.encode("utf-8"), durable=durable)


def write_bytes(root: Path, name: str, data: bytes, *, durable: bool = True) -> Outcome:
    """Write `data` to `root/name` atomically; same bytes leave the file untouched.

    `durable=False` skips the fsyncs: the rename is still atomic (a reader sees the old file or
    the new one), only a power cut may lose the write. For files rebuilt from others (a site),
    where thousands of fsyncs would cost more than the build itself.
    """
    path = safe_join(root, name)
    if _holds(path, data):
        return Outcome.UNCHANGED
    try:
        _replace_atomically(path, data, durable)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return Outcome.WRITTEN


def write_together(root: Path, files: Sequence[tuple[str, str]]) -> list[Outcome]:
    """Write several files (the language versions of one post) as far as a disk allows as
    one: every changed file is staged in full (temp file, fsync) before any replaces its old
    version, so a failure while staging (a full disk, a bad name) changes none of them.

    Then the renames, one by one: a rename in the same folder does not need space, so only
    a crash or power cut between two renames can leave some files new and the rest old.
    """
    wanted = [(safe_join(root, name), text.encode("utf-8")) for name, text in files]
    outcomes = [Outcome.UNCHANGED if _holds(*file) else Outcome.WRITTEN for file in wanted]
    staged: list[tuple[Path, Path]] = []  # (temp, target)
    try:
        for (path, body), outcome in zip(wanted, outcomes, strict=True):
            if outcome is Outcome.WRITTEN:
                # Named before it exists, so a signal that lands anywhere can clean it up.
                staged.append((_temp_for(path), path))
                _stage(staged[-1][0], path, body, durable=True)
        _commit(staged)
    except BaseException:
        for temp, _ in staged:  # the ones already renamed are simply not there any more
            _remove_quietly(temp)
        raise
    return outcomes


def _temp_for(path: Path) -> Path:
    """A fresh temp name beside `path`, chosen before the file exists: a signal that lands
    anywhere, even between creating the file and learning its name (as inside mkstemp), can
    then clean it up."""
    return path.parent / f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"


def _stage(temp: Path, path: Path, data: bytes, durable: bool) -> None:
    """`data` in the new file `temp` beside `path`, flushed to disk if `durable`. The caller
    removes `temp` on any failure, a signal included (see cli): no temp litter."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # 0o666 less the umask, like any file the user makes (mkstemp would make it 0600).
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:  # os.write, not a file object: no stat, tty check or seek on each of 2,000 pages
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable and _flush_each_file:
                os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _commit(staged: Sequence[tuple[Path, Path]]) -> None:
    """Rename each staged file over its target; name what was and was not replaced."""
    for done, (temp, path) in enumerate(staged):
        try:
            os.replace(temp, path)
        except OSError as exc:
            replaced = ", ".join(str(p) for _, p in staged[:done]) or "none"
            raise OutputError(
                f"cannot replace {path}: {exc.strerror or exc} (already replaced: {replaced})"
            ) from None
    if _flush_each_file:
        for folder in {path.parent for _, path in staged}:
            _fsync_dir(folder)


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


def create_text(root: Path, name: str, text: str, *, replace: bool = False) -> Outcome:
    """Create `root/name`; a different file already there is KEPT unless `replace`."""
    path = safe_join(root, name)
    if not path.exists():
        write_text(root, name, text)
        return Outcome.CREATED
    if replace:
        return write_text(root, name, text)
    return Outcome.UNCHANGED if _holds(path, text.encode("utf-8")) else Outcome.KEPT


def _holds(path: Path, data: bytes) -> bool:
    """Whether `path` exists with exactly these bytes."""
    try:
        # Another size: no need to read it (a site's manifest is megabytes).
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except (FileNotFoundError, NotADirectoryError):  # a file in a folder's place: not there
        return False
    except OSError as exc:
        raise OutputError(f"cannot read {path}: {exc}") from None


def _replace_atomically(path: Path, data: bytes, durable: bool = True) -> None:
    """Temp file in the same folder, fsync, rename: readers see the old file or the new one."""
    temp = _temp_for(path)
    try:
        _stage(temp, path, data, durable)
        os.replace(temp, path)
    except BaseException:
        # Also on KeyboardInterrupt and SIGTERM (see cli): leave no temp litter.
        _remove_quietly(temp)
        raise
    if durable and _flush_each_file:
        _fsync_dir(path.parent)


def _remove_quietly(path: Path) -> None:
    # Not there: never created (its folder may be a file) or already renamed into place.
    with contextlib.suppress(FileNotFoundError, NotADirectoryError):
        os.unlink(path)


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


@contextlib.contextmanager
def output_lock(root: Path, *, wait: bool, timeout: float) -> Iterator[None]:
    """Hold the output folder's lock for a whole run: overlapping runs never interleave.

    The lock is an flock on `root/.digest.lock`, released by the kernel if the process dies,
    so a crashed run never blocks the next one.
    """
    try:
        root.mkdir(parents=True, exist_ok=True)
        fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as exc:
        raise OutputError(f"cannot use output folder {root}: {exc.strerror or exc}") from None
    try:
        _acquire(fd, root, wait=wait, timeout=timeout)
        # Holding the lock, any temp file left here is from a run that was killed (SIGKILL).
        _remove_stale_temp_files(root)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def _acquire(fd: int, root: Path, *, wait: bool, timeout: float) -> None:
    if fcntl is None:
        return
    deadline = time.monotonic() + timeout
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        if not wait:
            raise OutputBusy(f"another digest run is writing to {root}; skipped (lock.when_busy)")
        if time.monotonic() >= deadline:
            raise OutputBusy(
                f"another digest run is still writing to {root} after {timeout:g}s "
                "(lock.timeout); gave up"
            )
        if not told:
            log.warning("another digest run is writing to %s; waiting for it", root)
            told = True
        time.sleep(LOCK_POLL_SECONDS)


def _remove_stale_temp_files(root: Path) -> None:
    for stale in root.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stale.unlink()
            log.info("removed %s, left by an interrupted run", stale)
