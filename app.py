"""`flask --app app COMMAND` in a checkout (web servers use portal.wsgi:app)."""
from portal.cli import create_command_app

app = create_command_app()
