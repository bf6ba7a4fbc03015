"""Exchange between sites by file: site identities, site cards and the signed,
encrypted ``.ltbundle`` container carried on removable media.

This package never imports Qt.
"""
