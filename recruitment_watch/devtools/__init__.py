"""Developer tools: benchmarks (``recruitment-watch bench …``) and the helpers they start.

The root's ``create_app`` plugs them in with ``init_app``; the CLI edge does not import them, since a benchmark
builds a whole app (``create_app``) and an edge importing the root would import every other edge.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Attach the ``bench`` command group to the app's CLI."""
    from recruitment_watch.devtools.command import bench_group

    app.cli.add_command(bench_group)
