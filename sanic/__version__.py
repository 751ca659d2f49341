__version__ = "25.12.0"
