"""Multi-seed tests (a package, so their names may repeat the unit tests' names)."""
