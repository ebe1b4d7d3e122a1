"""The package's progress bars, and the switch that leaves them out of the website."""

from __future__ import annotations

import pytest

from unsup.progress import bars_disabled, tqdm


@pytest.mark.parametrize("value, disabled", [("1", True), ("true", True), (" YES ", True),
                                             ("0", False), ("", False), ("no", False)])
def test_tqdm_disable_variable_is_read(monkeypatch, value, disabled):
    monkeypatch.setenv("TQDM_DISABLE", value)
    assert bars_disabled() is disabled


def test_bars_follow_the_caller_without_the_variable(monkeypatch):
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    assert not bars_disabled()
    with tqdm(range(3), disable=False) as bar:
        assert not bar.disable
    with tqdm(range(3), disable=True) as bar:
        assert bar.disable


def test_variable_overrides_an_explicit_request_for_a_bar(monkeypatch):
    monkeypatch.setenv("TQDM_DISABLE", "1")
    with tqdm(range(3), disable=False) as bar:
        assert bar.disable
        assert list(bar) == [0, 1, 2]
