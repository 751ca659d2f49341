"""Worker processes: the manager, the loaders, and what workers share."""
