"""Stored files: uploads checked by their content, kept under generated names, sent back as attachments."""
