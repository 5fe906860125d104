"""Pages of the projects app, one module per feature (the same names as services/, selectors/,
forms/ and api/), each with its `urlpatterns` (qudao/projects/urls.py includes them). `base`
holds what the project pages share and `tabs` the project frame's tabs."""
