"""The service layer: every operation the screens and the CLI perform, with its
permission checked here rather than by hiding buttons."""
