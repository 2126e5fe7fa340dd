"""`digest init`: give a blog repository the config, workflow, templates and .gitignore it needs."""

from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from digest import write
from digest._version import __version__
from digest.errors import UsageError
from digest.installed import DISTRIBUTION, install_requirement, is_local
from digest.rebuild import MANIFEST
from digest.sections import SiteSettings
from digest.templating import default_templates_dir
from digest.write import Outcome

CONFIG_NAME = "config.yaml"
WORKFLOW_NAME = ".github/workflows/daily-digest.yml"
# Jekyll neither builds nor publishes a folder whose name starts with "_" unless it knows it.
TEMPLATES_NAME = "_digest/templates"
COPIED_LANGUAGES = "languages"
GITIGNORE_NAME = ".gitignore"
# A new blog names institutions at once: the HF organization, else the paper's arXiv page.
INIT_SOURCES = "[hf, arxiv]"
GITIGNORE_HEADER = "# digest"
# Every file digest writes but the posts and the archive. The archive (archive_dir) stays in
# git on purpose: on a GitHub runner the checkout is the only disk that lasts, and the archive
# is what `digest rebuild` renders every past day from, offline, after a template change.
GITIGNORE_ENTRIES = (
    f"{write.TEMP_PREFIX}*{write.TEMP_SUFFIX}",  # left only by a run killed mid-write
    write.LOCK_NAME,  # the output folder's run lock
    MANIFEST,  # rebuild's record of what is up to date: a cache
    f"{SiteSettings.cache_dir}/",  # digest site's record of its last build: a cache
    ".venv/",
    "_site/",
    ".jekyll-cache/",
)
# What a Jekyll site must not publish (underscore folders it skips anyway; said for clarity).
JEKYLL_EXCLUDE = (CONFIG_NAME, "_archive/")
# The workflow's line for another install source than the pinned release.
PACKAGE_LINE = re.compile(r'^(  DIGEST_PACKAGE: )""$', flags=re.M)

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
    """The shipped config.yaml with translation on (`INIT_TRANSLATE`) and a new blog's
    affiliation sources (`INIT_SOURCES`), pointing `templates_dir` at the copied templates
    when asked."""
    text = _set_line(
        shipped_text(CONFIG_NAME), r"^  sources: \[hf\]$", f"  sources: {INIT_SOURCES}"
    )
    head, section = text.split("\ntranslate:\n", 1)
    for key, value in INIT_TRANSLATE.items():
        section = _set_line(section, rf"^  {key}: .*$", f"  {key}: {value}")
    text = f"{head}\ntranslate:\n{section}"
    if templates:
        text = _set_line(text, r"^templates_dir: null$", f"templates_dir: {TEMPLATES_NAME}")
    return text


def default_package() -> str:
    """The release the shipped workflow installs when DIGEST_PACKAGE is empty."""
    return f"{DISTRIBUTION}=={__version__}"


def resolve_package(given: str | None) -> str:
    """The workflow's install source: `--package`, else how this digest was installed."""
    if given is None:
        return install_requirement()
    spec = given.strip()
    # The value lands in the workflow's env, where GitHub would evaluate `${{ }}`.
    if not spec or "${{" in spec or any(ord(c) < 32 for c in spec):
        raise UsageError(f"--package: expected a pip requirement, got {given!r}")
    return spec


def workflow_text(package: str) -> str:
    """The shipped workflow, installing `package` (the shipped file itself for the release)."""
    text = shipped_text("daily-digest.yml")
    if package == default_package():
        return text
    text, count = PACKAGE_LINE.subn(lambda m: m.group(1) + json.dumps(package), text)
    if count != 1:
        raise RuntimeError("the shipped workflow has no 'DIGEST_PACKAGE: \"\"' line")
    return text


def init_blog(
    root: Path, *, package: str, templates: bool = False, force: bool = False
) -> list[Scaffolded]:
    """Write the scaffold into `root`; files already there are kept unless `force`."""
    done = [
        _create(root, CONFIG_NAME, config_text(templates), force),
        _create(root, WORKFLOW_NAME, workflow_text(package), force),
    ]
    if templates:
        for name, text in copied_templates():
            done.append(_create(root, f"{TEMPLATES_NAME}/{name}", text, force))
    done.append(_gitignore(root))
    return done


def copied_templates() -> list[tuple[str, str]]:
    """What `init --templates` copies: the post template, the paper partial, the README and
    every language file (what a blog overrides); the site's templates stay packaged."""
    base = default_templates_dir()
    files = sorted(p for p in base.iterdir() if p.is_file())
    files += sorted((base / COPIED_LANGUAGES).glob("*.yaml"))
    return [(p.relative_to(base).as_posix(), p.read_text(encoding="utf-8")) for p in files]


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


def next_steps(root: Path, done: list[Scaffolded], templates: bool, package: str) -> list[str]:
    """What the user does after `init`, in order, as lines to print."""
    where = "" if root.resolve() == Path.cwd().resolve() else f"cd {root} && "
    command, on_path = _digest_command(where)
    steps = [
        f"Review {CONFIG_NAME}: languages, timezone, author (every key is explained there).",
        f"Try it: {where}{command} build   (writes yesterday's posts into _posts/)",
    ]
    if not on_path:
        steps.append(
            f"digest is not on PATH: run it as {command}, or activate its venv first "
            f"(source {Path(command).parent}/activate)."
        )
    kept = {item.name for item in done if item.outcome is Outcome.KEPT}
    if templates and CONFIG_NAME in kept:
        steps.append(f"Your {CONFIG_NAME} was kept: set templates_dir: {TEMPLATES_NAME} in it.")
    steps.append(_install_step(package, WORKFLOW_NAME in kept))
    if _jekyll_publishes_config(root):
        lines = "".join(f"\n       - {name}" for name in JEKYLL_EXCLUDE)
        steps.append(
            f"Jekyll would publish {CONFIG_NAME} as a page: add to _config.yml\n"
            f"     exclude:{lines}\n"
            "     (to a list already there, add the names; init does not edit _config.yml: a "
            "new `exclude:` replaces Jekyll 3's default list, GitHub Pages' Jekyll included)"
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
        "not start it (digest's docs/publishing.md: 'Deploying the site after the push').",
    ]
    return [f"  {number}. {step}" for number, step in enumerate(steps, start=1)]


def _install_step(package: str, workflow_kept: bool) -> str:
    if workflow_kept:
        return f"Your workflow was kept: check that it installs digest (pip install {package})."
    line = f"The workflow installs digest with: pip install {package}"
    if package == default_package():
        return line + f" (DIGEST_VERSION in {WORKFLOW_NAME}; bump it on purpose)."
    line += f" (DIGEST_PACKAGE in {WORKFLOW_NAME}; --package changes it)."
    if is_local(package):
        line += " A path on this machine: GitHub's runner cannot reach it."
    return line


def _digest_command(where: str) -> tuple[str, bool]:
    """How to run this digest from the blog's folder, and whether plain `digest` finds it."""
    script = Path(sys.executable).with_name("digest")
    found = shutil.which("digest")
    if not script.exists() or (found and Path(found).resolve() == script.resolve()):
        return "digest", True
    try:
        shown = Path(".") / script.relative_to(Path.cwd()) if not where else script
    except ValueError:
        shown = script
    return str(shown), False


def _jekyll_publishes_config(root: Path) -> bool:
    """A Jekyll site whose _config.yml does not mention config.yaml (so not in `exclude:`)."""
    try:
        return CONFIG_NAME not in (root / "_config.yml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
