"""Settings that cannot work together stop the start with one line naming the setting."""

from __future__ import annotations

import pytest

from bpp.platform.settings import ConfigError, load_settings


def test_search_answers_by_dispatchers_need_a_redis_every_process_reaches() -> None:
    with pytest.raises(ConfigError, match=r"^setting search_answers \(SEVAMITRA_SEARCH_ANSWERS\): .*memory://"):
        load_settings(search_answers="dispatcher", redis_url="memory://")

    assert load_settings(search_answers="dispatcher", redis_url="redis://127.0.0.1:6379/0").search_answers == \
        "dispatcher"
