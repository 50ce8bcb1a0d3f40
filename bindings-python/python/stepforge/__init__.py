"""stepforge: build, validate and run AWS Step Functions state machines."""
from ._native import __version__, format_json

__all__ = ["__version__", "format_json"]
