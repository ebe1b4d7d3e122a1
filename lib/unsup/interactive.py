"""Interactive explorers: pure figure functions with registered slider ranges.

An explorer is a pure function of its control values that returns one
matplotlib figure. Registering it with :func:`explorer` records the range and
default of every control, which lets

- :func:`explore` build the ipywidgets UI around it (live in JupyterLab, Binder
  and Thebe; on the static website the default figure is shown as an image),
- the tests sweep every control to its minimum, maximum and default,
- the benchmark time each update.
"""

from __future__ import annotations

import base64
import gc
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .plotting import render_png


@dataclass(frozen=True)
class Slider:
    """A numeric control: ``default`` within ``[low, high]``, moved in steps of ``step``."""

    default: float
    low: float
    high: float
    step: float
    label: str | None = None
    integer: bool = False

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError(f"Slider low must be < high, got low={self.low}, high={self.high}")
        if not self.low <= self.default <= self.high:
            raise ValueError(f"Slider default {self.default} is outside [{self.low}, {self.high}]")
        if not self.step > 0:
            raise ValueError(f"Slider step must be > 0, got {self.step}")

    def sweep(self, n_random: int, rng: np.random.Generator) -> list[float]:
        """Minimum, maximum, default and ``n_random`` points in between."""
        points = [self.low, self.high, self.default, *rng.uniform(self.low, self.high, n_random)]
        return [int(round(v)) for v in points] if self.integer else [float(v) for v in points]

    def validate(self, name: str, value: Any) -> None:
        if not self.low <= value <= self.high:
            raise ValueError(f"{name} must lie in [{self.low}, {self.high}], got {value}")


@dataclass(frozen=True)
class Choice:
    """A control that picks one of a few named options."""

    options: tuple[str, ...]
    default: str
    label: str | None = None

    def __post_init__(self) -> None:
        if self.default not in self.options:
            raise ValueError(f"Choice default {self.default!r} is not one of {self.options}")

    def sweep(self, n_random: int, rng: np.random.Generator) -> list[str]:
        return list(self.options)

    def validate(self, name: str, value: Any) -> None:
        if value not in self.options:
            raise ValueError(f"{name} must be one of {self.options}, got {value!r}")


Control = Slider | Choice


@dataclass(frozen=True)
class Explorer:
    """A registered explorer: its figure function, its controls and its caption."""

    name: str
    draw: Callable[..., Figure]
    controls: dict[str, Control]
    caption: str = ""

    def defaults(self) -> dict[str, Any]:
        return {name: control.default for name, control in self.controls.items()}

    def figure(self, **values: Any) -> Figure:
        """The figure at the given control values (defaults for those not given)."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"{self.name} has no control named {sorted(unknown)}")
        merged = self.defaults() | values
        for name, value in merged.items():
            self.controls[name].validate(name, value)
        return self.draw(**merged)

    def render(self, **values: Any) -> bytes:
        """One slider update: draw the figure and render it to PNG bytes.

        Each figure is a web of reference cycles; collecting the young generations
        right away keeps the cycles from piling up into a slow full collection
        (which otherwise adds 100-150 ms to one update in ten).
        """
        png = render_png(self.figure(**values))
        gc.collect(1)
        return png

    def sweep_points(self, n_random: int = 3, seed: int = 0) -> list[dict[str, Any]]:
        """Each control at its extremes, default and random values, the others at default."""
        rng = np.random.default_rng(seed)
        points = [self.defaults()]
        for name, control in self.controls.items():
            points += [self.defaults() | {name: v} for v in control.sweep(n_random, rng)]
        return points


REGISTRY: dict[str, Explorer] = {}


def explorer(name: str, caption: str = "", **controls: Control) -> Callable:
    """Register a figure function as an explorer; the function itself is returned unchanged."""

    def register(draw: Callable[..., Figure]) -> Callable[..., Figure]:
        params = set(inspect.signature(draw).parameters)
        if params != set(controls):
            raise ValueError(
                f"explorer {name!r}: controls {sorted(controls)} must match the parameters "
                f"of {draw.__name__} {sorted(params)}"
            )
        if name in REGISTRY and REGISTRY[name].draw.__qualname__ != draw.__qualname__:
            raise ValueError(f"an explorer named {name!r} is already registered")
        REGISTRY[name] = Explorer(name, draw, dict(controls), caption)
        return draw

    return register


def get_explorer(name: str) -> Explorer:
    """Look up a registered explorer by name."""
    _load_all()
    if name not in REGISTRY:
        raise KeyError(f"no explorer named {name!r}; registered: {sorted(REGISTRY)}")
    return REGISTRY[name]


def all_explorers() -> list[Explorer]:
    """Every registered explorer (importing every figure module first)."""
    _load_all()
    return list(REGISTRY.values())


def _load_all() -> None:
    from . import figures  # noqa: F401  (registers the explorers of every chapter)


def _widget_for(name: str, control: Control) -> widgets.Widget:
    description = control.label or name
    style = {"description_width": "initial"}
    layout = widgets.Layout(width="420px")
    if isinstance(control, Choice):
        return widgets.ToggleButtons(options=list(control.options), value=control.default,
                                     description=description, style=style)
    cls = widgets.IntSlider if control.integer else widgets.FloatSlider
    return cls(value=control.default, min=control.low, max=control.high, step=control.step,
               description=description, continuous_update=False, style=style, layout=layout,
               readout_format="d" if control.integer else ".3g")


def explore(name: str) -> "ExplorerBox":
    """Build the slider UI around a registered explorer and return it for display.

    The returned widget also carries the default figure as a PNG, which renderers
    without a live kernel (the static website) show instead of the sliders.
    """
    exp = get_explorer(name)
    controls = {n: _widget_for(n, c) for n, c in exp.controls.items()}
    image = widgets.Image(value=exp.render(), format="png")

    def update(change: Any = None) -> None:
        image.value = exp.render(**{n: w.value for n, w in controls.items()})

    for control in controls.values():
        control.observe(update, names="value")
    return ExplorerBox([widgets.VBox(list(controls.values())), image],
                       static_png=image.value, caption=exp.caption)


class ExplorerBox(widgets.VBox):
    """A VBox whose display data also holds a static PNG of the default figure.

    Live frontends (JupyterLab, Binder, Thebe) render the widget; the book build
    is configured to prefer the PNG, so the static website shows the figure.
    """

    def __init__(self, children: Sequence, static_png: bytes, caption: str) -> None:
        super().__init__(children)
        self._static_png = static_png
        self._caption = caption

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["image/png"] = base64.b64encode(self._static_png).decode("ascii")
        data["text/plain"] = f"<explorer: {self._caption or 'interactive figure'}>"
        return data
