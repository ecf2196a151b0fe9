"""This installation's id: made once in the data folder, named by backups and audit archives."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from django.conf import settings

INSTALLATION_FILE = "installation_id"


def installation_id() -> str:
    path = Path(settings.DATA_DIR) / INSTALLATION_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(str(uuid.uuid4()))
    return path.read_text().strip()
