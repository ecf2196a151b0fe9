"""Uploads go to disk, never to memory, and stop filling the disk once they pass the size limit.

``FILE_UPLOAD_HANDLERS`` names :class:`CappedTemporaryFileUploadHandler` alone: every uploaded
file is streamed into a temporary file under ``FILE_UPLOAD_TEMP_DIR`` (created 0600 by Python's
``tempfile``), deleted when the request ends. Past ``WEIJIAN_MAX_UPLOAD_BYTES`` the rest of the
body is read and dropped; the file's ``size`` still says how large the upload was, so the import
refuses it with a message that names the limit instead of a half-file error.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class CappedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        room = settings.WEIJIAN_MAX_UPLOAD_BYTES + 1 - self.received
        self.received += len(raw_data)
        if room > 0:
            self.file.write(raw_data[:room])
