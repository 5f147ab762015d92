"""The settings of the load benchmark's server (bench/load.py): the project's own, plus the bare view's URL.

Production code carries nothing for the benchmark: this module is only named by DJANGO_SETTINGS_MODULE in the
server bench/load.py starts. PAGE_CACHE=0/1 in the environment sets the PAGE_CACHE setting (the page cache,
common/page_cache.py, where the project has it); left unset, the project's default stands.
"""

import os

from qogam.settings import *  # noqa: F403
from qogam.settings import env_bool

ROOT_URLCONF = "bench.urls"

if os.environ.get("PAGE_CACHE", "").strip():
    PAGE_CACHE = env_bool("PAGE_CACHE")
if os.environ.get("PAGE_CACHE_VALUES", "").strip():
    PAGE_CACHE_VALUES = env_bool("PAGE_CACHE_VALUES")
