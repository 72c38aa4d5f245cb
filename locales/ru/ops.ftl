# Operations: faults, shutdown, webhook, backups, check.

# A handler failed unexpectedly (a defect); the bot goes on working.
error-panic = Не получилось: внутренняя ошибка бота, она записана в журнал. Попробуйте ещё раз; если повторится — /cancel и начните заново.
