"""Access to the project settings (`settings.py`) outside Scrapy, as a Scrapy `Settings` object."""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from scrapy.settings import Settings


def load_settings(overrides: dict | None = None) -> Settings:
    """The project settings, freshly read (environment changes are seen), with optional overrides."""
    import importlib

    import settings as settings_module

    importlib.reload(settings_module)
    result = Settings()
    result.setmodule(settings_module, priority="project")
    if overrides:
        result.setdict(overrides, priority="cmdline")
    return result


@lru_cache(maxsize=1)
def project_settings() -> Settings:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")
    return load_settings()


def pantau_home(settings: Settings | None = None) -> Path:
    path = Path((settings or load_settings()).get("PANTAU_HOME"))
    path.mkdir(parents=True, exist_ok=True)
    return path
