"""agreements: to be written."""
