"""Settings, secrets, paths and logging. No Qt."""
