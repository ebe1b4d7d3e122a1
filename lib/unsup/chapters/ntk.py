r"""The chapter 'Neural tangent kernels, one step at a time': its sampled experiments, per seed.

The toy models of the chapter (look-up table, lines, two bumps) are exact computations and
need no seeds. Two experiments draw random networks, and each is a function
``experiment(seed) -> dict[str, float]`` returning, for one seed, the measured quantity of
every claim the notebook checks on it. The notebook and the multi-seed test
(``tests/seeds/test_ntk.py``) call the same functions, so the claim table and the stored
spreads measure the same thing.

- :func:`wide_networks` -- one-hidden-layer ReLU networks in the NTK parametrization, of
  widths :data:`WIDTHS`, :data:`N_NETS` random initializations per width, each trained by
  full-batch gradient descent on twelve points of the unit circle: how the spread of the
  empirical kernel across initializations and its movement during training shrink with the
  width, the final losses, and the distance of the mean kernel of the widest networks to the
  arc-cosine limit;
- :func:`nngp_covariance` -- the covariance of the output over :data:`MC_NETS` random
  networks against the NNGP kernel.

Seed 0 is the run the chapter shows. The runs are cached, so the notebook's claims and
figures share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
from numpy.typing import NDArray

from ..dynamics import ntk
from ..seeds import torch_seeded

__all__ = [
    "LR",
    "MC_NETS",
    "MC_WIDTH",
    "N_NETS",
    "N_POINTS",
    "STEPS",
    "WIDTHS",
    "WideRuns",
    "circle_data",
    "kernel_spread",
    "loglog_slope",
    "net_seeds",
    "nngp_covariance",
    "nngp_outputs",
    "wide_network_runs",
    "wide_networks",
]

WIDTHS: tuple[int, ...] = (64, 256, 1024, 4096)
"""Hidden widths of the random ReLU networks."""

N_NETS = 8
"""Random initializations per width and per seed."""

N_POINTS = 12
"""Equally spaced training points on the unit circle."""

LR, STEPS = 1.0, 100
"""Learning rate and number of full-batch gradient-descent steps."""

MC_NETS, MC_WIDTH = 20_000, 64
"""Random networks (and their width) over which the output covariance is averaged."""


def circle_data(n: int = N_POINTS) -> tuple[NDArray[np.float64], torch.Tensor, torch.Tensor]:
    r"""``n`` equally spaced angles :math:`\alpha_i`, the points
    :math:`(\cos\alpha_i, \sin\alpha_i)` (float64 tensor, shape (n, 2)) and the targets
    :math:`\cos 2\alpha_i + \tfrac12 \sin\alpha_i`."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    x = torch.tensor(np.stack([np.cos(angles), np.sin(angles)], 1))
    a = torch.tensor(angles)
    return angles, x, torch.cos(2 * a) + 0.5 * torch.sin(a)


def net_seeds(seed: int) -> range:
    """The initialization seeds of one experiment seed: ``N_NETS`` consecutive integers, so
    that different experiment seeds draw disjoint networks (seed 0 uses 0, ..., 7)."""
    if seed < 0:
        raise ValueError(f"seed must be >= 0, got {seed}")
    return range(N_NETS * seed, N_NETS * (seed + 1))


def kernel_spread(kernels: NDArray[np.float64]) -> float:
    """Spread of a stack of kernel matrices (shape (n, p, p)) across its first axis: the
    sample standard deviation of each entry, averaged over entries, divided by the average
    absolute size of the mean kernel's entries."""
    kernels = np.asarray(kernels, float)
    if kernels.ndim != 3 or kernels.shape[0] < 2:
        raise ValueError(f"kernels must have shape (n >= 2, p, p), got {kernels.shape}")
    return float(kernels.std(0, ddof=1).mean() / np.abs(kernels.mean(0)).mean())


def loglog_slope(x: NDArray[np.float64], y: NDArray[np.float64]) -> float:
    """Least-squares slope of log y against log x."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape or x.size < 2 or (x <= 0).any() or (y <= 0).any():
        raise ValueError("x and y must be positive arrays of the same shape, of size >= 2")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


@dataclass(frozen=True)
class WideRuns:
    """The networks of one experiment seed, summarized per width (arrays follow ``widths``)."""

    widths: NDArray[np.int64]
    spread: NDArray[np.float64]
    """:func:`kernel_spread` of the empirical NTKs at initialization."""
    moved: NDArray[np.float64]
    r"""Mean over networks of :math:`\lVert\Theta_T - \Theta_0\rVert_F/\lVert\Theta_0\rVert_F`."""
    final_loss: NDArray[np.float64]
    """Mean over networks of the loss after the last step."""
    mean_kernel: NDArray[np.float64]
    """Mean empirical NTK at initialization of the widest networks, shape (12, 12)."""


@cache
def wide_network_runs(seed: int = 0) -> WideRuns:
    """Draw :data:`N_NETS` networks per width (initialization seeds :func:`net_seeds`),
    measure each one's empirical NTK, train it for :data:`STEPS` steps of full-batch gradient
    descent with rate :data:`LR` and measure its NTK again. Every network is drawn and
    trained inside :func:`unsup.seeds.torch_seeded`, so the result is repeatable bit for bit
    on one machine. Cached per seed."""
    _, x, y = circle_data()
    spread, moved, final_loss = [], [], []
    k0s = np.empty(0)
    for width in WIDTHS:
        k0_list, shifts, losses = [], [], []
        for s in net_seeds(seed):
            with torch_seeded(s):
                net = ntk.ReLUNet(2, width, seed=s)
                k0 = ntk.empirical_ntk(net, x)
                losses.append(ntk.train_full_batch(net, x, y, lr=LR, steps=STEPS)[-1])
                kt = ntk.empirical_ntk(net, x)
            k0_list.append(k0.numpy())
            shifts.append((torch.linalg.norm(kt - k0) / torch.linalg.norm(k0)).item())
        k0s = np.array(k0_list)
        spread.append(kernel_spread(k0s))
        moved.append(float(np.mean(shifts)))
        final_loss.append(float(np.mean(losses)))
    return WideRuns(np.array(WIDTHS), np.array(spread), np.array(moved), np.array(final_loss),
                    k0s.mean(0))


def wide_networks(seed: int) -> dict[str, float]:
    """The claims of the wide-network experiment for one seed:

    - ``spread_largest_step``: the largest change of the kernel's spread from one width to the
      next (negative when it falls at every step);
    - ``spread_slope``: log-log slope of the spread against the width (theory: -1/2);
    - ``moved_largest_step``: the largest change of the kernel's movement during training from
      one width to the next;
    - ``moved_slope``: log-log slope of that movement against the width;
    - ``largest_final_loss``: the largest, over widths, of the mean final training loss;
    - ``limit_error``: relative Frobenius distance of the widest networks' mean kernel to the
      arc-cosine NTK :func:`unsup.dynamics.ntk.relu_ntk`;
    - ``ntk_max_deviation``: the largest entry of the absolute difference between them.
    """
    runs = wide_network_runs(seed)
    _, x, _ = circle_data()
    limit = ntk.relu_ntk(x.numpy(), x.numpy())
    return {
        "spread_largest_step": float(np.diff(runs.spread).max()),
        "spread_slope": loglog_slope(runs.widths, runs.spread),
        "moved_largest_step": float(np.diff(runs.moved).max()),
        "moved_slope": loglog_slope(runs.widths, runs.moved),
        "largest_final_loss": float(runs.final_loss.max()),
        "limit_error": float(np.linalg.norm(runs.mean_kernel - limit) / np.linalg.norm(limit)),
        "ntk_max_deviation": float(np.abs(runs.mean_kernel - limit).max()),
    }


@cache
def nngp_outputs(seed: int = 0) -> NDArray[np.float64]:
    """Outputs at the twelve circle points of :data:`MC_NETS` random networks of width
    :data:`MC_WIDTH` (:func:`unsup.dynamics.ntk.relu_outputs_at_init` with numpy seed
    ``seed``), shape (MC_NETS, 12). Cached per seed; read-only."""
    _, x, _ = circle_data()
    out = ntk.relu_outputs_at_init(x.numpy(), width=MC_WIDTH, n_nets=MC_NETS, seed=seed)
    out.setflags(write=False)
    return out


def nngp_covariance(seed: int) -> dict[str, float]:
    r"""The claim of the Monte Carlo experiment for one seed: ``cov_max_deviation``, the
    largest entry of :math:`|\hat C - \Sigma|`, where :math:`\hat C = \frac1N \sum f f^\top`
    is the second moment of the outputs over the random networks (their mean is zero) and
    :math:`\Sigma` the NNGP kernel :func:`unsup.dynamics.ntk.relu_nngp`."""
    out = nngp_outputs(seed)
    _, x, _ = circle_data()
    sigma = ntk.relu_nngp(x.numpy(), x.numpy())
    return {"cov_max_deviation": float(np.abs(out.T @ out / out.shape[0] - sigma).max())}
