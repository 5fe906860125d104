"""credit: to be written."""
