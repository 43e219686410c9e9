"""Evidence files: checked by their content, cleaned, stored outside any served folder, and never half stored.

A file is accepted when its first bytes are those of a PDF, JPEG, PNG or WebP image, or an MP3, Ogg or M4A voice
recording, whatever its name says; a PDF carrying scripts, launch actions or embedded files is refused, as is
anything else (executables, archives, office files). Images are decoded and written again without their metadata,
so the EXIF location a phone adds never reaches the case. Files are kept under random names with their SHA-256;
the name the person gave is only shown back (and refused when it tries to be a path).

All files of one submission are checked before any is written, and written before the database rows are: if the
database work then fails, ``EvidenceBatch`` removes what it wrote, so a refusal, a full disk or a crash leaves
neither orphan rows nor orphan files that the case would count.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from recruitment_watch.services.errors import N_, ServiceError

_MAX_PIXELS = 40_000_000
_PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/OpenAction", b"/RichMedia", b"/XFA")
_NAME_REFUSED = set('/\\:*?"<>|') | {chr(code) for code in range(32)} | {"\x7f"}


class EvidenceRefused(ServiceError):
    """A file (or the whole submission) is not accepted; the message says why and names the file."""


@dataclass(frozen=True)
class EvidenceLimits:
    max_file_bytes: int
    max_complaint_bytes: int
    max_files: int

    @classmethod
    def from_config(cls, config) -> EvidenceLimits:
        return cls(config["EVIDENCE_MAX_FILE_BYTES"], config["EVIDENCE_MAX_COMPLAINT_BYTES"],
                   config["EVIDENCE_MAX_FILES"])  # fmt: skip


@dataclass(frozen=True)
class Upload:
    """A file as it arrived: the name the person's device gave it and its bytes."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class CleanFile:
    """A checked file ready to store."""

    filename: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class StoredFile:
    """A file written to the evidence folder."""

    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    storage_key: str


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (of the accepted kinds), or None."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "audio/mpeg"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head[4:8] == b"ftyp" and head[8:12] in (b"M4A ", b"M4B "):
        return "audio/mp4"
    return None


def check(upload: Upload, limits: EvidenceLimits) -> CleanFile:
    """The file as it will be stored (images without metadata), or ``EvidenceRefused`` saying why."""
    name = display_name(upload.filename)
    if not upload.data:
        raise EvidenceRefused(N_("“%(name)s” is empty."), field="evidence", params={"name": name})
    if len(upload.data) > limits.max_file_bytes:
        raise EvidenceRefused(
            N_("“%(name)s” is larger than %(mb)s MB."),
            field="evidence",
            params={"name": name, "mb": limits.max_file_bytes // (1024 * 1024)},
        )
    content_type = sniff(upload.data)
    if content_type is None:
        raise EvidenceRefused(N_("“%(name)s” is not a photo (JPEG, PNG, WebP), a PDF or a voice recording (MP3, "
                                 "Ogg, M4A)."), field="evidence", params={"name": name})  # fmt: skip
    if content_type == "application/pdf" and any(marker in upload.data for marker in _PDF_ACTIVE):
        raise EvidenceRefused(N_("“%(name)s” is a PDF with scripts or embedded files; print it to a plain PDF or "
                                 "send a photo of it."), field="evidence", params={"name": name})  # fmt: skip
    data = _without_metadata(upload.data, content_type, name) if content_type.startswith("image/") else upload.data
    return CleanFile(name, content_type, data)


def display_name(filename: str) -> str:
    """The name to show back; a name that is a path (or hides control characters) is refused."""
    name = (filename or "").strip()
    if not name:
        return "evidence"
    if any(char in _NAME_REFUSED for char in name) or name.startswith(".") or ".." in name or len(name) > 200:
        raise EvidenceRefused(N_("The file name “%(name)s” is not accepted: rename the file (letters, digits, "
                                 "spaces and dots only) and attach it again."), field="evidence",
                              params={"name": name[:60]})  # fmt: skip
    return name


def _without_metadata(data: bytes, content_type: str, name: str) -> bytes:
    """Decode and re-encode an image, turned upright, without EXIF, XMP or text chunks."""
    kind = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[kind]) as image:
                if image.width * image.height > _MAX_PIXELS:
                    raise EvidenceRefused(
                        N_("“%(name)s” has too many pixels."), field="evidence", params={"name": name}
                    )
                upright = ImageOps.exif_transpose(image)
                if kind == "JPEG" and upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                out = io.BytesIO()
                upright.save(out, kind, **({"quality": 90} if kind != "PNG" else {}))
    except EvidenceRefused:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise EvidenceRefused(
            N_("“%(name)s” could not be read as an image."), field="evidence", params={"name": name}
        ) from exc
    return out.getvalue()


def check_all(uploads: list[Upload], limits: EvidenceLimits, *, already_files: int = 0,
              already_bytes: int = 0) -> list[CleanFile]:  # fmt: skip
    """Check every file of a submission against the per-file and per-complaint limits; refuses on the first bad one."""
    uploads = [u for u in uploads if u.filename or u.data]
    if already_files + len(uploads) > limits.max_files:
        raise EvidenceRefused(
            N_("A complaint can carry at most %(n)s files."), field="evidence", params={"n": limits.max_files}
        )
    clean = [check(upload, limits) for upload in uploads]
    if already_bytes + sum(len(f.data) for f in clean) > limits.max_complaint_bytes:
        raise EvidenceRefused(
            N_("The files of one complaint can be at most %(mb)s MB together."),
            field="evidence",
            params={"mb": limits.max_complaint_bytes // (1024 * 1024)},
        )
    return clean


class EvidenceStore:
    """The evidence folder: files named by random keys, in subfolders by the key's first two characters."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)

    def path_of(self, storage_key: str) -> Path:
        if len(storage_key) != 32 or not all(c in "0123456789abcdef" for c in storage_key):
            raise ValueError("not a storage key")
        return self.folder / storage_key[:2] / storage_key

    def write(self, clean: CleanFile) -> StoredFile:
        """Write one file (to a temporary name, synced, then renamed); ``EvidenceRefused`` if the disk refuses."""
        key = secrets.token_hex(16)
        target = self.path_of(key)
        partial = target.with_name(key + ".partial")
        try:
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with open(partial, "xb") as handle:
                handle.write(clean.data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise EvidenceRefused(N_("The files could not be stored just now, so nothing was saved. Please try again "
                                     "later."), field="evidence") from exc  # fmt: skip
        return StoredFile(clean.filename, clean.content_type, len(clean.data), clean.sha256, key)

    def remove(self, storage_key: str) -> None:
        self.path_of(storage_key).unlink(missing_ok=True)


class EvidenceBatch:
    """Files written for one submission; removed again unless the caller marks them kept after its commit."""

    def __init__(self, store: EvidenceStore) -> None:
        self.store = store
        self.written: list[StoredFile] = []
        self.kept = False

    def write_all(self, files: list[CleanFile]) -> list[StoredFile]:
        for clean in files:
            self.written.append(self.store.write(clean))
        return list(self.written)

    def keep(self) -> None:
        self.kept = True

    def discard(self) -> None:
        for stored in self.written:
            self.store.remove(stored.storage_key)
        self.written.clear()


@contextmanager
def evidence_batch(store: EvidenceStore) -> Iterator[EvidenceBatch]:
    """``with evidence_batch(store) as batch: batch.write_all(...); …; session.commit(); batch.keep()``."""
    batch = EvidenceBatch(store)
    try:
        yield batch
    finally:
        if not batch.kept:
            batch.discard()
