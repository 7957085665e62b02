"""Agent execution history: runs logged by the agent runtime, kept 180 days."""
