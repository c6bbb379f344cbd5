"""Threads in a workspace: members discuss in Markdown posts and mention each other."""
