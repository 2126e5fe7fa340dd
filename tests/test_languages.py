"""A language is data: one file of words, read by the posts and the site alike."""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers import load_post

REPO = Path(__file__).resolve().parents[1]
LANGUAGES = REPO / "templates" / "languages"


def test_every_shipped_language_has_every_word():
    english = yaml.safe_load((LANGUAGES / "en.yaml").read_text(encoding="utf-8"))
    for path in LANGUAGES.glob("*.yaml"):
        words = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(words) == set(english), path.name


def test_a_new_language_is_one_file(hf_server, run, write_config, tmp_path):
    """A language digest has never heard of: its file in templates_dir, nothing else."""
    mine = tmp_path / "mine" / "languages"
    mine.mkdir(parents=True)
    words = (LANGUAGES / "ja.yaml").read_text(encoding="utf-8").replace("日本語", "Nihongo")
    (mine / "xx.yaml").write_text(words, encoding="utf-8")
    write_config("languages: [xx, en]\ntemplates_dir: mine\n")
    assert run("build", "--date", "2026-02-20").code == 0
    assert run("build", "--week", "2026-W08").code == 0
    day = load_post(tmp_path / "_posts" / "2026-02-20-daily-papers-2026-02-20-xx.md")
    assert day.metadata["title"] == "Hugging Face デイリー論文 - 2026-02-20"
    assert day.metadata["description"].startswith("2026-02-20 に Hugging Face")
    assert "論文 **13 本**を、いいねの多い順に" in day.content
    assert "- 👍 いいね " in day.content and "**概要 (Abstract)**" in day.content
    week = load_post(tmp_path / "_posts" / "2026-02-22-weekly-papers-2026-w08-xx.md")
    name = "2026年2月第4週\uff082月16日\u201322日\uff09"  # full-width brackets, an en dash
    assert week.metadata["title"] == f"Hugging Face 週間論文 - {name}"
    en = load_post(tmp_path / "_posts" / "2026-02-20-daily-papers-2026-02-20-en.md")
    assert "[Nihongo](../daily-papers-2026-02-20-xx/)" in en.content
    assert run("site").code == 0
    home = (tmp_path / "_site" / "xx" / "index.html").read_text(encoding="utf-8")
    assert "日刊ダイジェスト" in home and "Hugging Face デイリー論文" in home


def test_a_users_file_for_a_shipped_language_changes_only_its_words(
    hf_server, run, write_config, tmp_path
):
    mine = tmp_path / "mine" / "languages"
    mine.mkdir(parents=True)
    (mine / "en.yaml").write_text('affiliation: "Lab"\n', encoding="utf-8")
    write_config("languages: [en]\ntemplates_dir: mine\n")
    assert run("build", "--date", "2026-02-20").code == 0
    post = load_post(tmp_path / "_posts" / "2026-02-20-daily-papers-2026-02-20-en.md")
    assert " · 🏛️ Lab: " in post.content and "HF organization" not in post.content
    assert post.metadata["title"] == "Hugging Face Daily Papers - 2026-02-20"
