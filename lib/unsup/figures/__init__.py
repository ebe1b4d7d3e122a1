"""Per-chapter explorer figures. Importing this package registers every explorer."""

from . import distances  # noqa: F401
from . import bounds  # noqa: F401
from . import gibbs  # noqa: F401
from . import causal  # noqa: F401
from . import compression  # noqa: F401
from . import vae  # noqa: F401
from . import betavae  # noqa: F401
from . import ntk  # noqa: F401
from . import implicit_regularization  # noqa: F401
from . import implicit_differentiation  # noqa: F401
from . import exponential_learning_rates  # noqa: F401
from . import simplicity  # noqa: F401
from . import selfsupervised  # noqa: F401
from . import sequences  # noqa: F401
from . import search  # noqa: F401
from . import learners  # noqa: F401
from . import generalization  # noqa: F401
