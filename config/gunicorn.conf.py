"""gunicorn settings for Platsa: `gunicorn -c config/gunicorn.conf.py config.wsgi`.

Command-line flags override these (`--workers`, `--bind`, `--certfile`, ...); so does `GUNICORN_CMD_ARGS`.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
# Load the app once in the master and fork the workers from it: config.wsgi's warm-up (URLconf, views,
# translations, templates) and the matching arrays below are then done once, not once per worker, and
# the first requests each worker serves are not its slowest.
preload_app = True


def when_ready(server):
    """In the master, before the workers fork: load the matching arrays (placements.matching) the
    workers would each build on their first *find candidates*, then close the database connection so
    that no worker inherits it."""
    if not server.cfg.preload_app:
        return  # the app (and Django) is loaded in each worker, not here
    from django.db import DatabaseError, connections

    from placements.matching.features import load_features

    try:
        load_features()
    except DatabaseError as error:
        # Not fatal: each worker loads them on first use. The app must start while the database is down.
        server.log.warning("Matching arrays not preloaded, the database did not answer: %s", type(error).__name__)
    finally:
        connections.close_all()
