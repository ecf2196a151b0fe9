"""Static files as they are served: hashed names (cached for a year), gzip and Brotli copies (WhiteNoise).

``collectstatic`` writes them into ``STATIC_ROOT`` (``make demo`` runs it). The compressed copies are public
like the rest (0644), although the process umask is 077.
"""

from __future__ import annotations

import os
from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage

PUBLIC_FILE_MODE = 0o644


class PublicCompressor(Compressor):
    def write_data(self, path: str, data: bytes, suffix: str, stat_result: os.stat_result) -> str:
        filename = super().write_data(path, data, suffix, stat_result)
        os.chmod(filename, PUBLIC_FILE_MODE)
        return filename


class StaticStorage(CompressedManifestStaticFilesStorage):
    """WhiteNoise's compressed manifest storage, with public compressed copies.

    Before ``collectstatic`` has written the manifest (a fresh checkout, a test's data folder) a page names each
    file under its own name, which WhiteNoise serves from the app folders, uncompressed and briefly cached,
    instead of failing; ``weijian check`` warns meanwhile (weijian.core.checks).
    """

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return PublicCompressor(**kwargs)

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:  # nothing collected yet
            return name
        return super().stored_name(name)
