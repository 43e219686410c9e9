"""Backup and restore on SQLite and PostgreSQL: a round trip gives back every table (row counts and content hashes)
and every evidence file; a database that holds rows is refused and left as it was; a damaged or tampered archive is
refused and the empty database stays empty; a backup taken while contracts are being recorded is one consistent
state (the restore proves every table against the manifest)."""

from __future__ import annotations

import io
import json
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from recruitment_watch import create_app, migrate
from recruitment_watch.db import begin_writing, get_engine, make_engine, new_session
from recruitment_watch.services.casework.attachments import attach
from recruitment_watch.services.casework.evidence import CleanFile, EvidenceStore
from recruitment_watch.services.casework.public_filing import PublicComplaintInput, file_public_complaint
from recruitment_watch.services.contracts import intake
from recruitment_watch.services.upkeep.table_digests import digest_database, holds_rows
from tests.support.factories import contract_input, make_agency, make_contract, make_employer, make_worker

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture()
def fresh_url(database_url, tmp_path):
    """A brand-new database on the current backend, migrated and without rows (what `db upgrade` leaves)."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/fresh.sqlite3"
        admin = None
    else:
        name = f"rw_restore_{uuid.uuid4().hex[:8]}"
        admin = make_engine(database_url.rsplit("/", 1)[0] + "/postgres")
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"CREATE DATABASE {name}"))
        url = database_url.rsplit("/", 1)[0] + "/" + name
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    if admin is not None:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"DROP DATABASE {url.rsplit('/', 1)[1]} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture()
def restored_app(fresh_url, tmp_path):
    made = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": fresh_url,
                       "EVIDENCE_FOLDER": str(tmp_path / "restored-evidence")})  # fmt: skip
    yield made
    get_engine(made).dispose()


def digests(engine) -> dict:
    with engine.connect() as connection:
        return {name: digest.as_json() for name, digest in digest_database(connection).items()}


def fill(app, session) -> list[Path]:
    """Contracts, a complaint with two evidence files; returns the files' paths."""
    make_contract(session)
    store = EvidenceStore(app.config["EVIDENCE_FOLDER"])
    stored = [store.write(CleanFile(name, "application/pdf", PDF + name.encode())) for name in ("a.pdf", "b.pdf")]
    filed = file_public_complaint(PublicComplaintInput(filed_by="worker", what_happened=["paid_fees"], language="ne",
                                                       summary="Paid 150,000 rupees for the visa.", contact="9841"),
                                  session=session)  # fmt: skip
    attach(session, filed.complaint, stored, now=filed.complaint.received_at)
    session.commit()
    return [store.path_of(s.storage_key) for s in stored]


def test_a_round_trip_gives_back_every_table_and_file(app, runner, session, restored_app, tmp_path):
    files = fill(app, session)
    archive = tmp_path / "backup.tar.gz"
    made = runner.invoke(args=["backup", "--out", str(archive)])
    assert made.exit_code == 0, made.output
    assert "rows in" in made.output and "2 evidence file(s)" in made.output
    restored = restored_app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert "every table matches the manifest" in restored.output
    source, copy = digests(get_engine(app)), digests(get_engine(restored_app))
    assert copy == source and source["contract"]["rows"] == 1 and source["complaint_attachment"]["rows"] == 2
    target = EvidenceStore(restored_app.config["EVIDENCE_FOLDER"])
    for path in files:
        assert (target.folder / path.relative_to(app.config["EVIDENCE_FOLDER"])).read_bytes() == path.read_bytes()
    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile("manifest.json").read())
    assert manifest["schema_revision"] == migrate.head_revision() and manifest["tables"] == source


def test_a_database_with_rows_is_refused_and_left_as_it_was(app, runner, session, tmp_path):
    fill(app, session)
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["backup", "--out", str(archive)]).exit_code == 0
    make_worker(session, reference="W-LATER")
    session.commit()
    before = digests(get_engine(app))
    refused = runner.invoke(args=["restore", str(archive)])
    assert refused.exit_code != 0
    assert "restore refused: the database is not empty" in refused.output and "nothing was changed" in refused.output
    assert digests(get_engine(app)) == before


def rewrite(archive: Path, out: Path, change) -> None:
    """Copy the archive, letting ``change(name, data)`` return a member's new bytes."""
    with tarfile.open(archive) as source, tarfile.open(out, "w:gz") as target:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))


def _more_contract_rows(name: str, data: bytes) -> bytes:
    if name != "manifest.json":
        return data
    manifest = json.loads(data)
    manifest["tables"]["contract"]["rows"] += 1
    return json.dumps(manifest).encode()


TAMPERING = {
    "manifest": (_more_contract_rows, "does not match"),
    "database": (
        lambda name, data: data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("database/") else data,
        "the database file does not match its SHA-256",
    ),
    "evidence": (
        lambda name, data: data + b"x" if name.startswith("files/") else data,
        "does not match its SHA-256 in the manifest",
    ),
}


@pytest.mark.parametrize("tampered", sorted(TAMPERING))
def test_a_tampered_archive_is_refused_and_the_database_stays_empty(app, runner, session, restored_app, tmp_path,
                                                                     tampered):  # fmt: skip
    fill(app, session)
    archive, bad = tmp_path / "backup.tar.gz", tmp_path / "tampered.tar.gz"
    assert runner.invoke(args=["backup", "--out", str(archive)]).exit_code == 0
    change, message = TAMPERING[tampered]
    rewrite(archive, bad, change)
    refused = restored_app.test_cli_runner().invoke(args=["restore", str(bad)])
    assert refused.exit_code != 0 and message in refused.output, refused.output
    with get_engine(restored_app).connect() as connection:
        assert holds_rows(connection) == []
    assert not Path(restored_app.config["EVIDENCE_FOLDER"]).exists()


def test_a_backup_taken_while_contracts_are_recorded_is_consistent(app, runner, session, restored_app, tmp_path):
    engine = get_engine(app)
    agency, employer = make_agency(session), make_employer(session)
    session.commit()
    stop, written = threading.Event(), []

    def record_contracts() -> None:
        while not stop.is_set() and len(written) < 500:
            with new_session(engine) as writer:
                begin_writing(writer)
                worker = make_worker(writer, reference=f"W-{len(written):04d}")
                intake.submit_contract(contract_input(agency.id, employer.id, worker.id,
                                                      reference=f"CT-{len(written):04d}"), session=writer)  # fmt: skip
                writer.commit()
            written.append(1)

    thread = threading.Thread(target=record_contracts)
    thread.start()
    try:
        while len(written) < 5:
            stop.wait(0.01)
        archive = tmp_path / "busy.tar.gz"
        made = runner.invoke(args=["backup", "--out", str(archive)])
    finally:
        stop.set()
        thread.join()
    assert made.exit_code == 0, made.output
    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile("manifest.json").read())
    assert 5 <= manifest["tables"]["contract"]["rows"] <= len(written)
    assert manifest["tables"]["contract"]["rows"] == manifest["tables"]["worker"]["rows"], "no half-recorded contract"
    restored = restored_app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert digests(get_engine(restored_app)) == manifest["tables"]
