"""Shared test configuration: a headless matplotlib backend and a hypothesis profile."""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg", force=True)

from hypothesis import settings  # noqa: E402

# CI machines are slow and vary in speed: no per-example deadline, default example count.
settings.register_profile("ci", deadline=None)
settings.load_profile("ci")
