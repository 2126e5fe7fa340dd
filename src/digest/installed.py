"""How this digest was installed, as the pip requirement a blog's workflow installs it with."""

from __future__ import annotations

import json
from importlib import metadata
from typing import Any
from urllib.parse import unquote, urlsplit

from digest.errors import UsageError

DISTRIBUTION = "hf-digest"
HINT = "give the workflow's install source with --package, e.g. --package hf-digest==VERSION"


def install_requirement() -> str:
    """What `pip install` needs to get this very digest on another machine (PEP 610).

    No direct_url.json means pip took it from an index: the same release is on the index.
    """
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise UsageError(f"digest is not installed as a package; {HINT}") from None
    text = dist.read_text("direct_url.json")
    if text is None:
        return f"{DISTRIBUTION}=={dist.version}"
    try:
        info = json.loads(text)
    except ValueError:
        problem = "cannot read how digest was installed (its direct_url.json)"
        raise UsageError(f"{problem}; {HINT}") from None
    return requirement_from_direct_url(info)


def requirement_from_direct_url(info: dict[str, Any]) -> str:
    """A pip requirement from a PEP 610 record; a local folder or file cannot be one."""
    url = str(info.get("url", ""))
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs"):
        # The commit, not the branch or tag asked for: the workflow installs what was tried.
        revision = vcs.get("commit_id") or vcs.get("requested_revision")
        spec = f"{vcs['vcs']}+{url}" + (f"@{revision}" if revision else "")
        subdirectory = info.get("subdirectory")
        return spec + (f"#subdirectory={subdirectory}" if subdirectory else "")
    where = unquote(urlsplit(url).path) if url.startswith("file:") else url
    if isinstance(info.get("dir_info"), dict):
        kind = "an editable install" if info["dir_info"].get("editable") else "a local folder"
        raise UsageError(f"digest was installed from {kind} ({where}); {HINT}")
    if url.startswith("file:"):
        raise UsageError(f"digest was installed from a local file ({where}); {HINT}")
    if url:
        return url  # a wheel or sdist at a URL: the runner can download it too
    raise UsageError(f"cannot tell how digest was installed; {HINT}")


def is_local(spec: str) -> bool:
    """A requirement naming this machine's disk, which GitHub's runner cannot reach."""
    return "file:" in spec
