"""recruitment: to be written."""
