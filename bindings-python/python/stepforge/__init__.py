"""stepforge: build, validate and run AWS Step Functions state machines."""
from ._native import __version__, validate_text

__all__ = ["__version__", "validate_text"]
