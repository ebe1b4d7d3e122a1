"""The book's one plotting style: sizes, fonts, colours and labelled axes."""

from __future__ import annotations

import io

import matplotlib as mpl
from matplotlib.figure import Figure

#: Colour cycle shared by every figure (colour-blind safe, Okabe-Ito order).
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

BOOK_STYLE = {
    "figure.figsize": (7.0, 3.2),
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "savefig.bbox": "standard",  # constrained layout already fits the labels; "tight" draws twice
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 1.8,
    "axes.prop_cycle": mpl.cycler(color=PALETTE),
    "figure.constrained_layout.use": True,
}


def use_book_style() -> None:
    """Apply the book style to matplotlib's global settings (idempotent)."""
    mpl.rcParams.update(BOOK_STYLE)


def new_figure(ncols: int = 1, nrows: int = 1, width: float = 7.0, height: float = 3.2) -> Figure:
    """A fresh figure in the book style, not registered with pyplot (no global state).

    Explorers use this so that every update builds an independent figure that is
    garbage-collected once rendered. The margins are fixed rather than computed by
    constrained layout, which would cost a third of each slider update.
    """
    if ncols < 1 or nrows < 1:
        raise ValueError(f"ncols and nrows must be >= 1, got ncols={ncols}, nrows={nrows}")
    use_book_style()
    fig = Figure(figsize=(width, height), layout="none")
    fig.subplots(nrows, ncols, squeeze=False)
    fig.subplots_adjust(left=0.7 / width, right=1 - 0.15 / width, bottom=0.5 / height,
                        top=1 - 0.35 / height, wspace=0.3, hspace=0.45)
    return fig


def label(ax, xlabel: str, ylabel: str, title: str | None = None) -> None:
    """Label both axes (and optionally the title): every book figure has labelled axes."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)


def render_png(fig: Figure, dpi: int = 100) -> bytes:
    """Render a figure to PNG bytes (what the explorers and the static website show)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
