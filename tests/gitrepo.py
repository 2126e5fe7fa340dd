"""A blog repository for the publishing tests: a bare remote ("GitHub") and clones of it."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

OWNER = ("Blog Owner", "owner@example.com")


def git_env(home: Path) -> dict[str, str]:
    """A clean environment for git: its own HOME (identity, default branch), no system config."""
    home.mkdir(parents=True, exist_ok=True)
    (home / ".gitconfig").write_text(
        f"[user]\n\tname = {OWNER[0]}\n\temail = {OWNER[1]}\n[init]\n\tdefaultBranch = main\n",
        encoding="utf-8",
    )
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


@dataclass
class Remote:
    """The bare repository pushes go to, like the blog's repository on GitHub."""

    path: Path
    env: dict[str, str]

    def clone(self, dest: Path) -> Path:
        git(dest.parent, self.env, "clone", "--quiet", str(self.path), str(dest))
        return dest

    def log(self) -> list[str]:
        """Commit subjects on main, newest first."""
        return git(self.path, self.env, "log", "--format=%s", "main").splitlines()

    def show(self, fmt: str, ref: str = "main") -> str:
        return git(self.path, self.env, "log", "-1", f"--format={fmt}", ref).strip()

    def show_file(self, name: str, ref: str = "main") -> str:
        return git(self.path, self.env, "show", f"{ref}:{name}")

    def files(self, ref: str = "main") -> list[str]:
        return git(self.path, self.env, "ls-tree", "-r", "--name-only", ref).splitlines()

    def push_commit(self, work: Path, name: str, text: str) -> None:
        """Someone else pushes a commit, from their own clone."""
        if not work.exists():
            self.clone(work)
        git(work, self.env, "pull", "--quiet")
        (work / name).write_text(text, encoding="utf-8")
        git(work, self.env, "add", name)
        git(work, self.env, "commit", "--quiet", "-m", f"Edit {name}")
        git(work, self.env, "push", "--quiet")


def make_remote(root: Path, env: dict[str, str], seed: Path) -> Remote:
    """A bare remote whose main holds one commit: the files in the folder `seed`."""
    bare = root / "remote.git"
    git(root, env, "init", "--quiet", "--bare", str(bare))
    git(seed, env, "init", "--quiet")
    git(seed, env, "add", "--all")
    git(seed, env, "commit", "--quiet", "-m", "Start the blog")
    git(seed, env, "push", "--quiet", str(bare), "HEAD:main")
    return Remote(bare, env)
