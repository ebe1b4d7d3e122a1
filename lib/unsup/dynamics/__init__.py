"""Learning dynamics: how gradient descent moves functions and parameters.

- :mod:`unsup.dynamics.ntk` -- neural tangent kernels: finite-step and infinitesimal,
  1-D toy models, empirical NTK of any torch model, closed forms for a ReLU layer
- :mod:`unsup.dynamics.flows` -- gradient flows and the modified losses of gradient descent
  and SGD (backward error analysis)
- :mod:`unsup.dynamics.hypergrad` -- hypergradients: implicit function theorem, inverse-Hessian-
  vector products (exact, CG, Neumann), unrolled differentiation, dataset distillation
- :mod:`unsup.dynamics.scale` -- scale-invariant losses and the exponential learning-rate
  schedule equivalent to weight decay
"""
