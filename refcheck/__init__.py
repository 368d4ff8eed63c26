"""refcheck: a citation and reference-freshness checker."""

__version__ = "0.1.0"
