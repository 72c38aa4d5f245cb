# Operations: faults, shutdown, webhook, backups, check.

# A handler failed unexpectedly (a defect); the bot goes on working.
error-panic = That did not work: an internal error of the bot, logged for the maintainers. Try again; if it happens again, /cancel and start over.
