## /changes: изменения перечня за период (файл) и `touchpoints changes`

cmd-changes = изменения перечня за период (файл)
only-overseers = Изменения перечня доступны уполномоченному лицу и наблюдателям.
changes-usage = Укажите период: <code>/changes 01.11.2026 30.11.2026</code> (обе даты включительно; без второй даты — по сегодня). Файл XLSX; для CSV: <code>/changes csv 01.11.2026</code>.
changes-bad-date = «{ $text }» — не дата. Пишите даты так: 01.11.2026.
changes-bad-format = Изменения перечня выгружаются в XLSX или CSV, не в «{ $format }»: <code>/changes csv 01.11.2026</code>.
changes-too-many = Укажите не больше двух дат (начало и конец периода) и один формат, например <code>/changes 01.11.2026 30.11.2026</code>.
changes-reversed = Начало периода ({ $from }) позже его конца ({ $to }). Укажите сначала раннюю дату.
changes-none = С { $from } по { $to } принятых изменений перечня нет. Файл не сформирован.
changes-count = { $count ->
    [one] { $count } изменение
    [few] { $count } изменения
   *[many] { $count } изменений
}
changes-caption = Изменения перечня с { $from } по { $to }: { $changes }.

## Файл изменений

changes-title = Изменения перечня точек взаимодействия с { $from } по { $to }
changes-sheet = Изменения
changes-file-stem = Изменения_перечня
changes-col-when = Когда (UTC{ $offset })
changes-col-what = Изменение
changes-col-origin = Источник
changes-col-row = № строки
changes-col-division = Подразделение
changes-col-clients = Клиенты
changes-col-diff = Что изменилось (было → стало)
changes-col-reason = Основание (п. 5.1)
changes-col-report = № отчёта
changes-col-reporter = Сообщил
changes-col-decider = Решил
changes-col-version = Версия строки
changes-kind-added = добавлена
changes-kind-changed = изменена
changes-kind-excluded = исключена
changes-origin-report = отчёт
changes-origin-import = загрузка перечня из файла «{ $file }»
changes-origin-registry = изменение Реестра процессов (загрузка № { $id })
changes-origin-unknown = не записан
changes-reason-registry = 5.1.1: включение в Реестр или исключение из Реестра
changes-reason-kind = 5.1.2: изменение вида точки взаимодействия
changes-reason-needs = 5.1.3: изменение удовлетворяемых потребностей клиента
changes-reason-other = иная причина
changes-diff-line = { $field }: { $before } → { $after }

## Командная строка

changes-cli-written = { $path }: { $changes }, { $bytes ->
    [one] { $bytes } байт
    [few] { $bytes } байта
   *[many] { $bytes } байт
}
changes-cli-none = С { $from } по { $to } принятых изменений перечня нет; файл не записан.
