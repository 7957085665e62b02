"""Identity, tenancy and access: users, organisations, memberships, sessions, keys, audit."""
