"""WSGI entry point (``gunicorn weijian.project.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weijian.project.settings")
application = get_wsgi_application()

from weijian.core import audit_sealer  # noqa: E402  (needs the settings loaded above)

audit_sealer.start()  # a server seals the audit and access chains in a background thread, off the request path
