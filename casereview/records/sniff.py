"""What a file is, judged from its content, never its name; and what makes it unsafe to keep. No Django import."""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

HEAD_BYTES = 8192
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    mime: str
    extension: str


KINDS = {
    kind.code: kind
    for kind in [
        Kind("pdf", "PDF document", "application/pdf", ".pdf"),
        Kind(
            "docx",
            "Word document",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".docx",
        ),
        Kind("xlsx", "Excel spreadsheet", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
        Kind("png", "PNG image", "image/png", ".png"),
        Kind("jpeg", "JPEG image", "image/jpeg", ".jpg"),
        Kind("gif", "GIF image", "image/gif", ".gif"),
        Kind("tiff", "TIFF image", "image/tiff", ".tif"),
        Kind("eml", "E-mail", "message/rfc822", ".eml"),
        Kind("msg", "Outlook e-mail", "application/vnd.ms-outlook", ".msg"),
    ]
}


class Refused(Exception):
    """The file cannot go into the vault. The message says why, in plain words."""


@dataclass(frozen=True)
class ArchiveLimits:
    """What a DOCX or XLSX (a zip) may hold before it counts as an archive bomb."""

    max_total_bytes: int = 200 * 1024 * 1024
    max_ratio: int = 100
    ratio_floor_bytes: int = 1024 * 1024  # small parts compress well legitimately; the ratio counts above this
    max_entries: int = 2000


EXECUTABLE_MAGIC = [
    (b"\x7fELF", "a Linux program"),
    (b"MZ", "a Windows program"),
    (b"\xfe\xed\xfa\xce", "a Mac program"),
    (b"\xfe\xed\xfa\xcf", "a Mac program"),
    (b"\xce\xfa\xed\xfe", "a Mac program"),
    (b"\xcf\xfa\xed\xfe", "a Mac program"),
    (b"\xca\xfe\xba\xbe", "a Mac or Java program"),
    (b"#!", "a script"),
]
ARCHIVE_MAGIC = [b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"Rar!", b"7z\xbc\xaf\x27\x1c", b"\x1f\x8b", b"BZh"]
ARCHIVE_NAMES = re.compile(r"\.(zip|jar|7z|rar|gz|tgz|bz2|xz|tar|cab|docx|xlsx|pptx|docm|xlsm)$", re.IGNORECASE)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Outlook keeps each property of a message in a stream named like this; Word and Excel files do not.
MSG_MARKERS = ["__substg1.0_".encode("utf-16-le"), "__properties_version1.0".encode("utf-16-le")]
HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?.*$")
MAIL_HEADERS = {b"from", b"to", b"subject", b"date", b"received", b"message-id", b"return-path", b"mime-version"}


def executable_kind(head: bytes) -> str | None:
    for magic, what in EXECUTABLE_MAGIC:
        if head.startswith(magic):
            return what
    return None


def sniff(file: BinaryIO, *, allowed: set[str], limits: ArchiveLimits = ArchiveLimits()) -> Kind:
    """The kind of `file` (a seekable binary file, read from the start), or `Refused` with the reason."""
    file.seek(0)
    head = file.read(HEAD_BYTES)
    if not head:
        raise Refused("The selected file is empty")
    program = executable_kind(head)
    if program:
        raise Refused(f"The selected file is {program}, not a case record: programs cannot be uploaded")
    code = _kind_code(file, head, limits)
    if code is None:
        raise Refused(f"The selected file must be one of: {allowed_labels(allowed)}")
    if code not in allowed:
        raise Refused(
            f"{KINDS[code].label}s cannot be uploaded. The selected file must be one of: {allowed_labels(allowed)}"
        )
    return KINDS[code]


def allowed_labels(allowed: set[str]) -> str:
    return ", ".join(KINDS[code].label for code in KINDS if code in allowed)


def _kind_code(file: BinaryIO, head: bytes, limits: ArchiveLimits) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "tiff"
    if head.startswith(b"PK\x03\x04"):
        return _office_zip(file, limits)
    if head.startswith(OLE2_MAGIC):
        return "msg" if _contains_any(file, MSG_MARKERS) else None
    if _looks_like_mail(head):
        return "eml"
    return None


def _looks_like_mail(head: bytes) -> bool:
    """RFC 822: header lines (or their folded continuations) up to a blank line, with a usual mail header."""
    if b"\x00" in head:
        return False
    lines = head.split(b"\n")
    if len(lines) < 2:
        return False
    seen = set()
    for raw in lines[:-1]:  # the last line may be cut off by the head
        line = raw.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t") and seen:
            continue
        if not HEADER_LINE.match(line):
            return False
        seen.add(line.split(b":", 1)[0].lower())
    return len(seen & MAIL_HEADERS) >= 2


def _contains_any(file: BinaryIO, markers: list[bytes]) -> bool:
    """Scan the whole file in chunks, keeping an overlap so a marker across two chunks is found."""
    overlap = max(len(m) for m in markers) - 1
    file.seek(0)
    tail = b""
    while chunk := file.read(CHUNK_BYTES):
        window = tail + chunk
        if any(marker in window for marker in markers):
            return True
        tail = window[-overlap:]
    return False


def _office_zip(file: BinaryIO, limits: ArchiveLimits) -> str | None:
    """DOCX or XLSX after checking the zip is not a bomb, does not nest archives and hides no program."""
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise Refused("The selected file is damaged: it starts like a Word or Excel file but cannot be read") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.max_entries:
            raise Refused(f"The selected file holds more than {limits.max_entries} parts: it cannot be uploaded")
        names = {entry.filename for entry in entries}
        if "[Content_Types].xml" not in names:
            return None
        if any(name.startswith("word/") for name in names):
            code = "docx"
        elif any(name.startswith("xl/") for name in names):
            code = "xlsx"
        else:
            return None
        declared = sum(entry.file_size for entry in entries)
        if declared > limits.max_total_bytes:
            raise Refused("The selected file expands to more than it could hold: it may be an archive bomb")
        for entry in entries:
            if entry.flag_bits & 0x1:
                raise Refused("The selected file is password-protected: remove the password and upload it again")
            if ARCHIVE_NAMES.search(entry.filename):
                raise Refused("The selected file contains another archive: save what it holds separately")
            if entry.file_size > limits.ratio_floor_bytes and entry.file_size > limits.max_ratio * max(
                entry.compress_size, 1
            ):
                raise Refused("The selected file expands to more than it could hold: it may be an archive bomb")
        _read_all_entries(archive, entries, limits)
        return code


def _read_all_entries(archive: zipfile.ZipFile, entries, limits: ArchiveLimits) -> None:
    """Decompress every part in chunks (never more than the declared sizes, which are bounded above),
    checking what each part really starts with and that it is intact."""
    try:
        for entry in entries:
            if entry.is_dir():
                continue
            with archive.open(entry) as part:
                first = part.read(16)
                if first.startswith(tuple(ARCHIVE_MAGIC)) or first.startswith(OLE2_MAGIC):
                    raise Refused("The selected file contains another archive: save what it holds separately")
                if executable_kind(first):
                    raise Refused("The selected file contains a program: it cannot be uploaded")
                while part.read(CHUNK_BYTES):
                    pass
    except Refused:
        raise
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError, RuntimeError):
        raise Refused("The selected file is damaged: it starts like a Word or Excel file but cannot be read") from None
    except Exception:  # zlib.error and any other decompression failure
        raise Refused("The selected file is damaged: it starts like a Word or Excel file but cannot be read") from None


ALSO_KNOWN_AS = {"jpeg": (".jpeg",), "tiff": (".tiff",)}
NAME_FORBIDDEN = re.compile(r'[<>:"/\\|?*]')
MAX_NAME = 200


def sanitise_name(name: str, kind: Kind | None = None) -> str:
    """A file name safe to show and to offer for download: no folders, no control characters, no
    characters Windows refuses, not hidden, at most 200 characters, ending with the kind's extension."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
    name = NAME_FORBIDDEN.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if kind is not None:
        stem, dot, extension = name.rpartition(".")
        known = {kind.extension, *ALSO_KNOWN_AS.get(kind.code, ())}
        if not (dot and f".{extension.lower()}" in known):
            name = f"{name}{kind.extension}" if name else f"record{kind.extension}"
        stem, _, extension = name.rpartition(".")
        if len(name) > MAX_NAME:
            name = f"{stem[: MAX_NAME - len(extension) - 1].rstrip()}.{extension}"
    else:
        name = name[:MAX_NAME]
    return name or "record"
