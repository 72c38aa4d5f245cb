## Returning a report for correction, and restoring a version of a row

btn-return = Return for correction
ask-return-note = What should be corrected in report No. { $id }? Write a note — the author will see it with a “Correct” button (up to { $max } characters).
review-give-note = Write what to correct
review-done-returned = Report No. { $id } returned to its author for correction.
review-returned = ↩️ Returned for correction: { $name }, { $at }. To correct: { $note }
return-refused-access = The report cannot be returned for correction: its author can no longer report changes (access revoked or role changed) and could not correct it. Accept or reject the report.
return-refused-division = The report cannot be returned for correction: its author now heads another division and cannot report changes of this one. Accept or reject the report.
outcome-returned = Your report No. { $id } was returned for correction by the authorized person.
    To correct: { $note }
    
    Press “Correct”: the report opens as you sent it. Change what is needed and press “Send”. While it is being corrected, no other report on this row is taken; you can withdraw it in /my.
btn-rework = Correct
btn-rework-id = Correct report No. { $id }
review-resent = 🔁 Sent again, after correction of report No. { $id }. Asked to correct: { $note }
review-resent-changes = <b>Changed in the correction:</b>
    { $lines }
review-resent-same = Nothing was changed in the correction.
review-restore = ↺ Restoring version { $version } of row No. { $row }
review-restore-back = ↺ Returning excluded row No. { $row } to the list (version { $version })
summary-rework = <b>Correcting report No. { $id }</b>
    Asked to correct: { $note }
summary-restore = <b>Restoring version { $version } of row No. { $row }</b> — once sent, the report is reviewed like any other.
summary-restore-back = <b>Returning excluded row No. { $row } to the list (version { $version })</b> — once sent, the report is reviewed like any other.
sent-again = Report No. { $id } sent again, after correction of report No. { $previous }. I will tell you the decision. Your reports — /my.
draft-open-ask = You have an unfinished report. Opening this one deletes the unfinished one.
draft-open-short = First decide what to do with the unfinished report
btn-draft-replace = Drop the unfinished one, open this
btn-draft-keep = Continue the unfinished one
draft-continue = Continuing from the same step
draft-opened = The report is open: check it and send it
rework-resent = Report No. { $id } has already been corrected and sent again: report No. { $next }.
rework-closed = Report No. { $id } is no longer returned for correction: it was withdrawn or decided.
restore-same = Version { $version } is what the list holds now: there is nothing to restore.
restore-function-gone = The function (service) of version { $version } is no longer in the Registry under this division: it cannot be restored. Report the change with /change.
btn-restore-version = Restore version { $version }
status-returned = returned for correction { $date }: { $note }
my-chain = Corrections: { $chain }
field-rs = Reason for exclusion

## While a report is under review

notice-under-review = Your report No. { $id } (sent { $sent }) is still under review by the authorized person — { $days ->
    [one] { $days } day
   *[other] { $days } days
}. You can withdraw it in /my.
digest = <b>Under review: { $count }</b>
    { $lines }
    
    The cards with buttons — /pending.
digest-line = No. { $id } · { $action } · { $division } · { $days ->
    [one] { $days } day
   *[other] { $days } days
}
digest-more = … and { $count } more
