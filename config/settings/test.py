"""Test settings: fast hasher, in-memory e-mail and SMS, eager Celery unless a test opts into the broker."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-insecure-key")

from .base import *  # noqa: F403
from .base import CELERY_BROKER_URL, THROTTLE_DATABASE_CACHE

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "sms.backends.locmem.SmsBackend"
# Tasks run in-process in tests; the broker (when REDIS_URL is set) is still configured,
# so tests marked `broker` exercise it for real.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = CELERY_BROKER_URL or "memory://"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the finders; tests never run collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Each test starts from an empty cache of its own; Redis is exercised by tests marked `services`.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}, "throttle": THROTTLE_DATABASE_CACHE}
# The API ceiling counts in memory here, so the query budgets measure the pages and the API alone;
# api/tests/test_throttling.py runs it on the database cache (`throttle`), as without Redis.
API_THROTTLE_CACHE = "default"
# Sessions in the database whether or not REDIS_URL is set (CI sets it), so the query budgets count the same.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The suite runs in one process: every ranking goes through the kept need arrays, as with Redis.
MATCHING_KEEP_NEED_ARRAYS = True
