"""archive: to be written."""
