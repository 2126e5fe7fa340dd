"""The allocator keeps freed post-sized blocks: no page faults a post for its strings."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

# Allocates and frees 300 KB strings as a build does a post's, counting the page faults.
FAULTS = """
import resource, sys
from digest import heap
if sys.argv[1] == "kept":
    assert heap.keep_freed_blocks()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for i in range(300):
    text = "\\U0001f600" * 75_000 + str(i)  # 300 KB: four bytes a character
    del text
print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
"""


def _faults(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", FAULTS, mode], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


@pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc", reason="glibc's malloc"
)
def test_post_sized_strings_are_not_faulted_in_anew_each_time():
    # Each 300 KB block mapped and unmapped: 75 pages faulted in for each of the 300 strings.
    assert _faults("default") > 300 * 50
    assert _faults("kept") < 300 * 5
