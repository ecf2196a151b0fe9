"""weijian (卫监): comprehensive supervision of the medical and health industry."""

import os

__version__ = "0.1.0"

PRIVATE_UMASK = 0o077  # data files 0600, folders 0700


def keep_files_private() -> None:
    """Set the process umask so that every file the platform writes is readable by its own user only.

    Called once at start-up by both entry points: the settings (web server, Django commands, tests)
    and the ``weijian`` console script (also for its Django-free commands: sim, analytics).
    """
    os.umask(PRIVATE_UMASK)
