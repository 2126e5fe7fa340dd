"""The optional Hugging Face token: sent as a Bearer header when set, and nowhere else."""

from __future__ import annotations

from pathlib import Path

TOKEN = "hf_tokenNeverToBeSeen0123456789"
DAY = "2026-02-20"


def everything_written(root: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file())


def test_token_is_sent_as_a_bearer_header_and_never_shown(
    hf_server, run, write_config, tmp_path, monkeypatch
):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    write_config()
    good = run("build", "--date", DAY, "-v")
    hf_server.knobs.fail_forever = 503
    failed = run("build", "--date", "2026-02-21", "-v")

    assert good.code == 0, good.err
    assert failed.code == 3 and len(failed.error_lines) == 1
    assert {h.get("Authorization") for h in hf_server.server.headers} == {f"Bearer {TOKEN}"}
    shown = good.out + good.err + failed.out + failed.err
    assert TOKEN not in shown
    assert TOKEN.encode() not in everything_written(tmp_path)
    assert list((tmp_path / "_posts").glob("*.md")), "the good build wrote nothing to search"


def test_no_token_no_header(hf_server, run, write_config, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    write_config()
    assert run("build", "--date", DAY).code == 0
    assert all("Authorization" not in h for h in hf_server.server.headers)


def test_token_env_names_another_variable(hf_server, run, write_config, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", "not-this-one")
    monkeypatch.setenv("MY_HF_TOKEN", TOKEN)
    write_config("api:\n  backoff: 0.01\n  token_env: MY_HF_TOKEN\n")
    assert run("build", "--date", DAY).code == 0
    assert {h.get("Authorization") for h in hf_server.server.headers} == {f"Bearer {TOKEN}"}
