"""The sprites and digits data sets."""

from __future__ import annotations

import numpy as np
import pytest

from unsup.sprites import SCALES, SHAPES, digits, draw_sprite, sprite_mask, sprites


def test_full_grid_has_every_factor_combination_once():
    data = sprites(size=14)
    assert data.images.shape == (3 * 3 * 8 * 8, 196)
    assert data.factor_sizes == (3, 3, 8, 8)
    assert len({tuple(f) for f in data.factors}) == len(data.factors)
    assert len({img.tobytes() for img in data.images}) == len(data.images)  # all images differ
    assert set(np.unique(data.images)) == {0.0, 1.0}


def test_factors_control_what_is_drawn():
    canvas = draw_sprite(shape=0, scale=2, x=3, y=1, size=14)
    rows, cols = np.nonzero(canvas)
    assert (rows.min(), cols.min(), rows.max(), cols.max()) == (1, 3, 7, 9)
    assert canvas.sum() == SCALES[2] ** 2
    small = draw_sprite(shape=0, scale=0, x=3, y=1, size=14)
    assert np.nonzero(small)[0].mean() == rows.mean()  # scaling keeps the centre
    assert sprite_mask("ring", 5).sum() == 16 and sprite_mask("plus", 5).sum() == 9


def test_random_draws_are_seeded():
    a, b, c = sprites(n=50, seed=1), sprites(n=50, seed=1), sprites(n=50, seed=2)
    assert np.array_equal(a.images, b.images) and not np.array_equal(a.factors, c.factors)


def test_digits_split_and_binarization():
    d = digits(binarize=True, seed=0)
    assert d.train.shape[1] == d.test.shape[1] == 64
    assert len(d.train) + len(d.test) == 1797 and len(d.test) == 359
    assert set(np.unique(d.train)) == {0.0, 1.0}
    grey = digits(binarize=False)
    assert 0 <= grey.train.min() and grey.train.max() <= 1 and len(np.unique(grey.train)) == 17
    assert np.array_equal(digits(seed=0).test, d.test)


@pytest.mark.parametrize("call, message", [
    (lambda: sprite_mask("star", 3), r"shape must be one of \('square', 'ring', 'plus'\)"),
    (lambda: sprite_mask("square", 4), "scale must be an odd integer >= 1, got 4"),
    (lambda: draw_sprite(0, 0, 9, 0, 14), r"x and y must lie in \[0, 7\] for size 14"),
    (lambda: sprites(size=5), "size must be >= 8, got 5"),
    (lambda: sprites(n=0), r"n must be >= 1 \(or None for the full grid\), got 0"),
    (lambda: digits(test_fraction=1.0), r"test_fraction must lie in \(0, 1\), got 1.0"),
])
def test_validation(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_shape_names():
    assert SHAPES == ("square", "ring", "plus")
