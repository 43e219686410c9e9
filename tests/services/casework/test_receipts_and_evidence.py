"""Receipt codes (slow digest, any script) and evidence files (content sniffing, metadata stripped, nothing half
stored). No database: these are the pieces the complaint pages stand on."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from recruitment_watch.services.casework import evidence, receipts
from recruitment_watch.services.casework.evidence import EvidenceLimits, EvidenceRefused, EvidenceStore, Upload

LIMITS = EvidenceLimits(max_file_bytes=200_000, max_complaint_bytes=300_000, max_files=3)


def test_a_receipt_code_is_twenty_digits_and_only_its_digest_matches():
    code = receipts.new_receipt_code()
    assert len(code) == 20 and code.isdigit()
    digest = receipts.receipt_digest("C-0123456789", code)
    assert len(digest) == 64 and code not in digest
    assert receipts.receipt_matches(digest, "C-0123456789", receipts.grouped(code))
    assert not receipts.receipt_matches(digest, "C-9999999999", code)  # salted by the reference
    wrong = ("1" if code[0] != "1" else "2") + code[1:]
    assert not receipts.receipt_matches(digest, "C-0123456789", wrong)
    assert not receipts.receipt_matches(None, "C-0123456789", code)


def test_a_receipt_code_typed_in_urdu_or_bengali_digits_matches():
    code = "12345678901234567890"
    digest = receipts.receipt_digest("C-AB", code)
    urdu = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    bengali = code.translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    assert receipts.receipt_matches(digest, "C-AB", urdu)
    assert receipts.receipt_matches(digest, "C-AB", "-".join(bengali[i : i + 4] for i in range(0, 20, 4)))
    assert receipts.normalised("1234") is None


def _jpeg_with_location() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (51.0, 30.0, 0.0), 1: "N"}  # GPSInfo
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_photo_loses_its_exif_location_and_keeps_its_picture():
    raw = _jpeg_with_location()
    assert b"PhoneMaker" in raw
    clean = evidence.check(Upload("photo.jpg", raw), LIMITS)
    assert clean.content_type == "image/jpeg"
    assert b"PhoneMaker" not in clean.data and b"Exif" not in clean.data
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.size == (40, 30) and not image.getexif()


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("contract.pdf", b"MZ\x90\x00 this is a Windows program", "is not a photo"),
        ("photo.jpg", b"#!/bin/sh\nrm -rf /\n", "is not a photo"),
        ("receipt.pdf", b"%PDF-1.7\n1 0 obj << /OpenAction << /JS (app.alert(1)) >> >>", "scripts"),
        ("../../etc/passwd.jpg", _jpeg_with_location(), "is not accepted"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * 200_001, "larger than"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_files_that_are_not_evidence_are_refused_with_their_reason(name, data, says):
    with pytest.raises(EvidenceRefused) as refused:
        evidence.check_all([Upload(name, data)], LIMITS)
    assert says in str(refused.value)


def test_the_per_complaint_limits_count_what_the_case_already_holds():
    pdf = Upload("a.pdf", b"%PDF-1.4\n" + b"1" * 150_000)
    assert len(evidence.check_all([pdf], LIMITS)) == 1
    with pytest.raises(EvidenceRefused, match="MB together"):
        evidence.check_all([pdf], LIMITS, already_bytes=200_000)
    with pytest.raises(EvidenceRefused, match="at most 3 files"):
        evidence.check_all([pdf, pdf], LIMITS, already_files=2)


def test_files_are_stored_under_random_names_and_removed_unless_kept(tmp_path: Path):
    store = EvidenceStore(tmp_path)
    clean = evidence.check(Upload("note.pdf", b"%PDF-1.4\nhello"), LIMITS)
    with evidence.evidence_batch(store) as batch:
        (stored,) = batch.write_all([clean])
        assert store.path_of(stored.storage_key).read_bytes() == clean.data
        assert "note" not in stored.storage_key and stored.sha256 == clean.sha256
    assert not store.path_of(stored.storage_key).exists()  # not kept: the database work did not commit
    with evidence.evidence_batch(store) as batch:
        (kept,) = batch.write_all([clean])
        batch.keep()
    assert store.path_of(kept.storage_key).exists()
    with pytest.raises(ValueError):
        store.path_of("../secret_key")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_an_unwritable_folder_is_a_clear_refusal_and_leaves_nothing(tmp_path: Path):
    tmp_path.chmod(0o500)
    try:
        clean = evidence.check(Upload("note.pdf", b"%PDF-1.4\nhello"), LIMITS)
        with (
            pytest.raises(EvidenceRefused, match="nothing was saved"),
            evidence.evidence_batch(EvidenceStore(tmp_path)) as batch,
        ):
            batch.write_all([clean])
    finally:
        tmp_path.chmod(0o700)
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_is_a_clear_refusal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(evidence.os, "fsync", full)
    clean = evidence.check(Upload("note.pdf", b"%PDF-1.4\nhello"), LIMITS)
    with (
        pytest.raises(EvidenceRefused, match="nothing was saved"),
        evidence.evidence_batch(EvidenceStore(tmp_path)) as batch,
    ):
        batch.write_all([clean])
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
