"""WSGI entry point (``gunicorn weijian.project.wsgi``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weijian.project.settings")
application = get_wsgi_application()
