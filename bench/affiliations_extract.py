"""Precision and recall of the author-block extraction on the LaTeXML fixture corpus.

    .venv/bin/python bench/affiliations_extract.py

Prints per fixture what was found against tests/fixtures/arxiv/expected.json, then precision
(found names that are right) and recall (right names that were found), for the fixtures the
rules were written against and, apart, for the `holdout_*` ones written before the rules were
run on them (their first run is in the issue-16 report).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "fixtures" / "arxiv"

from digest import authorblock  # noqa: E402


def main() -> int:
    expected = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
    totals = {"tuned": [0, 0, 0], "holdout": [0, 0, 0]}  # predicted, correct, expected
    for name, want in expected.items():
        html = (CORPUS / "html" / f"{name}.html").read_text(encoding="utf-8")
        got = list(authorblock.parse(html).institutions)
        right = len(set(got) & set(want))
        group = totals["holdout" if name.startswith("holdout_") else "tuned"]
        group[0] += len(got)
        group[1] += right
        group[2] += len(want)
        wrong = sorted(set(got) - set(want))
        missed = sorted(set(want) - set(got))
        note = "" if not (wrong or missed) else f"  wrong={wrong} missed={missed}"
        print(f"{name:26} {right}/{len(want)} found, {len(got)} given{note}")
    print()
    for group, (predicted, correct, wanted) in totals.items():
        precision = correct / predicted if predicted else 1.0
        recall = correct / wanted if wanted else 1.0
        print(
            f"{group:8} precision {precision:.3f} ({correct}/{predicted})  "
            f"recall {recall:.3f} ({correct}/{wanted})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
