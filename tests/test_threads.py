"""Training for explorers runs on one torch thread and leaves the global setting alone."""

from __future__ import annotations

import torch

from unsup._threads import single_thread
from unsup.figures.vae import digits_vae


def test_single_thread_inside_and_restored_after():
    before = torch.get_num_threads()
    with single_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_single_thread_restores_after_an_error():
    before = torch.get_num_threads()
    try:
        with single_thread():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert torch.get_num_threads() == before


def test_training_an_explorer_model_leaves_the_thread_count_alone():
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        digits_vae(latent_dim=2, hidden=(8,), epochs=1)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
