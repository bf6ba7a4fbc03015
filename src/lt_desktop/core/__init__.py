"""The headless core: domain rules and services. Never imports Qt."""
