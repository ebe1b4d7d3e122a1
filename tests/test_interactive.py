"""Explorers: the sweep over every registered control, the widget UI and the registry."""

from __future__ import annotations

import base64
import warnings

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure

from unsup import interactive
from unsup.interactive import (
    Choice,
    Explorer,
    Slider,
    all_explorers,
    explore,
    explorer,
    get_explorer,
)
from unsup.plotting import render_png

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def figure_data(fig: Figure) -> list[np.ndarray]:
    """Every plotted array of ``fig``: lines, scatter offsets, filled paths, segments, images."""
    arrays: list[np.ndarray] = []
    for ax in fig.axes:
        arrays += [np.asarray(line.get_xydata(), float) for line in ax.get_lines()]
        for coll in ax.collections:
            if isinstance(coll, PathCollection):
                arrays.append(np.asarray(coll.get_offsets(), float))
            elif isinstance(coll, LineCollection):
                arrays += [np.asarray(seg, float) for seg in coll.get_segments()]
            else:  # PolyCollection (fill_between) and any other path-based collection
                arrays += [np.asarray(path.vertices, float) for path in coll.get_paths()]
        arrays += [np.ma.getdata(image.get_array()).astype(float) for image in ax.get_images()]
    return arrays


def _sweep_cases() -> list:
    cases = []
    for exp in all_explorers():
        for i, point in enumerate(exp.sweep_points()):
            point_id = ",".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}"
                                for k, v in point.items())
            cases.append(pytest.param(exp.name, point, id=f"{exp.name}[{i}]-{point_id}"))
    return cases


SWEEP = _sweep_cases()


def test_there_are_explorers_to_sweep():
    names = {e.name for e in all_explorers()}
    assert {"gaussian_shift_scale", "kde_bandwidth", "pareto_lambda"} <= names
    assert len(SWEEP) >= 3 * len(all_explorers())


@pytest.mark.parametrize("name, point", SWEEP)
def test_explorer_sweep(name, point):
    """THE EXPLORER SWEEP: every control at min, max, default and random values draws a
    figure whose plotted data are finite and whose axes are all labelled, and which
    renders without a warning (missing glyphs, layout failures)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = get_explorer(name).figure(**point)
        assert render_png(fig, dpi=20).startswith(PNG_MAGIC)
    assert isinstance(fig, Figure)
    assert fig.axes, "the figure has no axes"
    arrays = figure_data(fig)
    assert any(a.size > 0 for a in arrays), "the figure plots no data"
    for k, array in enumerate(arrays):
        assert np.isfinite(array).all(), f"plotted array {k} has non-finite values"
    for ax in fig.axes:
        assert ax.get_xlabel().strip(), f"an axis of {name} has no x label"
        assert ax.get_ylabel().strip(), f"an axis of {name} has no y label"


def test_figure_data_collects_every_kind_of_artist():
    fig = Figure()
    ax = fig.subplots()
    ax.plot([0, 1], [0, np.nan])
    ax.scatter([1, 2], [3, 4])
    ax.fill_between([0, 1], [0, 1])
    ax.vlines([0.5], 0, 1)
    ax.imshow(np.array([[0.0, np.inf]]))
    arrays = figure_data(fig)
    assert len(arrays) >= 5
    assert sum(not np.isfinite(a).all() for a in arrays) == 2  # the NaN line and the inf image


def test_sweep_points_cover_extremes_and_defaults():
    exp = get_explorer("pareto_lambda")
    points = exp.sweep_points(n_random=3, seed=0)
    lams = [p["log10_lambda"] for p in points]
    assert {-2.0, 2.0, 0.0} <= set(lams)
    assert {p["example"] for p in points} == {"convex", "dented"}
    assert points[0] == exp.defaults()
    assert all(set(p) == set(exp.controls) for p in points)
    # 1 + (3 + 3 random) for the slider + 2 options for the choice
    assert len(points) == 1 + 6 + 2
    assert points == exp.sweep_points(n_random=3, seed=0)  # seeded


def test_integer_slider_sweep_is_integer():
    values = Slider(5, 1, 10, 1, integer=True).sweep(4, np.random.default_rng(1))
    assert values[:3] == [1, 10, 5]
    assert all(isinstance(v, int) and 1 <= v <= 10 for v in values) and len(values) == 7


# --- the widget ---------------------------------------------------------------------------


def _controls_and_image(box) -> tuple[list[widgets.Widget], widgets.Image]:
    controls_box, image = box.children
    assert isinstance(image, widgets.Image)
    return list(controls_box.children), image


def test_explore_mimebundle_has_png_and_widget_view():
    box = explore("kde_bandwidth")
    bundle = box._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    assert bundle[WIDGET_VIEW]["model_id"] == box.model_id
    png = base64.b64decode(bundle["image/png"], validate=True)
    assert png.startswith(PNG_MAGIC) and len(png) > 1000
    assert bundle["text/plain"].startswith("<explorer: A kernel density estimate")
    _, image = _controls_and_image(box)
    assert image.value == png  # the static PNG is the default figure


def test_moving_a_slider_redraws_the_image():
    box = explore("kde_bandwidth")
    (slider,), image = _controls_and_image(box)
    assert isinstance(slider, widgets.FloatSlider)
    assert (slider.min, slider.max, slider.value) == (-3.0, 0.45, -0.6)
    before = bytes(image.value)
    slider.value = -2.5
    after = bytes(image.value)
    assert after.startswith(PNG_MAGIC) and after != before
    # The static PNG for renderers without a kernel stays the default figure.
    assert base64.b64decode(box._repr_mimebundle_()["image/png"]) == before


def test_choice_control_is_toggle_buttons_and_redraws():
    box = explore("pareto_lambda")
    controls, image = _controls_and_image(box)
    toggle = next(c for c in controls if isinstance(c, widgets.ToggleButtons))
    assert tuple(toggle.options) == ("convex", "dented") and toggle.value == "dented"
    before = bytes(image.value)
    toggle.value = "convex"
    assert bytes(image.value) != before


def test_explore_unknown_name_raises():
    with pytest.raises(KeyError, match="no explorer named 'nope'"):
        explore("nope")


# --- controls -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        ((0.5, 1.0, 1.0, 0.1), "low must be < high"),
        ((0.5, 2.0, 1.0, 0.1), "low must be < high"),
        ((5.0, 0.0, 1.0, 0.1), r"default 5.0 is outside \[0.0, 1.0\]"),
        ((-0.1, 0.0, 1.0, 0.1), "is outside"),
        ((0.5, 0.0, 1.0, 0.0), "step must be > 0"),
        ((0.5, 0.0, 1.0, -0.1), "step must be > 0"),
        ((0.5, 0.0, 1.0, float("nan")), "step must be > 0"),
    ],
)
def test_slider_validation(args, message):
    with pytest.raises(ValueError, match=message):
        Slider(*args)


def test_choice_validation():
    with pytest.raises(ValueError, match=r"default 'c' is not one of \('a', 'b'\)"):
        Choice(("a", "b"), "c")
    assert Choice(("a", "b"), "b").sweep(3, np.random.default_rng(0)) == ["a", "b"]


def test_figure_rejects_unknown_control():
    with pytest.raises(ValueError, match=r"kde_bandwidth has no control named \['bandwidth'\]"):
        get_explorer("kde_bandwidth").figure(bandwidth=0.1)


@pytest.mark.parametrize("value", [-3.01, 0.46, 10.0])
def test_figure_rejects_out_of_range_slider(value):
    with pytest.raises(ValueError, match=r"log10_bandwidth must lie in \[-3.0, 0.45\]"):
        get_explorer("kde_bandwidth").figure(log10_bandwidth=value)


def test_figure_rejects_unknown_choice():
    with pytest.raises(ValueError, match=r"example must be one of"):
        get_explorer("pareto_lambda").figure(example="concave")


# --- the registry -------------------------------------------------------------------------


def test_register_mismatched_parameters_raises():
    before = dict(interactive.REGISTRY)

    def draw(a, b):  # pragma: no cover - never called
        raise AssertionError

    message = r"controls \['a'\] must match the parameters of draw \['a', 'b'\]"
    with pytest.raises(ValueError, match=message):
        explorer("test_mismatch", a=Slider(0, -1, 1, 0.1))(draw)
    with pytest.raises(ValueError, match="must match the parameters"):
        explorer("test_mismatch", a=Slider(0, -1, 1, 0.1), b=Slider(0, -1, 1, 0.1),
                 c=Slider(0, -1, 1, 0.1))(draw)
    assert interactive.REGISTRY == before


def test_register_duplicate_name_raises():
    def other(shift, scale):  # pragma: no cover - never called
        raise AssertionError

    before = dict(interactive.REGISTRY)
    with pytest.raises(ValueError, match="already registered"):
        explorer("gaussian_shift_scale", shift=Slider(0, -1, 1, 0.1),
                 scale=Slider(1, 0.5, 2, 0.1))(other)
    assert interactive.REGISTRY == before


def test_register_and_draw_a_new_explorer(monkeypatch):
    monkeypatch.setattr(interactive, "REGISTRY", dict(interactive.REGISTRY))

    def line(slope, kind):
        fig = Figure()
        ax = fig.subplots()
        ax.plot([0, 1], [0, slope], label=kind)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        return fig

    returned = explorer("test_line", caption="a line", slope=Slider(1.0, 0.0, 2.0, 0.1),
                        kind=Choice(("a", "b"), "a"))(line)
    assert returned is line  # the function is returned unchanged
    exp = get_explorer("test_line")
    assert isinstance(exp, Explorer) and exp.caption == "a line"
    assert exp.defaults() == {"slope": 1.0, "kind": "a"}
    fig = exp.figure(slope=2.0)
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_xydata(), [[0, 0], [1, 2]])
    assert fig.axes[0].get_lines()[0].get_label() == "a"


def test_get_explorer_unknown_lists_names():
    with pytest.raises(KeyError) as info:
        get_explorer("no_such_explorer")
    message = info.value.args[0]
    assert "no_such_explorer" in message
    for exp in all_explorers():
        assert exp.name in message
