"""Forms of the partners app, one module per part of the lifecycle."""
