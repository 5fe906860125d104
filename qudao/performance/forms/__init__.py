"""Forms of the performance pages, one module per feature: input parsing only — the services
check the rules, so that the pages and the API give the same messages."""
