"""A throwaway PostgreSQL cluster for tests and benchmarks, started from the installed ``initdb``/``pg_ctl``.

As root (CI), PostgreSQL refuses to run, so the cluster is initialised and started as the ``postgres`` system user.
Settings trade durability for speed (fsync off): the cluster lives for one test session.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class ClusterError(RuntimeError):
    """The throwaway cluster could not be started; the message says why and what to install."""


def find_bindir() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl`` (PATH first, then Debian's versioned folders)."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(os.path.realpath(found)).parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return Path(candidate)
    raise ClusterError("PostgreSQL server binaries not found: install the Debian package 'postgresql'")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    """A running cluster; ``url`` points at its empty ``rw_test`` database."""

    base: Path
    bindir: Path
    port: int
    run_as: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/rw_test"

    def _run(self, *args: str) -> None:
        result = subprocess.run([*self.run_as, *args], capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise ClusterError(f"{' '.join(args[:2])} failed: {result.stderr.strip() or result.stdout.strip()}")

    def stop(self) -> None:
        """Stop the server at once and delete its files."""
        subprocess.run(
            [*self.run_as, str(self.bindir / "pg_ctl"), "-D", str(self.base / "data"), "-m", "immediate", "stop"],
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.base, ignore_errors=True)


def start_cluster() -> Cluster:
    """initdb + pg_ctl start in a fresh temp folder, then create the ``rw_test`` database."""
    bindir = find_bindir()
    base = Path(tempfile.mkdtemp(prefix="rw-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, user="postgres", group="postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(base=base, bindir=bindir, port=_free_port(), run_as=run_as)
    data = base / "data"
    cluster._run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
    options = (
        f"-p {cluster.port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=200"
    )
    cluster._run(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "server.log"), "-w", "start")
    cluster._run(
        str(bindir / "psql"),
        "-h",
        "127.0.0.1",
        "-p",
        str(cluster.port),
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-q",
        "-c",
        "CREATE DATABASE rw_test",
    )
    return cluster


@contextmanager
def bench_database(postgres: bool, folder: str) -> Iterator[str]:
    """The URL a benchmark builds its database at: a throwaway cluster's (stopped and deleted afterwards) with
    ``postgres``, else a fresh SQLite file in ``folder``."""
    if not postgres:
        yield f"sqlite:///{folder}/bench.sqlite3"
        return
    cluster = start_cluster()
    try:
        yield cluster.url
    finally:
        cluster.stop()
