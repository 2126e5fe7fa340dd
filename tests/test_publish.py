"""Publishing daily, for real: the workflow's own shell steps and the cron wrapper, run with bash
in a blog repository scaffolded by `digest init`, pushing to a bare remote, against the fake API.
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import llm_server as llm
from digest.scaffold import default_package, init_blog
from gitrepo import Remote, git, git_env, make_remote
from hf_server import FIXTURES, RunningServer
from system_tools import program
from workflow_runner import GITHUB_TOKEN, WorkflowRun, run_workflow

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "daily-digest.yml"
CRON = REPO / "examples" / "cron" / "daily-digest.sh"
DIGEST = Path(sys.executable).with_name("digest")
DAY = "2026-02-20"
EMPTY_DAY = "2026-02-21"
POSTS = [f"_posts/{DAY}-daily-papers-{DAY}-en.md", f"_posts/{DAY}-daily-papers-{DAY}-ko.md"]
BOT = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
START = ["Start the blog"]

pytestmark = pytest.mark.slow


@dataclass
class Blog:
    """A blog repository on a "GitHub" (a bare remote), with the fake API serving its papers."""

    root: Path
    remote: Remote
    server: RunningServer
    env: dict[str, str]
    runs: int = 0

    def workflow(
        self, inputs: dict[str, str] | None = None, before: Callable[[Path], None] | None = None
    ) -> WorkflowRun:
        """One Actions run: a fresh checkout, then the workflow's steps, `digest` from this venv."""
        self.runs += 1
        work = self.remote.clone(self.root / f"checkout-{self.runs}")
        if before:
            before(work)
        env = {**self.env, "PATH": f"{DIGEST.parent}{os.pathsep}{self.env['PATH']}"}
        env["GITHUB_REF_NAME"] = "main"
        return run_workflow(
            WORKFLOW, work, env, inputs=inputs, temp=self.root / f"runner-{self.runs}"
        )

    @property
    def cron_checkout(self) -> Path:
        """The one checkout a cron job works in, day after day."""
        work = self.root / "cron-checkout"
        if not work.exists():
            self.remote.clone(work)
        return work

    @property
    def cron_log(self) -> Path:
        return self.root / "logs" / "daily-digest.log"

    def cron(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The wrapper as cron runs it: a short PATH, so `digest` comes from DIGEST."""
        env = {**self.env, "DIGEST": str(DIGEST), "DIGEST_LOG": str(self.cron_log)}
        return subprocess.run(
            ["bash", str(CRON), str(self.cron_checkout), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.fixture
def blog(tmp_path: Path, hf_server: RunningServer, llm_server: llm.RunningServer) -> Iterator[Blog]:
    for name, how in (("git", "apt-get install git"), ("flock", "apt-get install util-linux")):
        program(name, how)
    env = git_env(tmp_path / "home")
    env["DIGEST_API_BASE_URL"] = hf_server.url
    # GitHub Models, as the workflow reaches it with the job's token, is the stand-in model.
    env["DIGEST_TRANSLATE_BASE_URL"] = llm_server.url
    seed = tmp_path / "seed"
    init_blog(seed, package=default_package())
    config = seed / "config.yaml"
    fast = _set(config.read_text(encoding="utf-8"), retries="1", backoff="0.01", timeout="5")
    # The free tier's pace (0.25 calls a second) would make each run take minutes.
    fast = fast.replace("requests_per_second: 0.25", "requests_per_second: null")
    config.write_text(fast, encoding="utf-8")
    yield Blog(tmp_path, make_remote(tmp_path, env, seed), hf_server, env)


def _set(config: str, **api: str) -> str:
    """The scaffolded config with some api settings changed, so failing runs fail fast."""
    head, section = config.split("\napi:\n", 1)
    block, rest = re.match(r"((?:(?:  .*|#.*|)\n)*)([\s\S]*)", section).groups()
    for key, value in api.items():
        block, count = re.subn(rf"^  {key}: .*$", f"  {key}: {value}", block, flags=re.M)
        assert count == 1, key
    return f"{head}\napi:\n{block}{rest}"


def _posts(remote: Remote) -> list[str]:
    return [name for name in remote.files() if name.startswith("_posts/")]


# The workflow's steps -------------------------------------------------------------------------


def test_first_run_commits_and_pushes_the_posts(blog):
    run = blog.workflow({"date": DAY})
    assert run.ran() == ["build", "publish"] and run.ok, run.steps
    assert blog.remote.log() == [f"Daily papers digest for {DAY}", *START]
    assert _posts(blog.remote) == POSTS
    assert blog.remote.show("%an <%ae>") == BOT
    assert run.step("build").outputs == {"day": DAY, "papers": "13"}
    assert run.step("publish").outputs == {"pushed": "true"}
    assert f"### Daily digest for {DAY}: 13 papers" in run.summary
    assert f"`digest build`: {DAY}: 13 papers; written 2" in run.summary
    assert "pushed to main." in run.summary


def test_the_scheduled_blog_is_korean_with_the_jobs_own_token(blog, llm_server):
    """digest init's settings and workflow: GitHub Models reached with the job's GITHUB_TOKEN
    (no secret), the Korean post translated, the token in nothing committed or printed."""
    run = blog.workflow({"date": DAY})
    assert run.ok, run.steps
    sent = {r.headers["Authorization"] for r in llm_server.requests}
    assert sent == {f"Bearer {GITHUB_TOKEN}"}
    korean = blog.remote.show_file(POSTS[1])
    assert 'translated_by: "openai/gpt-4.1-mini"' in korean and "<details" in korean
    printed = "".join(s.stdout + s.stderr for s in run.steps) + run.summary
    assert GITHUB_TOKEN not in printed and "translation" not in printed
    for name in blog.remote.files():
        assert GITHUB_TOKEN not in blog.remote.show_file(name), name


def test_second_run_with_the_same_data_makes_no_commit(blog):
    assert blog.workflow({"date": DAY}).ok
    head = blog.remote.show("%H")
    run = blog.workflow({"date": DAY})
    assert run.ok, run.steps
    assert blog.remote.show("%H") == head
    assert run.step("publish").outputs == {"pushed": "false"}
    assert f"{DAY}: 13 papers; unchanged 2" in run.summary
    assert "No post changed: no commit." in run.summary


def test_newer_data_is_committed_as_a_new_commit(blog):
    assert blog.workflow({"date": DAY}).ok
    fewer = (FIXTURES / f"daily_papers_{DAY}.json").read_text(encoding="utf-8")
    blog.server.knobs.days[DAY] = fewer.replace('"upvotes": 10', '"upvotes": 11', 1).encode()
    run = blog.workflow({"date": DAY})
    assert run.ok and run.step("publish").outputs == {"pushed": "true"}
    assert blog.remote.log() == [f"Daily papers digest for {DAY}"] * 2 + START


def test_empty_day_succeeds_without_a_commit(blog):
    run = blog.workflow({"date": EMPTY_DAY})
    assert run.ok and run.ran() == ["build", "publish"], run.steps
    assert blog.remote.log() == START
    assert run.step("build").outputs == {"day": EMPTY_DAY, "papers": "0"}
    assert f"{EMPTY_DAY}: 0 papers; nothing written" in run.summary


def test_scheduled_run_builds_yesterday(blog):
    yesterday = (datetime.now(timezone.utc).date() - timedelta(days=1)).isoformat()
    blog.server.knobs.days[yesterday] = (FIXTURES / f"daily_papers_{DAY}.json").read_bytes()
    run = blog.workflow()  # a scheduled run has no inputs
    assert run.ok, run.steps
    assert blog.remote.log() == [f"Daily papers digest for {yesterday}", *START]


@pytest.mark.parametrize(
    ("fault", "code", "message"),
    [
        ("down", 3, "failed after 2 attempts: HTTP 503"),
        ("html", 4, "answered with an HTML page, not JSON"),
        ("bad date", 2, "--date: 2026-02-30 is not a real day"),
    ],
)
def test_a_failed_build_fails_the_job_and_commits_nothing(blog, fault, code, message):
    date = DAY
    if fault == "down":
        blog.server.knobs.fail_forever = 503
    elif fault == "html":
        blog.server.knobs.body = b"<!doctype html><title>Maintenance</title>"
        blog.server.knobs.content_type = "text/html"
    else:
        date = "2026-02-30"
    run = blog.workflow({"date": date})
    assert run.ran() == ["build"]  # the job stops: nothing is committed
    assert run.step("build").code == code
    assert blog.remote.log() == START
    assert f"### Daily digest failed (exit {code})" in run.summary
    assert message in run.summary
    assert f"::error title=digest build failed (exit {code})::" in run.step("build").stdout


def test_the_date_input_is_data_not_shell_code(blog):
    run = blog.workflow({"date": "$(touch injected)"})
    assert run.step("build").code == 2
    assert "expected YYYY-MM-DD, got '$(touch injected)'" in run.summary
    assert not list(blog.root.rglob("injected"))


def test_a_range_is_backfilled_and_committed_at_once(blog):
    run = blog.workflow({"from": "2026-02-19", "to": EMPTY_DAY})
    assert run.ok and run.ran() == ["build", "publish"], run.steps
    assert blog.remote.log() == [f"Daily papers digest for 2026-02-19 to {EMPTY_DAY}", *START]
    assert _posts(blog.remote) == POSTS
    assert run.step("build").outputs == {"day": f"2026-02-19 to {EMPTY_DAY}"}
    assert f"### Backfill 2026-02-19 to {EMPTY_DAY}: 3 days" in run.summary
    assert "`digest backfill`: backfill 2026-02-19 to 2026-02-21: 3 days; fetched 3" in run.summary


def test_a_range_with_a_failed_day_commits_the_rest_then_fails(blog):
    blog.server.knobs.fail_dates = {"2026-02-19": 503}
    run = blog.workflow({"from": "2026-02-19", "to": EMPTY_DAY})
    assert run.ran() == ["build", "publish"]
    assert run.step("build").code == 0 and run.step("build").outputs["incomplete"] == "true"
    assert run.step("publish").code == 6 and not run.ok  # a red job …
    assert _posts(blog.remote) == POSTS  # … that still published the days that worked
    assert "### Some days failed (exit 6)" in run.summary and "failed 2026-02-19" in run.summary


def test_a_date_and_a_range_together_are_refused(blog):
    run = blog.workflow({"date": DAY, "from": "2026-02-19"})
    assert run.ran() == ["build"] and run.step("build").code == 2
    assert "give the date input, or from (and to) for a range, not both" in run.summary
    assert blog.remote.log() == START


def test_a_push_race_is_rebased_and_retried(blog):
    def someone_pushes(checkout: Path) -> None:
        blog.remote.push_commit(blog.root / "someone", "about.md", "# About\n")

    run = blog.workflow({"date": DAY}, before=someone_pushes)
    assert run.ok, run.steps
    assert "Push rejected (attempt 1)" in run.step("publish").stdout
    # Linear history: the digest commit sits on top of the other one.
    assert blog.remote.log() == [f"Daily papers digest for {DAY}", "Edit about.md", *START]
    assert "about.md" in blog.remote.files()


# The cron wrapper -----------------------------------------------------------------------------


def test_cron_first_run_commits_and_pushes_quietly(blog):
    result = blog.cron("--date", DAY)
    assert result.returncode == 0, blog.cron_log.read_text()
    assert (result.stdout, result.stderr) == ("", "")  # cron mails nothing on success
    assert blog.remote.log() == [f"Daily papers digest for {DAY}", *START]
    assert _posts(blog.remote) == POSTS
    assert blog.remote.show("%an") == "Blog Owner"  # the machine's own git identity
    log = blog.cron_log.read_text(encoding="utf-8")
    assert f"start: {DIGEST} build --date {DAY}" in log
    assert f"{DAY}: 13 papers; written 2" in log
    assert re.search(r"\dZ pushed [0-9a-f]{7}", log)


def test_cron_second_run_with_the_same_data_makes_no_commit(blog):
    assert blog.cron("--date", DAY).returncode == 0
    head = blog.remote.show("%H")
    result = blog.cron("--date", DAY)
    assert result.returncode == 0 and result.stderr == ""
    assert blog.remote.show("%H") == head
    log = blog.cron_log.read_text(encoding="utf-8")
    assert log.count("start:") == 2
    assert f"{DAY}: 13 papers; unchanged 2" in log and "no post changed: no commit" in log


def test_cron_empty_day_succeeds_without_a_commit(blog):
    result = blog.cron("--date", EMPTY_DAY)
    assert result.returncode == 0 and result.stderr == ""
    assert blog.remote.log() == START
    assert f"{EMPTY_DAY}: 0 papers; nothing written" in blog.cron_log.read_text()


def test_cron_failing_upstream_exits_with_digests_code_and_says_so(blog):
    blog.server.knobs.fail_forever = 503
    result = blog.cron("--date", DAY)
    assert result.returncode == 3
    assert blog.remote.log() == START
    # One line for cron's mail; the details are in the log.
    assert result.stderr.splitlines() == [
        f"daily-digest: failed with exit 3 in {blog.cron_checkout} (log: {blog.cron_log})"
    ]
    log = blog.cron_log.read_text(encoding="utf-8")
    assert "Error: " in log and "HTTP 503" in log
    assert "digest build failed with exit 3" in log


def test_cron_skips_while_another_run_holds_the_lock(blog):
    lock = blog.cron_checkout / ".git" / "daily-digest.lock"
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        result = blog.cron("--date", DAY)
    assert result.returncode == 0 and result.stderr == ""
    assert f"another run holds {lock}: skipped" in blog.cron_log.read_text()
    assert blog.server.requests == []  # it did not even fetch
    assert blog.remote.log() == START


def test_cron_pushes_a_commit_an_earlier_failed_push_left_behind(blog):
    hook = blog.remote.path / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'remote is read-only today' >&2\nexit 1\n")
    hook.chmod(0o755)
    failed = blog.cron("--date", DAY)
    assert failed.returncode == 1
    assert "failed with exit 1" in failed.stderr
    assert "could not push after 3 attempts" in blog.cron_log.read_text()
    assert blog.remote.log() == START
    hook.unlink()
    result = blog.cron("--date", DAY)  # same data: nothing new to commit, but one to push
    assert result.returncode == 0, blog.cron_log.read_text()
    assert blog.remote.log() == [f"Daily papers digest for {DAY}", *START]
    assert git(blog.cron_checkout, blog.env, "status", "--porcelain") == ""
