"""What an uploaded onboarding document must be: a PDF, JPEG or PNG by its content, within the size limit."""

from __future__ import annotations

import pytest

from fulfillment.documents import JPEG, PDF, PNG, check_upload, display_name, readable_size, sniff
from schemas.refusal import NOT_FOUND, Refusal

PDF_BYTES = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32 + b"\xff\xd9"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17


@pytest.mark.parametrize(("content", "found"), [(PDF_BYTES, PDF), (JPEG_BYTES, JPEG), (PNG_BYTES, PNG)])
def test_the_type_is_read_from_the_content(content: bytes, found: object) -> None:
    assert sniff(content) is found
    assert check_upload("police_certificate", content, 1_000) is found


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00 a Windows program",
    b"<html><script>alert(1)</script></html>",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rJUNK",  # a PNG signature without the header chunk every PNG starts with
    b"GIF89a",
])
def test_anything_else_is_refused_whatever_its_name(content: bytes) -> None:
    with pytest.raises(Refusal) as refused:
        check_upload("id_proof", content, 1_000)
    assert refused.value.field == "file"
    assert "not a PDF, JPEG or PNG" in refused.value.message
    assert refused.value.message_hi and "PDF, JPEG या PNG नहीं है" in refused.value.message_hi


def test_a_file_over_the_limit_is_refused_with_the_limit_in_both_languages() -> None:
    with pytest.raises(Refusal) as refused:
        check_upload("id_proof", PDF_BYTES + b" " * 5_000_000, 5_000_000)
    assert refused.value.field == "file"
    assert "larger than 5 MB" in refused.value.message
    assert refused.value.message_hi and "5 MB से बड़ी" in refused.value.message_hi
    assert check_upload("id_proof", PDF_BYTES, len(PDF_BYTES)) is PDF  # exactly the limit is fine


def test_an_empty_file_and_an_unknown_kind_are_refused() -> None:
    with pytest.raises(Refusal) as empty:
        check_upload("id_proof", b"", 1_000)
    assert "empty" in empty.value.message
    with pytest.raises(Refusal) as unknown:
        check_upload("selfie", PDF_BYTES, 1_000)
    assert unknown.value.code == NOT_FOUND and unknown.value.field == "kind"


def test_sizes_read_as_people_write_them() -> None:
    assert readable_size(5_000_000) == "5 MB"
    assert readable_size(1_500_000) == "1.5 MB"
    assert readable_size(300_000) == "300 KB"


@pytest.mark.parametrize(("given", "shown"), [
    ("C:\\Users\\asha\\police.pdf", "police.pdf"),
    ("../../etc/passwd", "passwd"),
    ("pra\u0302maan\npatra.jpg", "pra\u0302maanpatra.jpg".replace("a\u0302", "\u00e2")),
    (None, "document.pdf"),
    ("   ", "document.pdf"),
])
def test_the_shown_name_has_no_folders_or_control_characters(given: str | None, shown: str) -> None:
    assert display_name(given, PDF) == shown
