"""Worker onboarding documents: what an upload must be before it is kept (pure).

A document is accepted by what its bytes are, not by what its name says: a PDF, JPEG or PNG recognised by its
signature at the start of the file, no larger than the configured limit. The kinds and the rule that a worker
is verified only with every required kind on file live in `fulfillment.workers`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final

from fulfillment.workers import DOCUMENT_NAMES
from schemas.errors import BUSINESS_ERROR
from schemas.refusal import NOT_FOUND, Refusal


@dataclass(frozen=True, slots=True)
class FileType:
    """A kind of file staff may upload: how it is served and stored."""

    media_type: str
    extension: str


PDF: Final = FileType("application/pdf", ".pdf")
JPEG: Final = FileType("image/jpeg", ".jpg")
PNG: Final = FileType("image/png", ".png")

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
_NAME_LIMIT: Final = 255
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


def sniff(data: bytes) -> FileType | None:
    """The file's type from its first bytes, or None when it is none of PDF, JPEG and PNG."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(_PNG_SIGNATURE) and data[12:16] == b"IHDR":  # the first chunk of every PNG
        return PNG
    return None


def readable_size(size: int) -> str:
    """A byte count as people read a file's size: `5 MB`, `1.5 MB`, `300 KB`."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"
    return f"{size / 1_000:.0f} KB"


def unknown_kind(kind: str) -> Refusal:
    names = ", ".join(DOCUMENT_NAMES)
    return Refusal(NOT_FOUND, f"There is no document kind {kind!r}; use one of {names}.", "kind",
                   f"{kind!r} नाम का कोई दस्तावेज़ प्रकार नहीं है; इनमें से एक चुनें: {names}।")


def too_large(max_bytes: int) -> Refusal:
    limit = readable_size(max_bytes)
    return Refusal(
        BUSINESS_ERROR.code,
        f"The file is larger than {limit}. Scan the document at a lower resolution or save a smaller PDF, "
        "then upload it again.",
        "file",
        f"फ़ाइल {limit} से बड़ी है। दस्तावेज़ को कम रिज़ॉल्यूशन पर स्कैन करें या छोटी PDF बनाएँ, फिर अपलोड करें।",
    )


def check_upload(kind: str, data: bytes, max_bytes: int) -> FileType:
    """The type of an upload of `kind`, or the refusal saying what is wrong with it and what to do."""
    if kind not in DOCUMENT_NAMES:
        raise unknown_kind(kind)
    if not data:
        raise Refusal(BUSINESS_ERROR.code, "The file is empty. Choose the scanned document and upload it again.",
                      "file", "फ़ाइल खाली है। स्कैन किया दस्तावेज़ चुनकर फिर अपलोड करें।")
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    found = sniff(data)
    if found is None:
        raise Refusal(
            BUSINESS_ERROR.code,
            "This file is not a PDF, JPEG or PNG (its content was checked, whatever its name says). "
            "Scan or photograph the document as a PDF, JPEG or PNG and upload that.",
            "file",
            "यह फ़ाइल PDF, JPEG या PNG नहीं है (नाम कुछ भी हो, उसकी सामग्री जाँची गई)। दस्तावेज़ को PDF, JPEG या PNG "
            "में स्कैन करें या उसकी फ़ोटो लें और वही अपलोड करें।",
        )
    return found


def display_name(filename: str | None, file_type: FileType) -> str:
    """The uploaded file's name as staff see it: no folders, control characters or excess length."""
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", filename or ""))[-1]
    cleaned = _CONTROL.sub("", base).strip()[:_NAME_LIMIT]
    return cleaned or f"document{file_type.extension}"
