"""``recruitment-watch bench verify`` prints the verification's cost computed anew and remembered, with the ratio."""

from __future__ import annotations

import re

from click.testing import CliRunner

from recruitment_watch.devtools.command import bench_group


def test_bench_verify_prints_both_figures_and_the_ratio():
    result = CliRunner().invoke(bench_group, ["verify", "--contracts", "300", "--requests", "40"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert re.search(r"biggest agency [A-Z]{2}-LIC-\d+: \d+ contracts", out)
    baseline = re.search(r"computed anew every request \(baseline, 5 requests\): p50 [\d.]+ ms, p95 ([\d.]+) ms", out)
    remembered = re.search(r"remembered grade \(40 requests\): p50 [\d.]+ ms, p95 ([\d.]+) ms", out)
    assert baseline and remembered, out
    assert re.search(r"ratio baseline / remembered at p95: [\d.]+x", out)
