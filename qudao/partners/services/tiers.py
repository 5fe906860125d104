"""tiers: to be written."""
