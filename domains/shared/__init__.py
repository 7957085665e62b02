"""The shared kernel: ids, clock, errors, pagination, tenancy and permissions."""
