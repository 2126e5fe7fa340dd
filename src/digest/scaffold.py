"""`digest init`: give a blog repository the config, workflow, templates and .gitignore it needs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from digest import write
from digest.templating import default_templates_dir
from digest.write import Outcome

CONFIG_NAME = "config.yaml"
WORKFLOW_NAME = ".github/workflows/daily-digest.yml"
# Jekyll neither builds nor publishes a folder whose name starts with "_" unless it knows it.
TEMPLATES_NAME = "_digest/templates"
GITIGNORE_NAME = ".gitignore"
GITIGNORE_HEADER = "# digest"
GITIGNORE_ENTRIES = (
    f"{write.TEMP_PREFIX}*{write.TEMP_SUFFIX}",  # left only by a run killed mid-write
    write.LOCK_NAME,  # the output folder's run lock
    ".venv/",
    "_site/",
    ".jekyll-cache/",
)

# Files `init` copies: where each lives inside the installed package (see pyproject's
# force-include) and, for a source checkout, at the top of the repository.
_SHIPPED = {
    CONFIG_NAME: CONFIG_NAME,
    "daily-digest.yml": WORKFLOW_NAME,
}


@dataclass(frozen=True)
class Scaffolded:
    """One file `init` looked after, and what it did to it."""

    name: str
    outcome: Outcome
    detail: str = ""
    verb: str = ""  # says what WRITTEN meant when it was not a replacement

    def line(self) -> str:
        label = (
            self.verb
            or {
                Outcome.CREATED: "created",
                Outcome.WRITTEN: "replaced",
                Outcome.UNCHANGED: "unchanged",
                Outcome.KEPT: "kept",
            }[self.outcome]
        )
        return f"{label:<10}{self.name}" + (f" ({self.detail})" if self.detail else "")


def shipped_text(name: str) -> str:
    """The text of a file digest ships for `init` (config.yaml, daily-digest.yml)."""
    packaged = Path(str(resources.files("digest"))) / name
    path = packaged if packaged.is_file() else Path(__file__).resolve().parents[2] / _SHIPPED[name]
    return path.read_text(encoding="utf-8")


# What `init` changes in the translate section: translation on, through GitHub Models with the
# workflow's own GITHUB_TOKEN, within the free tier for the small models (about 150 requests a
# day, 15 a minute): 140 calls (10 to spare for a manual run) at 0.25 a second take 560 s, inside
# max_total_seconds (600). A 130-paper day needs 242: its TL;DRs all, then 28 abstracts.
INIT_TRANSLATE = {
    "enabled": "true",
    "max_calls": "140  # GitHub Models' free tier: about 150 requests a day",
    "requests_per_second": "0.25  # and 15 a minute",
}


def _set_line(text: str, pattern: str, line: str) -> str:
    text, count = re.subn(pattern, line, text, count=1, flags=re.M)
    if count != 1:
        raise RuntimeError(f"the shipped config.yaml has no line like {pattern!r}")
    return text


def config_text(templates: bool) -> str:
    """The shipped config.yaml with translation on (`INIT_TRANSLATE`), pointing
    `templates_dir` at the copied templates when asked."""
    text = shipped_text(CONFIG_NAME)
    head, section = text.split("\ntranslate:\n", 1)
    for key, value in INIT_TRANSLATE.items():
        section = _set_line(section, rf"^  {key}: .*$", f"  {key}: {value}")
    text = f"{head}\ntranslate:\n{section}"
    if templates:
        text = _set_line(text, r"^templates_dir: null$", f"templates_dir: {TEMPLATES_NAME}")
    return text


def init_blog(root: Path, *, templates: bool = False, force: bool = False) -> list[Scaffolded]:
    """Write the scaffold into `root`; files already there are kept unless `force`."""
    done = [
        _create(root, CONFIG_NAME, config_text(templates), force),
        _create(root, WORKFLOW_NAME, shipped_text("daily-digest.yml"), force),
    ]
    if templates:
        for source in sorted(default_templates_dir().iterdir()):
            if source.is_file():
                name = f"{TEMPLATES_NAME}/{source.name}"
                done.append(_create(root, name, source.read_text(encoding="utf-8"), force))
    done.append(_gitignore(root))
    return done


def _create(root: Path, name: str, text: str, force: bool) -> Scaffolded:
    outcome = write.create_text(root, name, text, replace=force)
    detail = "exists and differs; --force replaces it" if outcome is Outcome.KEPT else ""
    return Scaffolded(name, outcome, detail)


def _gitignore(root: Path) -> Scaffolded:
    """Add the entries a blog checkout needs, keeping every line already there."""
    existing = write.read_existing(root, GITIGNORE_NAME)
    present = {line.strip() for line in (existing or "").splitlines()}
    missing = [entry for entry in GITIGNORE_ENTRIES if entry not in present]
    if not missing:
        return Scaffolded(GITIGNORE_NAME, Outcome.UNCHANGED)
    head = existing or ""
    if head and not head.endswith("\n"):
        head += "\n"
    if head:
        head += "\n"
    write.write_text(root, GITIGNORE_NAME, head + "\n".join([GITIGNORE_HEADER, *missing]) + "\n")
    if existing is None:
        return Scaffolded(GITIGNORE_NAME, Outcome.CREATED)
    return Scaffolded(GITIGNORE_NAME, Outcome.WRITTEN, f"added {', '.join(missing)}", "updated")


def next_steps(root: Path, done: list[Scaffolded], templates: bool) -> list[str]:
    """What the user does after `init`, in order, as lines to print."""
    where = "" if root.resolve() == Path.cwd().resolve() else f"cd {root} && "
    steps = [
        f"Review {CONFIG_NAME}: languages, timezone, author (every key is explained there).",
        f"Try it: {where}digest build   (writes yesterday's posts into _posts/)",
    ]
    kept = {item.name for item in done if item.outcome is Outcome.KEPT}
    if templates and CONFIG_NAME in kept:
        steps.append(f"Your {CONFIG_NAME} was kept: set templates_dir: {TEMPLATES_NAME} in it.")
    if _jekyll_publishes_config(root):
        steps.append(
            f"Jekyll publishes {CONFIG_NAME} as a page: add it to `exclude:` in _config.yml."
        )
    push = "git push"
    if not (root / ".git").exists():
        steps.append(f"{where}git init -b main && git remote add origin <your GitHub repository>")
        push = "git push -u origin main"
    steps += [
        f"Commit and push: {where}git add {CONFIG_NAME} .github .gitignore"
        + (f" {TEMPLATES_NAME.split('/')[0]}" if templates else "")
        + f' && git commit -m "Add daily digest" && {push}',
        "On GitHub: Actions → Daily digest → Run workflow, to publish yesterday now; after that "
        "it runs every day at 01:17 UTC.",
        "If a workflow deploys your site on push, chain it: a push by the digest workflow does "
        "not start it (see the digest README, 'Publish daily with GitHub Actions').",
    ]
    return [f"  {number}. {step}" for number, step in enumerate(steps, start=1)]


def _jekyll_publishes_config(root: Path) -> bool:
    """A Jekyll site whose _config.yml does not mention config.yaml (so not in `exclude:`)."""
    try:
        return CONFIG_NAME not in (root / "_config.yml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
