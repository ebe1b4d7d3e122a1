"""Per-chapter explorer figures. Importing this package registers every explorer."""

from . import distances  # noqa: F401
