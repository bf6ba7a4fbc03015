"""Views more than one screen shows: each module is one widget or model, with no
screen of its own, so screens share them without importing one another."""
