"""The partners app's API routers; qudao/api.py mounts them under /api/v1/."""
