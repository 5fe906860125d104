"""Forms of the projects app's pages, one module per feature (the same names as services/,
selectors/, views/ and api/).

The forms parse input only: ranges, permissions, states, cross-field rules and the version
check are the services' (pages and API give the same messages), so most fields are optional here
and the service says what is missing."""
