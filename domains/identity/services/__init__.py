"""Identity use cases: each takes a command, checks permission, loads, changes, commits."""
