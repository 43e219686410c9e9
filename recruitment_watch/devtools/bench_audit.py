"""The audit trail's cost: API contract POSTs per second with auditing on against the same app with it off.

One database, seeded once; gunicorn started with ``RW_AUDIT_ENABLED`` off, then on, alternating for a few rounds
(the load of a shared machine drifts: alternating spreads the drift over both sides). Each round posts fresh
contracts. The target: the audited rate is at least 90 % of the unaudited one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from recruitment_watch.devtools.bench_api import (
    RW_APP,
    Phase,
    contract,
    free_port,
    load_from_second_process,
    seed,
    start_gunicorn,
)

TARGET = 0.90


def _phase(url: str, folder: Path, *, audited: bool, round_no: int, employer_id: int, headers: dict, workers: int,
           seconds: float, count: int, threads: int) -> Phase:  # fmt: skip
    env = {**os.environ, "RW_DATABASE_URL": url, "RW_INSTANCE_PATH": str(folder),
           "RW_SECRET_KEY": "bench-" + "x" * 40, "RW_AUDIT_ENABLED": "true" if audited else "false"}  # fmt: skip
    name = "on" if audited else "off"
    port = free_port()
    server = start_gunicorn(RW_APP, port, workers, env)
    try:
        posts = [("POST", "/api/v1/contracts", json.dumps(contract(employer_id, f"AU-{name}-{round_no}-{i}")).encode(),
                  1) for i in range(count)]  # fmt: skip
        return Phase(name, *load_from_second_process(port, posts, headers, seconds, threads))
    finally:
        server.terminate()
        server.wait()


def run_audit_benchmark(
    url: str, folder: Path, *, workers: int, seconds: float, count: int, threads: int, rounds: int,
    echo: Callable[[str], None],
) -> tuple[float, float]:  # fmt: skip
    """Measure contract POSTs with auditing off and on; print both rates and the ratio; return (off, on)."""
    key, employer_id = seed(url)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    totals = {"off": [0, 0.0, 0], "on": [0, 0.0, 0]}
    for round_no in range(rounds):
        for audited in (False, True):
            phase = _phase(url, folder, audited=audited, round_no=round_no, employer_id=employer_id, headers=headers,
                           workers=workers, seconds=seconds, count=count, threads=threads)  # fmt: skip
            echo(f"round {round_no + 1} auditing {phase.name:<3} {phase.items_per_s:8.1f} contracts/s "
                 f"({phase.items} in {phase.seconds:.1f} s, {phase.errors} errors)")  # fmt: skip
            total = totals[phase.name]
            total[0] += phase.items
            total[1] += phase.seconds
            total[2] += phase.errors
    off, on = (totals[name][0] / totals[name][1] if totals[name][1] else 0.0 for name in ("off", "on"))
    ratio = on / off if off else 0.0
    echo(f"auditing off {off:8.1f} contracts/s ({totals['off'][2]} errors)")
    echo(f"auditing on  {on:8.1f} contracts/s ({totals['on'][2]} errors)")
    echo(f"ratio on/off {ratio:.1%} (target >= {TARGET:.0%}: {'met' if ratio >= TARGET else 'NOT met'})")
    return off, on
