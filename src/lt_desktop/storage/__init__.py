"""Encrypted storage: key slots, the SQLCipher database, migrations, backups.

Never imports Qt.
"""
