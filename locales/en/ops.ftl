# Operations: faults, shutdown, webhook, backups, check.
