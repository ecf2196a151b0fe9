"""weijian (卫监): comprehensive supervision of the medical and health industry."""

__version__ = "0.1.0"
