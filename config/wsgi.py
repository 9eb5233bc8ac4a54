"""WSGI entry point, e.g. `gunicorn -c config/gunicorn.conf.py config.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()

from config.warmup import warm_up  # noqa: E402  (needs the settings that get_wsgi_application set up)

warm_up()
