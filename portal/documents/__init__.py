"""Requirement documents that a workspace's members write together, revision by revision."""
