"""Restore a backup archive into an EMPTY database, proving the result against the archive's manifest.

Refused, with nothing changed, when: the database holds any row; the archive is of the other engine, of an unknown
format or damaged; the database file or an evidence file does not match its SHA-256 in the manifest; an evidence
file of another content already sits at the same place. SQLite: the archived file is checked table by table against
the manifest before it is copied in (online backup API). PostgreSQL: ``pg_restore`` runs in one transaction, then
every table is checked; if the check fails the restored tables are dropped again, leaving the database empty.
Evidence files are written only after the database checked out.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from recruitment_watch.db import is_sqlite, make_engine
from recruitment_watch.services.upkeep.backup import (
    FILES_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    libpq_target,
    postgres_tool,
    run_tool,
    sha256_of,
)
from recruitment_watch.services.upkeep.table_digests import digest_database, holds_rows


@dataclass(frozen=True)
class RestoreSummary:
    engine: str
    revision: str | None
    tables: int
    rows: int
    files: int


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        manifest = json.loads(archive.extractfile(MANIFEST).read())
    except (KeyError, AttributeError, ValueError) as exc:
        raise BackupError("this is not a recruitment_watch backup: manifest.json is missing or unreadable") from exc
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"unknown backup format {manifest.get('format')!r} "
                          f"version {manifest.get('format_version')!r}")  # fmt: skip
    return manifest


def mismatches(expected: dict[str, Any], found: dict[str, Any]) -> list[str]:
    """Tables whose rows or hash differ from the manifest (or that only one side has)."""
    names = sorted(set(expected) | set(found))
    return [name for name in names if expected.get(name) != found.get(name)]


def _digests_of(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        return {name: digest.as_json() for name, digest in digest_database(connection).items()}


def _member_bytes(archive: tarfile.TarFile, name: str) -> bytes:
    member = archive.getmember(name)
    if not member.isfile():
        raise BackupError(f"{name} in the archive is not a regular file")
    return archive.extractfile(member).read()


def _checked_files(archive: tarfile.TarFile, manifest: dict[str, Any], folder: Path) -> list[tuple[Path, bytes]]:
    """Every evidence file of the manifest, read and checked against its SHA-256 (nothing written yet)."""
    checked = []
    for entry in manifest["files"]:
        relative = Path(entry["path"])
        if relative.is_absolute() or ".." in relative.parts:
            raise BackupError(f"refusing the file path {entry['path']!r} in the manifest")
        try:
            data = _member_bytes(archive, FILES_PREFIX + entry["path"])
        except KeyError as exc:
            raise BackupError(f"evidence file {entry['path']} is listed in the manifest but missing") from exc
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise BackupError(f"evidence file {entry['path']} does not match its SHA-256 in the manifest")
        target = folder / relative
        if target.exists() and target.read_bytes() != data:
            raise BackupError(f"{target} already exists with other content; restore into an empty evidence folder")
        checked.append((target, data))
    return checked


def _restore_sqlite(engine: Engine, dump: Path, manifest: dict[str, Any]) -> None:
    reader = make_engine(f"sqlite:///{dump}")
    try:
        different = mismatches(manifest["tables"], _digests_of(reader))
    finally:
        reader.dispose()
    if different:
        raise BackupError(f"the archived database does not match its manifest (tables {', '.join(different)}); "
                          "nothing was restored")  # fmt: skip
    engine.dispose()  # no pooled connection keeps the old schema cached
    raw = engine.raw_connection()
    try:
        with sqlite3.connect(dump) as source:
            source.backup(raw.driver_connection)
        source.close()
    finally:
        raw.close()
    engine.dispose()
    different = mismatches(manifest["tables"], _digests_of(engine))
    if different:
        raise BackupError(f"the restored database does not match the manifest (tables {', '.join(different)})")


def _drop_restored(engine: Engine, manifest: dict[str, Any]) -> None:
    with engine.begin() as connection:
        for name in manifest["tables"]:
            connection.execute(sa.text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))


def _restore_postgres(engine: Engine, dump: Path, manifest: dict[str, Any]) -> None:
    dsn, env = libpq_target(engine)
    # --clean --if-exists: a database migrated but without rows has the tables already; the dump replaces them.
    # --no-owner --no-acl: the restoring role owns what it restores (roles differ between servers).
    run_tool([postgres_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
              "--exit-on-error", "--dbname", dsn, str(dump)], env)  # fmt: skip
    engine.dispose()
    different = mismatches(manifest["tables"], _digests_of(engine))
    if different:
        _drop_restored(engine, manifest)
        raise BackupError(f"the restored database does not match the manifest (tables {', '.join(different)}); the "
                          "restored tables were dropped again: the database is empty (run `recruitment-watch db "
                          "upgrade` before using it)")  # fmt: skip


@contextmanager
def _opened(archive_path: str | Path) -> Iterator[tarfile.TarFile]:
    try:
        archive = tarfile.open(archive_path, "r:gz")  # noqa: SIM115 -- closed below; opening errors become BackupError
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"cannot read {archive_path}: {exc}") from exc
    with archive:
        yield archive


def restore_backup(engine: Engine, evidence_folder: str | Path, archive_path: str | Path) -> RestoreSummary:
    """Restore ``archive_path`` into the (empty) database of ``engine`` and the evidence folder; ``BackupError``
    says why not, with nothing changed."""
    folder, sqlite = Path(evidence_folder), is_sqlite(str(engine.url))
    with engine.connect() as connection:
        busy = holds_rows(connection)
    if busy:
        raise BackupError(f"the database is not empty (rows in {', '.join(busy[:5])}{', …' if len(busy) > 5 else ''}); "
                          "restore only into an empty database — nothing was changed")  # fmt: skip
    with _opened(archive_path) as archive, tempfile.TemporaryDirectory(prefix="rw-restore-") as work:
        manifest = read_manifest(archive)
        engine_name = "sqlite" if sqlite else "postgresql"
        if manifest["engine"] != engine_name:
            raise BackupError(f"this is a {manifest['engine']} backup; the database is {engine_name}")
        dump = Path(work) / "database"
        try:
            dump.write_bytes(_member_bytes(archive, manifest["database"]["path"]))
        except KeyError as exc:
            raise BackupError("the database file is missing from the archive") from exc
        if sha256_of(dump) != manifest["database"]["sha256"]:
            raise BackupError("the database file does not match its SHA-256 in the manifest; nothing was restored")
        files = _checked_files(archive, manifest, folder)
        (_restore_sqlite if sqlite else _restore_postgres)(engine, dump, manifest)
    for target, data in files:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        target.write_bytes(data)
    tables = manifest["tables"]
    return RestoreSummary(manifest["engine"], manifest["schema_revision"], len(tables),
                          sum(t["rows"] for t in tables.values()), len(files))  # fmt: skip
