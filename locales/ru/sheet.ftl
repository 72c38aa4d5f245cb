## A table sent as a file (CSV or XLSX) that is not read: the one reader's refusals
## (`sheet::describe`), for the Registry and any other file the bot reads.

sheet-too-large = Файл слишком большой: не более { $mb } МБ.
sheet-unpacked = Файл XLSX в распакованном виде больше { $mb } МБ — так много таблица не занимает. Сохраните её заново или пришлите как CSV.
sheet-too-many-rows = В файле слишком много строк: не более { $max }.
sheet-too-many-columns = В ячейке { $cell } есть данные, а таблица может занимать не больше { $max } { $max ->
        [one] столбца
       *[other] столбцов
    } (до { $last }). Очистите лишние ячейки и пришлите файл снова.
sheet-not-a-table = Не удалось прочитать файл: это не таблица CSV или XLSX. Старый формат XLS, файлы с паролем и файлы OpenDocument не подходят: сохраните таблицу как XLSX или CSV (UTF-8).
sheet-not-utf8 = Файл CSV не в кодировке UTF-8 (строка { $line }). В Excel сохраните его как «CSV UTF-8» или пришлите XLSX.
sheet-unreadable = Не удалось прочитать файл ({ $why }). Нужен CSV (UTF-8, разделитель «;» или «,») или XLSX.
