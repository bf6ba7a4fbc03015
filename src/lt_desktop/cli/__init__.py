"""The ``lt-desktop`` command line."""
