"""Writes of the core app, one module per concern; views, API, commands and tests call these."""
