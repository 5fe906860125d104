"""imports: to be written."""
