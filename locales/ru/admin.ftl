# Administration: divisions, people, invitations, the Registry, actualization, reminders, /stats.
