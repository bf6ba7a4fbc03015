"""Printed documents (PDF, with reportlab). Never imports Qt."""
