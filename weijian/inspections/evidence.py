"""The evidence store: inspection files kept under their SHA-256, written once, never overwritten.

``$WEIJIAN_DATA/evidence/ab/abcdef….jpg``: the first two hex digits name the folder. A file is written to a
temporary name in that folder (``O_EXCL``, 0600 under the process umask), then hard-linked to its final name;
the link fails when the name exists, so a second upload of the same bytes reuses the stored file and nothing
is ever replaced. What an upload is comes from its content (Pillow), never from its name; the stored original
is kept byte for byte (nothing stripped), and served only to those whose data scope holds the inspection.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

# Pillow format → (extension, content type) of the photos accepted.
IMAGE_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
CHUNK = 1024 * 1024


class EvidenceError(ValueError):
    """An upload that is not accepted; the message names the field and the reason (Chinese)."""


@dataclass(frozen=True)
class CheckedImage:
    data: bytes
    sha256: str
    extension: str
    content_type: str
    width: int
    height: int


def evidence_root() -> Path:
    return Path(settings.DATA_DIR) / "evidence"


def _limit() -> int:
    return int(settings.WEIJIAN_EVIDENCE_LIMITS["max_bytes"])


def read_upload(upload: IO[bytes], *, size: int | None, field: str) -> bytes:
    """The uploaded bytes, refused past the size limit (``WEIJIAN_EVIDENCE_MAX_BYTES``) before they are parsed."""
    limit = _limit()
    if size is not None and size > limit:
        raise EvidenceError(
            _("%(field)s：文件过大（%(size_kb)s KB），上限为 %(limit_kb)s KB")
            % {"field": field, "size_kb": size // 1024, "limit_kb": limit // 1024}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise EvidenceError(
            _("%(field)s：文件过大，上限为 %(limit_kb)s KB") % {"field": field, "limit_kb": limit // 1024}
        )
    if not data:
        raise EvidenceError(_("%(field)s：文件为空") % {"field": field})
    return data


def check_image(data: bytes, *, field: str) -> CheckedImage:
    """Is ``data`` a whole JPEG, PNG or WebP image within the pixel limit? Judged by its content (Pillow)."""
    if len(data) > _limit():
        raise EvidenceError(
            _("%(field)s：文件过大，上限为 %(limit_kb)s KB") % {"field": field, "limit_kb": _limit() // 1024}
        )
    max_pixels = int(settings.WEIJIAN_EVIDENCE_LIMITS["max_pixels"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                if width * height > max_pixels:
                    raise EvidenceError(
                        _("%(field)s：图片像素过多（%(width)s×%(height)s），上限为 %(max_pixels)s 像素")
                        % {"field": field, "width": width, "height": height, "max_pixels": max_pixels}
                    )
                image.verify()  # a truncated or corrupt file fails here
    except EvidenceError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):  # fmt: skip
        raise EvidenceError(_("%(field)s：不是可识别的图片（应为 JPEG、PNG 或 WebP 照片）") % {"field": field}) from None
    if kind not in IMAGE_FORMATS:
        raise EvidenceError(
            _("%(field)s：图片格式 %(kind)s 不受支持（应为 JPEG、PNG 或 WebP）")
            % {"field": field, "kind": kind}
        )
    extension, content_type = IMAGE_FORMATS[kind]
    return CheckedImage(data, hashlib.sha256(data).hexdigest(), extension, content_type, width, height)


def stored_name(sha256: str, extension: str) -> str:
    return f"{sha256[:2]}/{sha256}.{extension}"


def store(image: CheckedImage) -> tuple[str, bool]:
    """Keep the bytes under their hash; returns (stored name, whether this call wrote them)."""
    return store_bytes(image.data, image.sha256, image.extension)


def store_bytes(data: bytes, sha256: str, extension: str) -> tuple[str, bool]:
    """Keep any checked bytes (a photo, an issued PDF) under their hash; returns (stored name, whether written)."""
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError("sha256 does not match the bytes")
    name = stored_name(sha256, extension)
    final = evidence_root() / name
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        return name, False
    temporary = final.parent / f".{sha256}.{secrets.token_hex(6)}.part"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(temporary, final)  # exclusive: never replaces a stored file
        except FileExistsError:
            return name, False
        return name, True
    finally:
        temporary.unlink(missing_ok=True)


def open_stored(name: str) -> IO[bytes]:
    path = (evidence_root() / name).resolve()
    if evidence_root().resolve() not in path.parents:
        raise FileNotFoundError(name)
    return open(path, "rb")


def file_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with open_stored(name) as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()
