# Loading the existing list from a file (the appendix form)

list-import-title = <b>The list from «{ $file }»</b>: { $rows ->
    [one] { $rows } row
   *[other] { $rows } rows
}.
list-import-adds = <b>To be added</b> ({ $count }):
list-import-direction = • { $code } { $direction }: { $count }
list-import-new-functions = <b>Functions (services) not in the Registry that will appear</b> ({ $count }):
list-import-new-function = • { $name } («{ $division }»)
list-import-skipped = <b>Already in the list, skipped</b> ({ $count }):
list-import-skipped-item = • row { $line }: { $function } — { $point }
list-import-more = … and { $count } more
list-import-clients = The file does not say which clients { $count ->
    [one] { $count } row serves
   *[other] { $count } rows serve
}: they take «{ $clients }». The «Clients» button changes it for the whole file.
list-import-confirm = Load these rows into the list? Either every row of the file is added or, if anything stops it, none.
list-import-nothing = Every row of the file is already in the list: nothing to add.
btn-list-import-apply = Apply
btn-list-import-clients = Clients: { $clients }
btn-list-import-discard = Cancel
list-import-applied = The list is loaded from «{ $file }»: { $added ->
    [one] { $added } row added
   *[other] { $added } rows added
}, already in the list — { $skipped }.
list-import-discarded = Loading cancelled, the list is unchanged.
list-import-decided = This file is already { $status ->
    [applied] loaded
    [stale] not loaded: the Registry or the list changed
   *[other] cancelled
}.
list-import-stale = The file no longer waits to be loaded. Send it again.
list-import-changed = The Registry or the list changed after the preview, and not every row loads now. Nothing was written. Fix the file and send it again:
list-import-cli-dry-run = Nothing was written: this is a preview. To load it, run the command again with --yes.
list-import-error-no-header = No heading row of the list was found. The form's columns are needed: «Направление деятельности», «Направление функции (сервиса)», «Точка взаимодействия», «Цель взаимодействия с клиентом», «Особенности взаимодействия с клиентом» (and, if you like, «Подразделение», «Клиенты»).
list-import-error-missing = The heading row lacks { $columns }.
list-import-error-duplicate-column = The column «{ $column }» is named twice.
list-import-error-empty = There are no rows of the list under the headings.
list-import-error-rows = The file has { $count ->
    [one] { $count } error
   *[other] { $count } errors
}, nothing was loaded. Fix them and send the file again:
list-import-row = Row { $line }: { $problem }
list-problem-empty = the column «{ $column }» is empty
list-problem-too-long = the column «{ $column }» has more than { $max } characters
list-problem-bad-direction = «{ $value }» is not a direction of activity (3.5.1, 3.5.2, 3.5.3 or its wording)
list-problem-bad-kind = «{ $value }» is not a touchpoint kind (4.2); column 4 is written as «Kind: point»
list-problem-no-point = column 4 names a kind but no point after it
list-problem-bad-need = «{ $value }» is not a client need of item 3.7
list-problem-bad-clients = «{ $value }» in the column «Клиенты»: it must be «внешние», «внутренние» or «внешние и внутренние»
list-problem-unknown-function = the Registry has no function (service) «{ $name }» in this direction. If it is not in the Registry, write «{ $name } — нет в Реестре» and fill in the column «Подразделение»
list-problem-wrong-direction = the function (service) «{ $name }» belongs to direction { $direction } in the Registry
list-problem-ambiguous = several divisions perform the function (service) «{ $name }» in the Registry: give its code in brackets or the column «Подразделение»
list-problem-division-disagrees = the column «Подразделение» says «{ $file }», but in the Registry this function is performed by «{ $registry }»
list-problem-typed-without-division = the function (service) is not in the Registry: the column «Подразделение» is needed
list-problem-unknown-division = there is no division «{ $name }»
list-problem-repeats = the same point of the same function is already on row { $first }
help-files = Files: send the Registry of processes (CSV or XLSX with the columns Код, Наименование, Вид, Направление, Подразделение) or the existing list in the appendix form (XLSX or CSV as /list gives it, or only the headings and rows) — the bot tells them apart by their headings, shows what will change and writes it after «Apply».
