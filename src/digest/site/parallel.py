"""Work spread over the machine's cores: worker processes forked once, jobs in order, the
results streamed back while the caller goes on with its own work."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

# Below this many jobs a process pool costs more than it saves.
PARALLEL_FROM = 64
T = TypeVar("T")
R = TypeVar("R")


def _workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def parallel_map(
    function: Callable[[T], R], items: Sequence[T], workers: int | None = None
) -> list[R]:
    """`function` over `items`, on every core when there are enough of them to pay off."""
    with parallel_started(function, items, workers) as results:
        return list(results())


@contextmanager
def parallel_started(
    function: Callable[[T], R], items: Sequence[T], workers: int | None = None
) -> Iterator[Callable[[], Iterator[R]]]:
    """`function` over `items` started in worker processes; the caller works meanwhile, then
    calls what this yields for the results, in order, each as soon as it is done (the caller
    takes them all). Few items: run in this process, one by one as they are taken."""
    workers = workers or _workers()
    if workers < 2 or len(items) < PARALLEL_FROM:
        yield lambda: (function(item) for item in items)
        return
    # Small chunks: the last one is all that one worker may still be busy with while the
    # others wait (1,000 posts a worker: chunks of 31, a tenth of a second of work each).
    chunk = max(1, len(items) // (workers * 32))
    # Every job is submitted (and every worker forked) here, from this thread.
    with ProcessPoolExecutor(max_workers=workers, **_pool_options()) as pool:
        results = pool.map(function, items, chunksize=chunk)
        try:
            yield lambda: results
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise


def _pool_options() -> dict[str, Any]:
    # fork starts workers in milliseconds with the converter already imported; spawn would
    # re-import everything per worker, which costs more than it saves on a small site.
    import multiprocessing

    if "fork" in multiprocessing.get_all_start_methods():
        return {"mp_context": multiprocessing.get_context("fork")}
    return {}
