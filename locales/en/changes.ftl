## /changes: the changes of the list in a period (a file) and `touchpoints changes`

cmd-changes = changes of the list in a period (a file)
only-overseers = The changes of the list are for the authorized persons and viewers.
changes-usage = Give the period: <code>/changes 01.11.2026 30.11.2026</code> (both dates included; without the second, up to today). An XLSX file; for CSV: <code>/changes csv 01.11.2026</code>.
changes-bad-date = “{ $text }” is not a date. Write dates like this: 01.11.2026.
changes-bad-format = The changes of the list come as XLSX or CSV, not “{ $format }”: <code>/changes csv 01.11.2026</code>.
changes-too-many = Give at most two dates (the start and the end of the period) and one format, e.g. <code>/changes 01.11.2026 30.11.2026</code>.
changes-reversed = The period starts ({ $from }) after it ends ({ $to }). Give the earlier date first.
changes-none = No accepted changes of the list from { $from } to { $to }. No file was made.
changes-count = { $count ->
    [one] { $count } change
   *[other] { $count } changes
}
changes-caption = Changes of the list from { $from } to { $to }: { $changes }.

## The file of changes

changes-title = Changes of the list of touchpoints from { $from } to { $to }
changes-sheet = Changes
changes-file-stem = List_changes
changes-col-when = When (UTC{ $offset })
changes-col-what = Change
changes-col-origin = Source
changes-col-row = Row number
changes-col-division = Division
changes-col-clients = Clients
changes-col-diff = What changed (before → after)
changes-col-reason = Reason (5.1)
changes-col-report = Report number
changes-col-reporter = Reported by
changes-col-decider = Decided by
changes-col-version = Row version
changes-kind-added = added
changes-kind-changed = changed
changes-kind-excluded = excluded
changes-origin-report = report
changes-origin-import = list loaded from the file “{ $file }”
changes-origin-registry = a change of the Registry of processes (upload No. { $id })
changes-origin-unknown = not recorded
changes-reason-registry = 5.1.1: a function or service entered or left the Registry
changes-reason-kind = 5.1.2: the kind of the touchpoint changed
changes-reason-needs = 5.1.3: the client needs met at the touchpoint changed
changes-reason-other = another reason
changes-diff-line = { $field }: { $before } → { $after }

## Command line

changes-cli-written = { $path }: { $changes }, { $bytes } bytes
changes-cli-none = No accepted changes of the list from { $from } to { $to }; no file written.
