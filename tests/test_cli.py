"""The command line as a user meets it: help, version, bad input, exit codes, one error line."""

from __future__ import annotations

import pytest

from digest import __version__


def test_version(run):
    result = run("--version")
    assert result.code == 0 and result.out.strip() == f"digest {__version__}"


def test_help_shows_examples_and_exit_codes(run):
    result = run("build", "--help")
    assert result.code == 0
    for text in ("--date", "--dry-run", "--force", "--lang", "examples:", "exit codes:"):
        assert text in result.out


def test_no_command_is_a_usage_error(run):
    result = run()
    assert result.code == 2
    assert len(result.error_lines) == 1


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2026-02-30", "2026-02-30 is not a real day"),
        ("2026-13-01", "2026-13-01 is not a real day"),
        ("20260220", "expected YYYY-MM-DD"),
        ("../x", "expected YYYY-MM-DD"),
        ("2999-01-01", "2999-01-01 is in the future"),
        ("", "expected YYYY-MM-DD"),
    ],
)
def test_bad_dates(date, message, run, hf_server, tmp_path):
    result = run("build", "--date", date)
    assert result.code == 2
    assert result.error_lines == [result.err.strip()]
    assert message in result.err
    assert hf_server.requests == []  # nothing fetched
    assert not (tmp_path / "_posts").exists()


def test_unknown_option_is_one_error_line(run):
    result = run("build", "--dat", "2026-02-20")
    assert result.code == 2
    assert result.err.count("\n") == 1 and result.err.startswith("Error: ")


def test_unknown_language(run, hf_server):
    result = run("build", "--date", "2026-02-20", "--lang", "fr")
    assert result.code == 2
    assert "'fr' is not a configured language (ko, en or all)" in result.err
    assert hf_server.requests == []


def test_broken_config_names_every_problem(run, write_config, hf_server):
    path = write_config(
        "languages: [ko, EN]\ntimezone: Mars/Olympus\nmax_papers: 0\nbogus: 1\n"
        "post_time: 10:30\napi:\n  timeout: fast\n  retires: 3\n"
    )
    result = run("build", "--date", "2026-02-20", "--config", str(path))
    assert result.code == 2
    assert len(result.error_lines) == 1
    line = result.error_lines[0]
    for key in (
        "languages:",
        "timezone:",
        "max_papers:",
        "bogus: unknown key",
        "post_time:",
        "api.timeout:",
        "api.retires: unknown key (did you mean 'api.retries'?)",
    ):
        assert key in line
    assert "7 problems" in line
    assert hf_server.requests == []


def test_missing_config_file(run, tmp_path):
    result = run("build", "--date", "2026-02-20", "--config", str(tmp_path / "nope.yaml"))
    assert result.code == 2
    assert "file not found" in result.error_lines[0]


def test_malformed_yaml_names_the_line(run, write_config):
    path = write_config("languages: [ko, en\ntimezone: Asia/Seoul\napi: {}\n")
    result = run("build", "--date", "2026-02-20", "--config", str(path))
    assert result.code == 2
    assert "invalid YAML at line" in result.error_lines[0]


def test_upstream_down_exits_3(run, write_config, hf_server, tmp_path):
    write_config()
    hf_server.knobs.fail_forever = 503
    result = run("build", "--date", "2026-02-20")
    assert result.code == 3
    assert result.error_lines == [
        f"Error: {hf_server.url}/api/daily_papers failed after 3 attempts: HTTP 503"
    ]
    assert len(hf_server.requests) == 3  # 1 + api.retries
    assert "Traceback" not in result.err
    assert not (tmp_path / "_posts").exists()


def test_lying_upstream_exits_4(run, write_config, hf_server):
    write_config()
    hf_server.knobs.body = b"<!doctype html><title>Maintenance</title>"
    hf_server.knobs.content_type = "text/html"
    result = run("build", "--date", "2026-02-20")
    assert result.code == 4
    assert "answered with an HTML page, not JSON" in result.error_lines[0]


def test_template_syntax_error_exits_2(run, write_config, hf_server, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "daily.ko.md").write_text("{% for x in %}", encoding="utf-8")
    write_config("templates_dir: mine\n")
    result = run("build", "--date", "2026-02-20")
    assert result.code == 2
    assert "daily.ko.md:1:" in result.error_lines[0]
    assert not (tmp_path / "_posts").exists()  # no language half-written


def test_quiet_prints_nothing_on_success(run, write_config, hf_server):
    write_config()
    result = run("build", "--date", "2026-02-20", "-q")
    assert result.code == 0 and result.out == "" and result.err == ""


def test_config_that_is_a_folder(run, tmp_path):
    (tmp_path / "conf.d").mkdir()
    result = run("build", "--date", "2026-02-20", "--config", "conf.d")
    assert result.code == 2
    assert result.error_lines[0].startswith("Error: conf.d: cannot read")


def test_language_that_looks_like_a_path(run, hf_server, tmp_path):
    result = run("build", "--date", "2026-02-20", "--lang", "../../etc/x")
    assert result.code == 2
    assert "is not a configured language" in result.error_lines[0]
    assert list(tmp_path.iterdir()) == []


def test_output_folder_under_a_file(run, write_config, hf_server, tmp_path):
    write_config()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = run("build", "--date", "2026-02-20", "--output", "file/_posts")
    assert result.code == 1
    assert result.error_lines[0].startswith("Error: cannot use output folder file/_posts")


def test_a_post_that_links_outside_the_folder_is_not_followed(
    run, write_config, hf_server, tmp_path
):
    write_config()
    outside = tmp_path / "outside.md"
    outside.write_text("precious", encoding="utf-8")
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2026-02-20-daily-papers-2026-02-20-ko.md").symlink_to(outside)
    result = run("build", "--date", "2026-02-20")
    assert result.code == 1
    assert "refusing to write outside the output folder" in result.error_lines[0]
    assert outside.read_text(encoding="utf-8") == "precious"


def test_posts_are_utf8_whatever_the_locale(hf_server, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "DIGEST_API_BASE_URL": hf_server.url}
    env.pop("PYTHONIOENCODING", None)
    env.pop("PYTHONUTF8", None)
    result = subprocess.run(
        [sys.executable, "-m", "digest", "build", "--date", "2026-02-20"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    golden = Path(__file__).parent / "golden"
    for post in (tmp_path / "_posts").glob("*.md"):
        assert post.read_bytes() == (golden / post.name).read_bytes()
