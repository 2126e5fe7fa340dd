"""The `affiliations:` settings: defaults, every problem named, environment overrides."""

from __future__ import annotations

import pytest

from digest.affiliation_settings import (
    AffiliationSettings,
    affiliation_settings,
    check_affiliation_settings,
)
from digest.errors import ConfigError


def test_defaults_are_the_issue_s():
    assert AffiliationSettings() == AffiliationSettings(
        sources=("hf",),
        arxiv_base_url="https://arxiv.org",
        openalex_base_url="https://api.openalex.org",
        max_shown=3,
        requests_per_second=1.0,
    )
    assert not AffiliationSettings().asks_network
    assert affiliation_settings(None, {}) == AffiliationSettings()


def test_values_and_overrides():
    raw = {
        "sources": ["hf", "arxiv"],
        "max_shown": 2,
        "requests_per_second": 1,
        "arxiv_base_url": "https://export.arxiv.org/",
    }
    env = {"DIGEST_OPENALEX_BASE_URL": "http://127.0.0.1:8080"}
    got = affiliation_settings(raw, env)
    assert got.sources == ("hf", "arxiv") and got.asks_network
    assert got.arxiv_base_url == "https://export.arxiv.org"
    assert got.openalex_base_url == "http://127.0.0.1:8080"
    assert (got.max_shown, got.requests_per_second) == (2, 1.0)
    assert (
        affiliation_settings(raw, {"DIGEST_ARXIV_BASE_URL": "http://x"}).arxiv_base_url
        == "http://x"
    )


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"sources": "hf"}, "affiliations.sources: expected a list of source names"),
        ({"sources": ["hf", "crossref"]}, "affiliations.sources: unknown source 'crossref'"),
        ({"sources": ["hf", "hf"]}, "affiliations.sources: a source is listed twice"),
        ({"max_shown": 0}, "affiliations.max_shown: expected 1 to 20, got 0"),
        ({"max_shown": True}, "affiliations.max_shown: expected a whole number"),
        ({"requests_per_second": 0}, "affiliations.requests_per_second: expected more than 0"),
        ({"requests_per_second": 50}, "affiliations.requests_per_second: expected more than 0"),
        ({"arxiv_base_url": "arxiv.org"}, "affiliations.arxiv_base_url: expected an http(s) URL"),
        (
            {"max_show": 3},
            "affiliations.max_show: unknown key (did you mean 'affiliations.max_shown'?)",
        ),
        ([1], "affiliations: expected a mapping, got list"),
    ],
)
def test_each_problem_is_named(raw, problem):
    problems = check_affiliation_settings(raw)
    assert len(problems) == 1 and problems[0].startswith(problem)
    with pytest.raises(ConfigError, match="affiliations"):
        affiliation_settings(raw, {})


def test_a_bad_environment_url_is_named():
    with pytest.raises(ConfigError, match=r"DIGEST_ARXIV_BASE_URL \(environment\)"):
        affiliation_settings({}, {"DIGEST_ARXIV_BASE_URL": "ftp://x"})
