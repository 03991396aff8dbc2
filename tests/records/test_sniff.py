"""What a file is, from its content: each allowed kind, and every way a file is refused."""

import zipfile

import pytest

from casereview.records.sniff import KINDS, ArchiveLimits, Refused, sanitise_name, sniff
from tests.records import files

ALL = set(KINDS)


def kind_of(data: bytes, allowed=ALL, **limits) -> str:
    import io

    return sniff(io.BytesIO(data), allowed=allowed, limits=ArchiveLimits(**limits)).code


@pytest.mark.parametrize(("code", "data"), list(files.ALLOWED.items()))
def test_each_allowed_kind_is_recognised_from_its_content(code, data):
    assert kind_of(data) == code


def test_big_endian_tiff_is_recognised():
    assert kind_of(files.TIFF_BE) == "tiff"


def test_word_and_excel_files_are_told_apart_by_their_parts():
    assert kind_of(files.docx()) == "docx"
    assert kind_of(files.xlsx()) == "xlsx"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (files.EXE, "Windows program"),
        (files.ELF, "Linux program"),
        (files.MACHO, "Mac program"),
        (files.SHEBANG, "script"),
        (b"#!/usr/bin/env python3\nprint('hello')\n", "script"),
    ],
)
def test_programs_are_refused_whatever_they_claim_to_be(data, reason):
    with pytest.raises(Refused, match=reason):
        kind_of(data)


def test_empty_file_is_refused():
    with pytest.raises(Refused, match="empty"):
        kind_of(b"")


@pytest.mark.parametrize(
    "data",
    [
        b"just some text that is not a mail",
        b"<html><script>alert(1)</script></html>",
        files.DOC_97,  # an Office 97 document: OLE2, but not an Outlook message
        files.office_zip({"readme.txt": b"hello"}, content_types=False),  # a plain zip
        files.office_zip({"ppt/presentation.xml": b"<p/>"}),  # PowerPoint is not on the list
        b"\x1f\x8b\x08\x00" + b"\x00" * 20,  # gzip
    ],
)
def test_other_kinds_are_refused_with_the_list_of_allowed_kinds(data):
    with pytest.raises(Refused, match="must be one of: PDF document"):
        kind_of(data)


def test_a_kind_left_off_the_allowed_list_is_refused_by_name():
    with pytest.raises(Refused, match="PNG images cannot be uploaded"):
        kind_of(files.PNG, allowed={"pdf"})


def test_mail_needs_real_headers():
    with pytest.raises(Refused):
        kind_of(b"From: someone\r\n\r\nhello")  # one header is not a message
    with pytest.raises(Refused):
        kind_of(b"not a header line\r\nFrom: a@b\r\nTo: c@d\r\n\r\n")


def test_zip_declaring_more_than_the_total_limit_is_refused_as_a_bomb():
    bomb = files.with_declared_size(files.docx(), "word/document.xml", 300 * 1024 * 1024)
    with pytest.raises(Refused, match="archive bomb"):
        kind_of(bomb)


def test_zip_part_with_an_absurd_compression_ratio_is_refused_as_a_bomb():
    bomb = files.docx(b"\x00" * (2 * 1024 * 1024))  # 2 MB of zeros deflate to about 2 KB
    with pytest.raises(Refused, match="archive bomb"):
        kind_of(bomb)


def test_zip_that_declares_less_than_it_holds_is_refused_as_damaged():
    liar = files.with_declared_size(
        files.docx(b"<w:document>" + b"a" * 5000 + b"</w:document>"), "word/document.xml", 10
    )
    with pytest.raises(Refused, match="damaged"):
        kind_of(liar)


def test_zip_with_too_many_parts_is_refused():
    parts = {f"word/part{n}.xml": b"<p/>" for n in range(30)}
    with pytest.raises(Refused, match="more than 20 parts"):
        kind_of(files.office_zip(parts), max_entries=20)


def test_zip_inside_a_word_file_is_refused_by_name():
    nested = files.docx(**{"word/embeddings/inner.zip": files.office_zip({"a.txt": b"a"}, content_types=False)})
    with pytest.raises(Refused, match="another archive"):
        kind_of(nested)


def test_zip_inside_a_word_file_is_refused_by_content_whatever_its_name():
    nested = files.docx(**{"word/media/image1.png": files.office_zip({"a.txt": b"a"}, content_types=False)})
    with pytest.raises(Refused, match="another archive"):
        kind_of(nested)


def test_program_inside_a_word_file_is_refused():
    with pytest.raises(Refused, match="contains a program"):
        kind_of(files.docx(**{"word/media/image1.png": files.EXE}))


def test_damaged_zip_is_refused():
    with pytest.raises(Refused, match="damaged"):
        kind_of(b"PK\x03\x04" + b"\x00" * 100)


def test_stored_uncompressed_office_file_is_accepted():
    assert kind_of(files.office_zip({"word/document.xml": b"<w/>"}, level=zipfile.ZIP_STORED)) == "docx"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\worker\\case notes.pdf", "case notes.pdf"),
        ("case\x00\x1b[31mnotes\r\n.pdf", "case[31mnotes.pdf"),
        ("\u202eevil\u200b.pdf", "evil.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ('a<b>c:d"e|f?g*.pdf', "a_b_c_d_e_f_g_.pdf"),
        ("report.exe", "report.exe.pdf"),
        ("", "record.pdf"),
        ("   ", "record.pdf"),
        ("scan.JPEG", "scan.JPEG"),
    ],
)
def test_names_are_sanitised_not_refused(given, expected):
    kind = KINDS["jpeg"] if given.endswith("JPEG") else KINDS["pdf"]
    assert sanitise_name(given, kind) == expected


def test_long_names_keep_their_extension():
    name = sanitise_name("x" * 500 + ".pdf", KINDS["pdf"])
    assert len(name) == 200
    assert name.endswith(".pdf")
