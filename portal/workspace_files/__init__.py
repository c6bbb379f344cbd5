"""A workspace's files: members share documents, drawings and data; nobody else learns they exist."""
