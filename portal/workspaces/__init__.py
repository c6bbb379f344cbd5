"""Co-creation workspaces: the city, shortlisted companies and a facilitating consultancy in one room."""
