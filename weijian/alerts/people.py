"""People as the pages show them (the one function lives in :mod:`weijian.core.people`)."""

from weijian.core.people import person_name

__all__ = ["person_name"]
