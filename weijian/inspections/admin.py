"""Back-office of the inspections app: the planning admins live in ``planning/admin.py``."""

from weijian.inspections.planning import admin as planning_admin  # noqa: F401
