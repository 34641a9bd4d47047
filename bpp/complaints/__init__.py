"""The complaints area (IGM): the complaint desk, its repository and the issue handlers."""
