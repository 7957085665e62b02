"""Project management: workspaces, projects, their memberships, the dashboard."""
