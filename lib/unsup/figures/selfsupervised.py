"""Explorers of the chapter 'Self-supervised learning: representations, generation, scale'."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from matplotlib.figure import Figure

from ..interactive import Choice, explorer
from ..plotting import PALETTE, label, new_figure
from ..selfsupervised import features, label_budget_curve, train_contrastive
from ..sprites import digits

BUDGETS = (10, 50, 200, 1438)


@dataclass(frozen=True)
class LabelBudgetResult:
    """Contrastive training losses and test accuracies per label budget (rows) and draw."""

    losses: list
    probe: np.ndarray
    scratch: np.ndarray


@lru_cache(maxsize=1)
def label_budget_experiment(repeats: int = 3, progress: bool = False) -> LabelBudgetResult:
    """Train the contrastive encoder on the digits' training images (no labels), then probe it
    and train networks from scratch with 10, 50, 200 and all 1438 labels."""
    data = digits(binarize=False)
    model, losses = train_contrastive(data.train, epochs=40, seed=0, progress=progress)
    curve = label_budget_curve(features(model, data.train), data.train, data.train_labels,
                               features(model, data.test), data.test, data.test_labels,
                               BUDGETS, repeats=repeats, seed=0)
    return LabelBudgetResult(losses, curve["probe"], curve["scratch"])


@explorer(
    "label_budget",
    caption="Test accuracy on the digits of a linear probe on contrastive features and of the "
            "same network trained from scratch, against the number of labels; the chosen "
            "budget is marked and its accuracies are in the title.",
    labels=Choice(tuple(str(b) for b in BUDGETS), "10", label="number of labels"),
)
def label_budget(labels: str) -> Figure:
    result = label_budget_experiment()
    i = BUDGETS.index(int(labels))
    x = np.log10(BUDGETS)
    fig = new_figure()
    ax = fig.axes[0]
    for name, acc, colour in (("linear probe, contrastive features", result.probe, PALETTE[0]),
                              ("network from scratch", result.scratch, PALETTE[1])):
        ax.plot(x, acc.mean(1), "o-", color=colour, label=name)
        ax.plot(np.repeat(x, acc.shape[1]), acc.ravel(), ".", color=colour, alpha=0.5)
    ax.axvline(x[i], color="0.5", lw=0.8)
    ax.set_ylim(0, 1)
    label(ax, "log₁₀ number of labels", "test accuracy",
          f"{labels} labels: probe {result.probe[i].mean():.2f}, "
          f"scratch {result.scratch[i].mean():.2f}")
    ax.legend(loc="lower right")
    return fig
