"""Pages of the core app, one module per feature (the same names as `core/services/`)."""
