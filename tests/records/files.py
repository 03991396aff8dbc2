"""Small files of every kind the vault knows, built in memory, and hostile ones made from them."""

import io
import struct
import zipfile

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
TIFF_LE = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 8
TIFF_BE = b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 8
EML = (
    b"Return-Path: <duty.team@example.org>\r\n"
    b"From: Duty Team <duty.team@example.org>\r\n"
    b"To: Records <records@example.org>\r\n"
    b"Subject: Strategy discussion\r\n"
    b"\tcontinued subject\r\n"
    b"Date: Mon, 2 Mar 2026 10:00:00 +0000\r\n"
    b"\r\n"
    b"Notes of the strategy discussion.\r\n"
)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MSG = OLE2 + b"\x00" * 504 + "__substg1.0_0037001F".encode("utf-16-le") + b"\x00" * 600
DOC_97 = OLE2 + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 600
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64 + b"This program cannot be run in DOS mode"
MACHO = b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 32
SHEBANG = b"#!/bin/sh\nrm -rf /\n"

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"></Types>'
)


def office_zip(parts: dict[str, bytes], *, content_types: bool = True, level: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=level) as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(text: bytes = b"<w:document>Case notes</w:document>", **extra: bytes) -> bytes:
    return office_zip({"word/document.xml": text, **extra})


def xlsx() -> bytes:
    return office_zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b"<worksheet/>"})


def with_declared_size(archive: bytes, name: str, declared: int) -> bytes:
    """The same zip with the uncompressed size of `name` changed in its headers, as a bomb would claim it."""
    data = bytearray(archive)
    encoded = name.encode()
    # Central directory entries: size at offset 24, name length at 28, name at 46.
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == encoded:
            struct.pack_into("<I", data, position + 24, declared)
        position += 4
    # Local headers: size at offset 22, name length at 26, name at 30.
    position = 0
    while (position := data.find(b"PK\x03\x04", position)) != -1:
        name_length = struct.unpack_from("<H", data, position + 26)[0]
        if bytes(data[position + 30 : position + 30 + name_length]) == encoded:
            struct.pack_into("<I", data, position + 22, declared)
        position += 4
    return bytes(data)


ALLOWED = {
    "pdf": PDF,
    "png": PNG,
    "jpeg": JPEG,
    "gif": GIF,
    "tiff": TIFF_LE,
    "eml": EML,
    "msg": MSG,
}
