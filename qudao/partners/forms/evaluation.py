"""evaluation: to be written."""
