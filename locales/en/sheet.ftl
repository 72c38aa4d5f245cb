## A table sent as a file (CSV or XLSX) that is not read: the one reader's refusals
## (`sheet::describe`), for the Registry and any other file the bot reads.

sheet-too-large = The file is too large: at most { $mb } MB.
sheet-unpacked = Unpacked, the XLSX file takes more than { $mb } MB — more than a table takes. Save it again or send it as CSV.
sheet-too-many-rows = The file has too many rows: at most { $max }.
sheet-too-many-columns = Cell { $cell } holds data, but the table may take at most { $max } { $max ->
        [one] column
       *[other] columns
    } (up to { $last }). Clear the extra cells and send the file again.
sheet-not-a-table = The file could not be read: it is not a CSV or XLSX table. The old XLS format, password-protected files and OpenDocument files will not do: save the table as XLSX or CSV (UTF-8).
sheet-not-utf8 = The CSV file is not in UTF-8 (line { $line }). In Excel, save it as “CSV UTF-8”, or send an XLSX.
sheet-unreadable = The file could not be read ({ $why }). Send a CSV (UTF-8, separated by “;” or “,”) or an XLSX.
