"""The analytics context: the activity feed (and, later, roll-ups and the cost report)."""
