# Administration: divisions, people, invitations, the Registry, actualization, reminders, /stats.

## Commands

cmd-invites = open invitations; invite a viewer or an authorized person
cmd-people = who is who: roles, divisions, revoking access
cmd-divisions = divisions: add, rename, retire

## Roles

role-admin = authorized person
role-head = division head
role-viewer = viewer
role-none = no access
role-with-division = head of the division “{ $division }”

## Common

done = Done.
admin-closed = Closed, nothing changed.

## Divisions

divisions-title = <b>Divisions</b> (in use: { $count }):
divisions-none = No divisions yet.
divisions-line = • { $name } — { $heads ->
    [0] no head
    [one] { $heads } head
   *[other] { $heads } heads
}, { $rows ->
    [one] { $rows } row
   *[other] { $rows } rows
}, { $functions ->
    [one] { $functions } function
   *[other] { $functions } functions
}
divisions-line-retired = • <s>{ $name }</s> (retired)
divisions-button-retired = { $name } (retired)
btn-division-add = ➕ Add a division
btn-division-rename = Rename
btn-division-retire = Retire
btn-division-restore = Restore
division-card = <b>{ $name }</b> — { $status }
    Heads: { $heads }
    Rows in the list: { $rows }
    Functions and services in the Registry: { $functions }
division-status-active = in use
division-status-retired = retired
division-confirmed = Rows last confirmed current: { $date }
division-never-confirmed = Rows never confirmed current yet.
ask-division-name = Type the name of the new division (at most { $max } characters).
ask-division-rename = Type the new name of the division “{ $name }” (at most { $max } characters).
division-added = Division “{ $name }” added.
division-restored = Division “{ $name }” was retired and is in use again.
division-exists = There is already a division “{ $name }”. Type another name or press “Cancel”.
division-renamed = Division “{ $old }” renamed to “{ $name }”.
division-retired = Division “{ $name }” retired.
division-in-use = The division cannot be retired while something depends on it: heads — { $heads }, rows of the list — { $rows }, Registry functions — { $functions }. Move the heads and exclude or move the rows and functions first.
division-gone = This division no longer exists or is retired.
no-divisions-plain = There is no division in use. Add one with /divisions.

## People

people-title = <b>Who is who</b> (with access: { $count })
people-line = • { $name } (ID <code>{ $id }</code>)
people-line-head = • { $name } (ID <code>{ $id }</code>) — “{ $division }”
people-from-settings = — from the settings
people-hint = Press a person to change their role or division or to revoke their access.
people-group-admin = Authorized persons
people-group-head = Division heads
people-group-viewer = Viewers
person-card = { $line }
    Role: { $role }
    Under review: { $pending }
person-card-settings = { $name } (ID <code>{ $id }</code>) is an authorized person named in the bot's settings. This role can be changed only there.
person-in-settings = This authorized person is named in the bot's settings: their role cannot be changed or revoked in chat.
person-changed = Now: { $role }.
btn-make-admin = Make an authorized person
btn-make-head = Make a division head…
btn-change-division = Move to another division…
btn-make-viewer = Make a viewer
btn-revoke-access = Revoke access
btn-revoke-yes = Yes, revoke
choose-head-division = Which division will { $name } head?
revoke-confirm = Revoke access to the list? { $name } will no longer be able to work with it. Still under review: { $pending }.
revoke-self = You cannot revoke your own access.
change-self = You cannot change your own role: ask another authorized person.
revoked = Access revoked: { $name }. Still under review: { $pending } — /pending.
your-role-changed = Your role has changed: { $role }. What you can do — /help.
your-access-revoked = Your access to the list of touchpoints has been revoked by the authorized person. The reports you have already sent will still be reviewed.

## Invitations

invites-title = <b>Open invitations</b>: { $count }
invites-line = • Role: { $whom } · invited by: { $by } · valid until { $expires }
invites-hint = A division head is invited with <code>/invite Division name</code>. An invitation is valid for { $days ->
    [one] { $days } day
   *[other] { $days } days
}.
btn-invite-revoke = ✖ Revoke: { $whom } (until { $expires })
btn-invite-viewer = ➕ Viewer
btn-invite-admin = ➕ Authorized person
invite-link-role = An invitation link (role: { $role }):
    { $link }
    It can be used once and is valid until { $expires }. Forward it to the person you invite.
invite-revoked-done = Invitation revoked.
invite-not-open = This invitation has already been used, revoked, or has expired.
invite-welcome-role = Invitation accepted: your role — { $role }.
invite-accepted-role = Invitation accepted: { $name } (ID <code>{ $id }</code>) — role: { $role }.
invite-division-retired = Division “{ $division }” is retired: nobody can be invited into it. Restore it with /divisions.

## The Registry of processes (3.1)

cmd-registry = the Registry of processes: loading a file and what is left to do
registry-kind-function = function
registry-kind-service = service
registry-preview-title = <b>The Registry from the file “{ $file }”</b>: { $entries ->
    [one] { $entries } entry
   *[other] { $entries } entries
}. What changes:
registry-item = • { $code } — { $name } (“{ $division }”)
registry-update-item = • { $code } — { $name }: { $changes }
registry-change-name = name “{ $old }” → “{ $new }”
registry-change-kind = type: { $old } → { $new }
registry-change-direction = area: { $old } → { $new }
registry-change-division = division “{ $old }” → “{ $new }”{ $rows ->
    [0] {""}
    [one] {" "}({ $rows } row of the list moves with the function)
   *[other] {" "}({ $rows } rows of the list move with the function)
}
registry-added = <b>Will be added</b> ({ $count }):
registry-returned = <b>Will return to the Registry</b> ({ $count }):
registry-updated = <b>Will change</b> ({ $count }):
registry-removed = <b>Will leave the Registry</b> ({ $count }):
registry-removed-rows = — { $rows ->
    [one] { $rows } row
   *[other] { $rows } rows
} in the list: the division head will be asked to report their exclusion or move
registry-new-divisions = <b>New divisions</b> ({ $count }):
registry-more = … and { $count } more
registry-unchanged = Unchanged: { $count }. Apply all the changes?
registry-nothing = The file matches the Registry (unchanged: { $count }): nothing to change.
btn-registry-apply = Apply
btn-registry-discard = Discard
registry-applied = The Registry is updated: added { $added }, restored { $returned }, changed { $updated }, removed { $removed }, new divisions { $divisions }. The division heads have been asked to bring the list up to date. What is left to do — /registry.
registry-stale = The Registry changed after the preview, the file was not applied. Send it again.
registry-decided = This file has already been { $status ->
    [applied] applied
    [discarded] discarded
   *[other] set aside
}.
registry-discarded = Discarded; the Registry is unchanged.
registry-file-too-large = The file is too large: at most { $mb } MB.
registry-error-empty = The file holds no Registry entries.
registry-error-missing = The first row lacks the columns: { $columns }. The columns are Код, Наименование, Вид, Направление, Подразделение (in any order). If it is the list of touchpoints, it needs the form's heading row: «Направление деятельности», «Направление функции (сервиса)», «Точка взаимодействия», «Цель взаимодействия с клиентом», «Особенности взаимодействия с клиентом».
registry-error-duplicate-column = The column “{ $column }” is named twice.
registry-error-rows = The file has { $count ->
    [one] { $count } error
   *[other] { $count } errors
}, nothing was loaded. Correct them and send the file again:
registry-row = Line { $line }: { $problem }
problem-empty = the column “{ $column }” is empty
problem-too-long = the column “{ $column }” holds more than { $max } characters
problem-bad-kind = “Вид” must be “функция” or “сервис”, not “{ $value }”
problem-bad-direction = “Направление” must be 3.5.1, 3.5.2, 3.5.3 or the area's full wording, not “{ $value }”
problem-duplicate-code = the code { $code } already stands on line { $first }

## Actualization (5.1)

registry-status = <b>The Registry of processes</b>: in force { $active }, removed { $removed }.
outstanding-removed-title = <b>Rows under functions removed from the Registry</b> — to exclude or move ({ $count }):
outstanding-removed-item = • “{ $division }”: { $code } — { $name }, { $rows ->
    [one] { $rows } row
   *[other] { $rows } rows
}
outstanding-added-title = <b>Registry functions without touchpoints</b> — the division is to report them ({ $count }):
outstanding-added-item = • “{ $division }”: { $code } — { $name }
outstanding-none = All current: nothing is left to do about the Registry.
registry-how = To load the Registry, send a CSV or XLSX file with the columns Код, Наименование, Вид, Направление, Подразделение.
actual-removed = Functions (services) of your division have left the Registry of processes, and touchpoints remain under them in the list (5.1):
actual-removed-item = • { $code } — { $name }: { $rows ->
    [one] { $rows } row
   *[other] { $rows } rows
}
actual-removed-hint = Report the exclusion of these rows (/exclude, reason: “The function (service) left the Registry”) or their move under another function (/change).
actual-added = Functions (services) of your division have been added to the Registry of processes (5.1):
actual-added-item = • { $code } — { $name }
actual-added-hint = Report their touchpoints — /new.
registry-cli-dry-run = Nothing was written: this is a preview. To apply it, run the command again with --yes.
registry-cli-applied = The Registry is updated: added { $added }, restored { $returned }, changed { $updated }, removed { $removed }, new divisions { $divisions }.

## Reminders (5.2)

remind-head = <b>Please check the list</b> (5.2). Division “{ $division }”: { $count }.
remind-row = No. { $id }. { $kind } — { $point } ({ $function })
remind-row-flagged = — ⚠ the function has left the Registry: report the row's exclusion or its move under another function
remind-more = … and { $count } more: the whole list — /list
remind-none = The list holds no touchpoints of the division yet. If there are any, report them — /new.
remind-ask = If everything is right, press “All current”. If something has changed, press “Report changes”.
btn-all-current = All current
btn-report-changes = Report changes
confirm-done = Confirmed on { $date }: the division's list is current. Thank you!
confirm-already = The list was already confirmed current on { $date }. If something has changed, press “Report changes”.
confirm-only-head = Only a division head can confirm that the list is current.
report-changes-how = Report the changes: /new — a new touchpoint, /change — a change, /exclude — an exclusion.
remind-summary = <b>Is the list current</b> (reminder of { $date }): not confirmed by { $count ->
    [one] { $count } division
   *[other] { $count } divisions
}:
remind-summary-item = • “{ $division }” — { $heads }
remind-summary-all = <b>Is the list current</b> (reminder of { $date }): every division has confirmed.
remind-summary-reached-all = <b>Is the list current</b> (reminder of { $date }): everyone the reminder reached has confirmed.
remind-summary-undelivered = The reminder did not reach { $count ->
    [one] { $count } head
   *[other] { $count } heads
}:
remind-summary-unreachable-item = • “{ $division }” — { $head }: unreachable (blocked the bot, or no such chat)
remind-summary-undelivered-item = • “{ $division }” — { $head }: could not be delivered (Telegram could not be reached)

## /stats

cmd-stats = the list in figures and as a chart
stats-title = <b>The list in figures</b> on { $date }: { $rows }; under review — { $pending }.
stats-by-direction = <b>By area of activity (3.5)</b>
stats-by-kind = <b>By type of touchpoint (4.2)</b>
stats-channel = <b>Digital and offline (4.1)</b>: digital — { $digital }, offline — { $offline }
stats-by-need = <b>By client need (3.7)</b>
stats-by-division = <b>By division</b>
stats-line = { $code } { $label } — { $count }
stats-division-line = #{ $n } “{ $name }” — { $count }
stats-empty-divisions = <b>Divisions without rows</b> ({ $count }): { $names }
stats-no-empty-divisions = Every division has rows in the list.
stats-chart-caption = The list on { $date } in charts: areas 3.5, types 4.2, digital and offline 4.1, needs 3.7, divisions.

## The /stats chart (a picture: plain text, no markup)

chart-title = The list of touchpoints on { $date }
chart-subtitle = In the list: { $rows }; under review — { $pending }
chart-by-direction = By area of activity (3.5)
chart-by-kind = By type of touchpoint (4.2)
chart-by-channel = Digital and offline (4.1)
chart-by-need = By client need (3.7)
chart-by-need-note = A row may serve several needs, so the sum may exceed the number of rows.
chart-by-division = By division
chart-by-division-note = The top { $top } of { $count } by rows; the rest as one bar.
chart-item = { $code } { $label }
chart-digital = Digital
chart-offline = Offline
chart-others = Other divisions ({ $count })
chart-no-data = No data
