"""Progress bars for training loops, which the static website leaves out.

Every training loop in the package shows a ``tqdm`` bar when called with
``progress=True``. On the website the notebooks were executed once at build time, and
a bar saved in a page is frozen at its first frame ("0%"), which reads as a stall. The
book build therefore sets ``TQDM_DISABLE=1``, and :func:`tqdm` here honours it always.
tqdm alone does not: its notebook bar (what ``tqdm.auto`` gives in Jupyter) and any bar
created with an explicit ``disable=`` ignore the variable. So the package's training loops
and the chapters' own loops import ``tqdm`` from this module.
"""

from __future__ import annotations

import os
from typing import Any

from tqdm.auto import tqdm as _tqdm

_TRUE = {"1", "true", "yes", "on"}


def bars_disabled() -> bool:
    """True when the environment asks for no progress bars (``TQDM_DISABLE=1``)."""
    return os.environ.get("TQDM_DISABLE", "").strip().lower() in _TRUE


def tqdm(*args: Any, **kwargs: Any) -> _tqdm:
    """``tqdm.auto.tqdm`` that is always disabled when :func:`bars_disabled`."""
    if bars_disabled():
        kwargs["disable"] = True
    return _tqdm(*args, **kwargs)
