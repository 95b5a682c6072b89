"""The server of ``scale.py --http``: production's settings, plus two hello-world views that
measure the floor of the same server (``scale_urls``)."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "scale_urls"
STATIC_ROOT = env.path("BENCH_STATIC_ROOT")  # noqa: F405 - collectstatic of this run
