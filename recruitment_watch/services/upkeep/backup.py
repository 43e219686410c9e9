"""Backups: the database and the evidence files in one ``.tar.gz`` with a manifest that proves what it holds.

SQLite is copied with its online backup API (one step, so the copy is one consistent state while others keep
writing); the manifest's counts and hashes are computed from that copy. PostgreSQL is dumped with ``pg_dump``
(custom format) inside a REPEATABLE READ transaction whose snapshot is handed to ``pg_dump`` (``--snapshot``), and
the manifest is computed in that same transaction: the dump and the manifest describe the same instant.

The archive holds ``manifest.json`` (engine, schema revision, rows and SHA-256 per table, the database file's
SHA-256, every evidence file with its SHA-256), ``database/…`` and ``files/<store path>``. The hashes detect damage
and tampering with the data; they are not a signature: whoever can rewrite the whole archive can rewrite them too,
so keep backups where only the operators can write.
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from recruitment_watch.db import is_sqlite, make_engine
from recruitment_watch.models.base import utc_now
from recruitment_watch.services.upkeep.table_digests import digest_database, schema_revision

FORMAT = "recruitment_watch-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/recruitment_watch.sqlite3"
PG_MEMBER = "database/recruitment_watch.pgdump"
FILES_PREFIX = "files/"


class BackupError(RuntimeError):
    """A backup or restore cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds, for the command line."""

    path: Path
    engine: str
    revision: str | None
    tables: int
    rows: int
    files: int


def sha256_of(path: Path) -> str:
    hasher = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def postgres_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: on the PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise BackupError(f"{name} was not found on the PATH or in /usr/lib/postgresql/*/bin; install the PostgreSQL "
                          "client tools of the server's major version (or newer)")  # fmt: skip
    return candidates[-1]


def libpq_target(engine: Engine) -> tuple[str, dict[str, str]]:
    """The database as a libpq URL for the PostgreSQL tools, and an environment carrying the password (never on the
    command line, where other users of the machine could read it)."""
    url = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def run_tool(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip() or result.stdout.strip()}")


def _sqlite_snapshot(engine: Engine, target: Path) -> dict[str, Any]:
    """Copy the live SQLite database to ``target`` in one backup step; the manifest part computed from the copy."""
    raw = engine.raw_connection()
    try:
        with sqlite3.connect(target) as copy:
            raw.driver_connection.backup(copy)  # pages=-1: all pages in one step, one consistent state
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        copy.close()
    finally:
        raw.close()
    reader = make_engine(f"sqlite:///{target}")
    try:
        with reader.connect() as connection:
            return _database_part(connection)
    finally:
        reader.dispose()


def _postgres_snapshot(engine: Engine, target: Path) -> dict[str, Any]:
    """``pg_dump`` the snapshot of a REPEATABLE READ transaction; the manifest part computed in that transaction."""
    dsn, env = libpq_target(engine)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar()
            part = _database_part(connection)
            run_tool([postgres_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", "--file", str(target),
                      "--dbname", dsn], env)  # fmt: skip
    return part


def _database_part(connection) -> dict[str, Any]:
    digests = digest_database(connection)
    return {"schema_revision": schema_revision(connection),
            "tables": {name: digest.as_json() for name, digest in digests.items()}}  # fmt: skip


def evidence_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """Stored evidence files as (path inside the store, file), sorted; half-written ``.partial`` files skipped."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(".partial"):
            yield path.relative_to(folder).as_posix(), path


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(utc_now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def create_backup(engine: Engine, evidence_folder: str | os.PathLike, out: str | os.PathLike) -> BackupSummary:
    """Write the backup archive to ``out`` (written beside it under a temporary name, then renamed into place)."""
    out = Path(out)
    sqlite = is_sqlite(str(engine.url))
    with tempfile.TemporaryDirectory(prefix="rw-backup-") as work:
        dump = Path(work) / ("db.sqlite3" if sqlite else "db.pgdump")
        part = _sqlite_snapshot(engine, dump) if sqlite else _postgres_snapshot(engine, dump)
        member = SQLITE_MEMBER if sqlite else PG_MEMBER
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": utc_now().isoformat(),
            "engine": "sqlite" if sqlite else "postgresql",
            **part,
            "database": {"path": member, "sha256": sha256_of(dump)},
            "files": [],
        }
        partial = out.with_name(out.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=member)
            for name, path in evidence_files(Path(evidence_folder)):
                data = path.read_bytes()  # read once: the hash is of exactly the bytes archived
                _add_bytes(archive, FILES_PREFIX + name, data)
                manifest["files"].append({"path": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
            _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        os.replace(partial, out)
    tables = manifest["tables"]
    return BackupSummary(out, manifest["engine"], manifest["schema_revision"], len(tables),
                         sum(t["rows"] for t in tables.values()), len(manifest["files"]))  # fmt: skip
