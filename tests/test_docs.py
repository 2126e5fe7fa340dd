"""The docs tell the truth: commands, options, config keys and exit codes match the code, the
README's commands are the ones CI runs, and the MkDocs site builds with --strict."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from digest.cli import COMMANDS, EXIT_CODES, _parser
from digest.config import Config
from digest.settings import declared, default_of

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = REPO / "docs"
ALL_DOCS = "\n".join(page.read_text(encoding="utf-8") for page in sorted(DOCS.glob("*.md")))
MKDOCS = Path(sys.executable).with_name("mkdocs")


def _commands() -> dict:
    return _parser()._subparsers._group_actions[0].choices


def test_ci_runs_exactly_the_readme_test_command():
    blocks = re.findall(r"^    (python3 -m venv .*pytest)$", README, flags=re.M)
    assert len(blocks) == 1, "the README should show one test command"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert blocks[0] in ci


def test_readme_is_short_and_shows_the_offline_try():
    assert len(README.splitlines()) <= 250
    assert "digest build --offline --date 2026-02-20 --config examples/sample/config.yaml" in README
    assert (REPO / "examples" / "sample" / "config.yaml").is_file()


def test_every_command_and_option_is_documented():
    for name, command in _commands().items():
        assert f"## digest {name}" in ALL_DOCS, name
        for action in command._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert f"`{flag}" in ALL_DOCS, f"{name} {flag}"
    assert "`--version`" in ALL_DOCS or "digest --version" in ALL_DOCS


def test_every_template_is_documented():
    documented = (REPO / "templates" / "README.md").read_text(encoding="utf-8")
    for template in (REPO / "templates").glob("*.md"):
        if template.name != "README.md":
            stem = template.name.split(".")[0]
            assert f"`{stem}." in documented, template.name


def test_commands_page_shows_every_commands_examples(built):
    page = _text((built / "commands" / "index.html").read_text(encoding="utf-8"))
    for command in COMMANDS:
        for line in command.examples.splitlines():
            assert line.strip() in page, line


def test_every_exit_code_is_documented_once():
    page = (DOCS / "exit-codes.md").read_text(encoding="utf-8")
    for _, code in {*EXIT_CODES, (None, 0)}:
        assert re.search(rf"^\| {code} \|", page, flags=re.M), code
    # One table: no other page, and not the README, has a row per exit code.
    for other in [*sorted(DOCS.glob("*.md")), REPO / "README.md"]:
        if other.name != "exit-codes.md":
            rows = re.findall(r"^\| [0-6] \|", other.read_text(encoding="utf-8"), flags=re.M)
            assert not rows, other.name


def _mkdocs(config: Path, out: Path) -> subprocess.CompletedProcess[str]:
    if not MKDOCS.exists():
        pytest.fail("mkdocs is not installed: pip install -e '.[test]'")
    return subprocess.run(
        [str(MKDOCS), "build", "--strict", "--config-file", str(config), "--site-dir", str(out)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The docs site, built once with --strict for the tests below."""
    out = tmp_path_factory.mktemp("docs") / "site"
    result = _mkdocs(REPO / "mkdocs.yml", out)
    assert result.returncode == 0, result.stderr
    return out


def test_the_docs_site_builds_strict(built):
    for page in DOCS.glob("*.md"):
        page_dir = "" if page.stem == "index" else f"{page.stem}/"
        assert (built / page_dir / "index.html").is_file(), page.name
    assert not (built / "hooks").exists()  # the build's own code is not published


def _text(markup: str) -> str:
    """What a reader sees of some HTML (a doc line's `code` shows without its backticks)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup)).strip()


def _inside(tag: str) -> str:
    """A pattern for the inside of one <tag>, never running into the next."""
    return rf"((?:(?!</{tag}>).)*)"


def _rows(page: str) -> dict[str, tuple[str, str]]:
    """A built page's table rows whose first cell is code: key -> (default, meaning), as read."""
    cell = rf"<td>{_inside('td')}</td>\s*"
    rows = re.findall(rf"<tr>\s*<td><code>([^<]+)</code></td>\s*{cell}{cell}</tr>", page, re.S)
    return {key: (_text(default), _text(meaning)) for key, default, meaning in rows}


def test_configuration_page_shows_every_declared_setting(built):
    """The one check of the settings' docs: each declared setting (issue 12's, 11's and 16's
    too, once declared) has its row, with its default and its doc line, on the built page."""
    sys.path.insert(0, str(DOCS / "hooks"))
    try:
        from generated import shown
    finally:
        sys.path.pop(0)
    page = (built / "configuration" / "index.html").read_text(encoding="utf-8")
    rows = _rows(page)
    settings = [(key, item) for key, item in declared(Config) if "section" not in item.metadata]
    assert {"site.cache_dir", "weekly.max_papers", "daily.title", "languages"} <= dict(
        settings
    ).keys()
    for key, item in settings:
        doc = item.metadata["doc"].replace("`", "")
        assert rows.get(key) == (shown(default_of(item)), doc), key
    assert set(rows) == {key for key, _ in settings}
    # Each section: its heading, then its doc line.
    pattern = rf"<h2 id=[^>]*>{_inside('h2')}</h2>\s*<p>{_inside('p')}</p>"
    headings = re.findall(pattern, page, re.S)
    shown_sections = {_text(heading).rstrip("¶"): _text(doc) for heading, doc in headings}
    for key, item in declared(Config):
        if "section" in item.metadata:
            assert shown_sections.get(f"{key}:") == item.metadata["doc"].replace("`", ""), key


@pytest.mark.slow
@pytest.mark.parametrize(
    ("change", "finding"),
    [
        (("commands.md#the-install-source", "commands.md#no-such-heading"), "no-such-heading"),
        (("(exit-codes.md)", "(exit-code.md)"), "exit-code.md"),
    ],
)
def test_a_broken_link_fails_the_strict_build(tmp_path, change, finding):
    copy = tmp_path / "repo"
    shutil.copytree(DOCS, copy / "docs")
    shutil.copy(REPO / "mkdocs.yml", copy / "mkdocs.yml")
    page = copy / "docs" / "publishing.md"
    text = page.read_text(encoding="utf-8")
    assert change[0] in text
    page.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    result = _mkdocs(copy / "mkdocs.yml", tmp_path / "site")
    assert result.returncode == 1
    assert finding in result.stderr


def test_help_shows_every_command_and_each_commands_own_examples(run):
    top = run("--help").out
    commands = _commands()
    for name in commands:
        assert re.search(rf"^  digest {name}\b", top, flags=re.M), name
    for name in commands:
        examples = run(name, "--help").out.split("examples:\n", 1)[1]
        shown = set(re.findall(r"^  (?:\S+=\S+ )?digest (\w+)", examples, flags=re.M))
        assert shown == {name}, (name, shown)
