"""Run torch on one thread for the book's tiny models, without leaving a global change."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch


@contextlib.contextmanager
def single_thread() -> Iterator[None]:
    """Run torch on one intra-op thread inside the block, then restore the previous setting.

    The models in this book are so small that a second thread only adds synchronization, and
    one thread makes training runs bit-for-bit repeatable. Also usable as a decorator.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
