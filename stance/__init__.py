"""stance: what officials are doing when they speak about an international event."""

__version__ = "0.1.0"
