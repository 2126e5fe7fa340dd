"""The C allocator's settings for a build of thousands of big strings (glibc's malloc)."""

from __future__ import annotations

import ctypes
import logging

log = logging.getLogger(__name__)

# mallopt's parameters (glibc's malloc.h).
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MAPPED_FROM = 4 * 2**20  # blocks this big or bigger get their own mapping, as before
KEPT_FREE = 32 * 2**20  # free memory at the heap's top kept for the next blocks


def keep_freed_blocks() -> bool:
    """Have blocks under 4 MB come from the heap, and keep up to 32 MB of it when freed.

    glibc maps each block over 128 KB on its own and unmaps it when it is freed, and a post's
    strings are 100-300 KB (4 bytes a character once one emoji is in them): each post's pages
    were faulted in anew, 300,000 page faults and a third of the system time of a site of
    2,000 posts. The peak stays as it was (a few MB more). Back: whether the allocator took it
    (not glibc, or no C library to ask: nothing changes)."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (AttributeError, OSError):
        return False
    taken = mallopt(_M_MMAP_THRESHOLD, MAPPED_FROM) == 1
    taken = mallopt(_M_TRIM_THRESHOLD, KEPT_FREE) == 1 and taken
    log.debug("allocator: blocks under %d MB from the heap: %s", MAPPED_FROM >> 20, taken)
    return taken
