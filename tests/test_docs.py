"""The docs tell the truth: commands, options and exit codes match the code."""

from __future__ import annotations

import re
from pathlib import Path

from digest.cli import EXIT_CODES, _parser

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_ci_runs_exactly_the_readme_test_command():
    blocks = re.findall(r"^    (python3 -m venv .*pytest)$", README, flags=re.M)
    assert len(blocks) == 1, "the README should show one test command"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert blocks[0] in ci


def test_every_option_of_every_command_is_documented():
    commands = _parser()._subparsers._group_actions[0].choices
    for name, command in commands.items():
        assert f"digest {name}" in README, name
        for action in command._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert f"`{flag}" in README, f"{name} {flag}"


def test_every_site_setting_is_in_the_config_table():
    from digest.config import SiteSettings

    for name in SiteSettings.__dataclass_fields__:
        assert f"`site.{name}`" in README, name


def test_every_backfill_and_rebuild_option_is_documented():
    commands = _parser()._subparsers._group_actions[0].choices
    for name in ("backfill", "rebuild"):
        assert f"digest {name}" in README, name
        for action in commands[name]._actions:
            for flag in action.option_strings:
                if flag not in ("-h", "--help"):
                    assert f"`{flag}" in README, (name, flag)


def test_every_template_is_documented():
    documented = (REPO / "templates" / "README.md").read_text(encoding="utf-8")
    for template in (REPO / "templates").glob("*.md"):
        if template.name != "README.md":
            stem = template.name.split(".")[0]
            assert f"`{stem}." in documented, template.name


def test_every_exit_code_is_documented():
    for _, code in EXIT_CODES:
        assert re.search(rf"^\| {code} \|", README, flags=re.M), code
