## Common

points-count = { $count ->
    [one] { $count } point
   *[other] { $count } points
}
reports-count = { $count ->
    [one] { $count } report
   *[other] { $count } reports
}
lang-name = English

## Commands (menu and /help)

cmd-start = start and your role
cmd-help = what the bot can do
cmd-lang = language: Russian or English
cmd-cancel = stop what you have started
cmd-invite = invite a division head

## Greeting

greet-admin = Hello, { $name }! You are the <b>authorized person</b>: you keep the list of touchpoints and decide on reports.
    Under review: { $pending }.
greet-head = Hello, { $name }! You are the <b>head of the division</b> “{ $division }”: you report new, changed and excluded touchpoints of your division.
greet-viewer = Hello, { $name }! You are a <b>viewer</b>: you may get the list of touchpoints. The list as a file — /list, in figures — /stats.
greet-stranger = Hello, { $name }! You have no access to the list of touchpoints yet.
    Your Telegram ID: <code>{ $id }</code> — pass it to the authorized person and open the invitation link you get back.
help-title = What you can do:
help-stranger = You have no access. Your Telegram ID: <code>{ $id }</code> — pass it to the authorized person to get an invitation.

## Language

lang-choose = Choose a language:
lang-unknown = No such language. Choose a language:
lang-set = Language: English.

## Dialogues

cancel-done = Cancelled, nothing saved.
cancel-nothing = There is nothing to cancel.
unknown-command = No such command. The list of commands: /help.
not-understood = That message was not understood. The list of commands: /help.
button-stale = This button no longer works.
dialogue-lost = What you had started could not be continued after the bot was updated. Please start again — /help.
text-too-long = The text is too long: at most { $max } characters.
only-admin = Only the authorized person can do this.

## Invitations

invite-usage = Name the division: <code>/invite Division name</code>
division-created = Division “{ $division }” created.
invite-link = Invitation link for the head of the division “{ $division }”:
    { $link }
    The link works once, until { $expires }. Forward it to the head.
invite-welcome = Invitation accepted: you are the head of the division “{ $division }”.
invite-accepted = Invitation accepted: { $name } (ID <code>{ $id }</code>) is now the head of the division “{ $division }”.
invite-unknown = There is no such invitation. Check the link or ask the authorized person for a new one.
invite-used = This invitation has already been used. Ask the authorized person for a new one.
invite-expired = This invitation has expired. Ask the authorized person for a new one.
invite-revoked = This invitation was revoked. Ask the authorized person.
invite-already-member = You already have this access or a wider one: the invitation was not needed and stays unused. What you can do — /help.
invite-already-admin = You are already an authorized person: you need no invitation, and it stays unused.

## Report commands

cmd-new = report a new touchpoint
cmd-change = report a change of a touchpoint
cmd-exclude = report that a touchpoint is to be excluded
cmd-my = my reports and their status

## A row of the list in chat

col-2 = 2. Area of activity:
col-3 = 3. Function (service):
col-4 = 4. Touchpoint:
col-5 = 5. Purpose of interaction with the client:
col-6 = 6. Specifics of interaction with the client:
col-clients = Clients:
col-little-used = Note (item 3.5):
little-used-yes = little used, or contacts are not recorded
little-used-no = none
btn-little-used-off = ☐ Little used or not recorded
btn-little-used-on = ☑ Little used or not recorded
not-in-registry = not in the Registry
features-none = none
channel-digital = digital
channel-offline = offline
clients-external = external
clients-internal = internal
clients-both = external and internal

## Buttons

btn-cancel = Cancel
btn-send = Send
btn-edit = Edit
btn-back = Back
btn-prev = ◀ Previous
btn-next = Next ▶
page-of = { $page } of { $pages }
btn-done = Done
btn-type-function = Not listed — type its name
btn-no-features = No specifics
btn-change-needs = Change the purpose
btn-other-point = Give another touchpoint
btn-withdraw = Withdraw report No. { $id }
field-fn = Area and function
field-kind = Type of touchpoint
field-point = Touchpoint (address, link, phone)
field-needs = Purpose of interaction
field-feat = Specifics of interaction
field-cl = Clients

## Report: steps

only-reporters = Division heads and the authorized person report touchpoints. If you need to, pass your Telegram ID to the authorized person: { $id }.
no-rows = The list has no touchpoints of this division. To report a new one — /new.
no-divisions = There are no divisions yet. Create them with an invitation: <code>/invite Division name</code>
new-title = <b>New touchpoint</b>
change-title = <b>Change of a touchpoint</b>
exclude-title = <b>Exclusion of a touchpoint</b>
ask-division = Which division is the report for?
ask-direction = Choose the area of activity:
ask-function = Choose the function (service) from the Registry — or type its name if it is not listed:
ask-function-empty = The Registry has no functions (services) of the division in “{ $direction }”. Type the function's name — it will be marked as missing from the Registry.
ask-function-name = Type the name of the function (service) as it should stand in the list (up to { $max } characters):
ask-kind = Choose the type of touchpoint:
ask-channel = “{ $kind }”: is it a digital touchpoint (over the internet: e-mail, personal account) or an offline one (a paper letter, a reception phone)?
ask-point = Type of touchpoint: { $kind }.
    Now enter the touchpoint itself: a site address, an app or chat name, a phone number, an address and room (up to { $max } characters).
ask-needs = Mark the purpose of interaction with the client — the client needs met at this touchpoint (item 3.7 of the Order). Press an item to mark or unmark it, then “Done”. Marked: { $chosen }.
ask-other-need = You marked “Other client needs”. Describe them (up to { $max } characters):
ask-features = Describe the specifics of interaction with the client at this touchpoint — actions that happen only in some processes (up to { $max } characters). If there are none, press “No specifics”.
ask-clients = Which clients does this touchpoint serve?
ask-edit-which = What should be corrected?
ask-change-what = { $row }
    
    What has changed?
ask-pick-direction = Choose the area — or type part of the touchpoint's address or the function's name:
ask-pick-function = Choose the function (service):
ask-pick-row = Choose the touchpoint:
search-found = Found for “{ $text }” — choose the touchpoint:
search-none = Nothing found for “{ $text }”. Try other words, or choose by area — /change, /exclude.
ask-exclude-reason = { $row }
    
    Why should the touchpoint be excluded?
ask-exclude-reason-text = Describe the reason for the exclusion (up to { $max } characters):
reason-registry = The function (service) left the Registry (item 5.1.1)
reason-other = Another reason

## Report: check and send

summary-new = <b>New touchpoint — check before sending</b>
    
    { $lines }
summary-change = <b>Change of a touchpoint — check before sending</b>
    
    { $lines }
summary-unchanged = <b>Nothing changed yet.</b>
    
    { $lines }
    
    Press “Edit” and choose what has changed.
summary-exclude = <b>Exclusion of a touchpoint — check before sending</b>
    
    { $lines }
    <b>Reason:</b> { $reason }
duplicate-row = This touchpoint is already in the list under this function. Under item 3.7 of the Order a touchpoint stands once per process, with the client needs met in it. Press “Change the purpose” to add to that touchpoint, or give another touchpoint.
    
    { $row }
duplicate-pending = This touchpoint under this function has already been reported: report No. { $id } is under review by the authorized person. Give another touchpoint or wait for the decision; to drop this report — /cancel.
duplicate-now = While you were filling in the report, this touchpoint appeared in the list or in another report. The report was not sent: choose what to do next in the following message.
nothing-changed = No changes: the values are the same as in the list.
draft-incomplete = The report is not complete. Let us continue from the missing step.
draft-invalid = The report did not pass the check:
    { $problems }
row-gone = This touchpoint is no longer in the list (it was excluded or changed). Start again — /change, /exclude.
row-busy = Report No. { $id } about this row is already under review. Wait for its decision (or withdraw it in /my), then report the new changes.
row-other-division = This touchpoint belongs to the division “{ $division }”. Its changes are reported by that division's head or the authorized person.
sent = Report No. { $id } has been sent to the authorized person. I will tell you the decision. Your reports — /my.
sent-short = Sent: report No. { $id }
need-at-least-one = Mark at least one item.
use-buttons = Please answer with the buttons under the question.
expected-text = Text is needed. Please write your answer as a message.
text-empty = The answer is empty. Please write some text.
error-generic = Something went wrong. Please try again.

invalid-empty-point = the touchpoint is not given
invalid-point-too-long = the touchpoint's description is too long
invalid-no-needs = the purpose of interaction with the client is not filled in
invalid-other-need-without-text = the “other needs” are not described
invalid-other-text-without-need = “other needs” are described but not marked
invalid-other-need-too-long = the “other needs” description is too long
invalid-features-too-long = the description of the specifics of interaction is too long
invalid-empty-features = the specifics of interaction are not described
invalid-channel-mismatch = the channel does not match the type of touchpoint

## My reports

my-none = You have not sent any reports yet. A new touchpoint — /new.
my-title = <b>Your reports</b> ({ $count } in all), newest first:
my-item = <b>No. { $id }</b> · { $action } · { $division }
    { $what }
    Sent { $sent } · { $status }
action-add = new touchpoint
action-change = change
action-exclude = exclusion
status-pending = under review
status-accepted = accepted { $date }
status-rejected = rejected { $date }, reason: { $reason }
status-withdrawn = withdrawn { $date }
withdrawn = Report No. { $id } withdrawn.
withdraw-refused = This report can no longer be withdrawn: it has been decided.

## Review of reports

cmd-pending = reports under review
cmd-history = history of a row of the list
btn-accept = Accept
btn-reject = Reject
review-card = <b>Report No. { $id }</b> · { $action }
    From: { $name } (“{ $division }”), { $sent }
    
    { $body }
review-reason = <b>Reason:</b> { $reason }
review-accepted = ✅ Accepted: { $name }, { $at }
review-rejected = ❌ Rejected: { $name }, { $at }, reason: { $reason }
review-withdrawn = ↩️ Withdrawn by its author { $at }
review-done-accepted = Accepted: report No. { $id }
review-done-rejected = Report No. { $id } rejected; its author has been told.
review-give-reason = Write the reason for rejecting
ask-reject-reason = Why is report No. { $id } rejected? Write the reason — its author will see it (up to { $max } characters).
review-already = Report No. { $id } has already been decided. Decided by: { $name }.
review-was-withdrawn = Report No. { $id } was withdrawn by its author.
review-incomplete = The report is incomplete and cannot be accepted. Reject it with a reason.
review-duplicate = This touchpoint is already in the list (row No. { $row }). Reject the report with a reason.
review-process-changed = The function (service) of this report has since left the Registry or passed to another division. Reject the report with a reason.
review-row-gone = The row this report is about is no longer in the list. Reject the report with a reason.
review-conflict = Since this report the row has been changed in the same fields ({ $parts }). Accepting it would undo an accepted change. Reject the report: the author will report the changes again.
review-conflict-card = Report No. { $id } cannot be accepted: row No. { $row } was changed after it in the same fields: { $parts }.
    In the list now:
    { $lines }
btn-reject-changed = Reject: the row has changed
reason-row-changed = The row was changed after your report in the same fields. Look at it in the list and report the changes again (/change).
part-direction = area of activity
part-function = function (service)
part-kind = type of touchpoint
part-point = touchpoint
part-needs = purpose of interaction with the client
part-features = specifics of interaction
part-clients = clients
part-little-used = note of 3.5
outcome-accepted = Your report No. { $id } has been accepted by the authorized person. The list is updated.
outcome-rejected = Your report No. { $id } has been rejected by the authorized person.
    Reason: { $reason }
pending-title = Under review: { $count }.
pending-more = And { $count } more: /pending shows them once these reports are decided.
history-usage = Give the row number or part of the touchpoint's address: <code>/history 12</code> or <code>/history lenobl.ru</code>
history-choose = Choose the row:
history-none = There is no row No. { $id }.
history-title = <b>History of row No. { $id }</b> (“{ $division }”)
history-excluded = <b>excluded from the list</b>
history-version = <b>Version { $version }</b> · { $at } { $status }
    { $origin }
    { $lines }
history-origin-report = Report No. { $id } · author: { $reporter } · accepted by: { $acceptor }
history-origin-import = Loaded from the file “{ $file }” ({ $acceptor })
history-origin-registry = A change of the Registry of processes (upload No. { $id }): the function was renamed or passed to another division
history-origin-unknown = The source was not recorded
history-row-button = No. { $id } { $division } — { $point }

## The list as a file

cmd-list = the list of touchpoints as a file; with a date, as it stood then: /list 01.12.2026 14:30
list-choose = The list of touchpoints as a file. Choose the format (XLSX by default) and which part of the list to send:
list-all = The whole list
list-division = Division: { $division }
list-making = Making the file…
list-caption = The list of touchpoints as of { $date }: { $points }.
list-bad-format = There is no format “{ $format }”: there are XLSX, DOCX and CSV. XLSX is chosen for now.
list-choose-at = The list of touchpoints as of { $moment }. Choose the format (XLSX by default) and which part of the list to send:
list-moment-day = the end of { $date }
list-caption-at = The list of touchpoints as of { $moment }: { $points }.
list-caption-before-first = The list as of { $moment }: it was not kept yet — its first record was made later. The file is an empty form.
list-bad-moment = “{ $text }” is not a date. Write, for example, <code>/list 01.12.2026</code> (the list at the end of that day) or <code>/list 01.12.2026 14:30</code> (at the start of that minute).
list-no-such-date = There is no such date or time: “{ $text }”. Write, for example, <code>/list 01.12.2026</code> or <code>/list 01.12.2026 14:30</code>.
list-future = “{ $moment }” has not come yet: the list can be shown as it stood at a past moment. The list as it is now: /list.
