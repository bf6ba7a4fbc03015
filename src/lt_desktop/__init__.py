"""LT Desktop: runs Learning Together prison-university education partnerships offline."""

__version__ = "0.1.0"
