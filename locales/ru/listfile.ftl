# Загрузка существующего перечня из файла (форма приложения)

list-import-title = <b>Перечень из файла «{ $file }»</b>: { $rows ->
    [one] { $rows } строка
    [few] { $rows } строки
   *[many] { $rows } строк
}.
list-import-adds = <b>Добавятся</b> ({ $count }):
list-import-direction = • { $code } { $direction }: { $count }
list-import-new-functions = <b>Функции (сервисы) не из Реестра, которые появятся</b> ({ $count }):
list-import-new-function = • { $name } («{ $division }»)
list-import-skipped = <b>Уже есть в перечне, пропускаются</b> ({ $count }):
list-import-skipped-item = • строка { $line }: { $function } — { $point }
list-import-more = … и ещё { $count }
list-import-clients = В файле не сказано, каких клиентов обслуживают { $count ->
    [one] { $count } строка
    [few] { $count } строки
   *[many] { $count } строк
}: для них берётся «{ $clients }». Кнопка «Клиенты» меняет это для всего файла.
list-import-confirm = Загрузить эти строки в перечень? Будут добавлены все строки файла или, если что-то помешает, ни одной.
list-import-nothing = Все строки файла уже есть в перечне: добавлять нечего.
btn-list-import-apply = Применить
btn-list-import-clients = Клиенты: { $clients }
btn-list-import-discard = Отменить
list-import-applied = Перечень загружен из файла «{ $file }»: { $added ->
    [one] добавлена { $added } строка
    [few] добавлены { $added } строки
   *[many] добавлено { $added } строк
}, уже были в перечне — { $skipped }.
list-import-discarded = Загрузка отменена, перечень не изменился.
list-import-decided = Этот файл уже { $status ->
    [applied] загружен
    [stale] не загружен: Реестр или перечень изменились
   *[other] отменён
}.
list-import-stale = Файл уже не ждёт загрузки. Пришлите его снова.
list-import-changed = После предпросмотра изменились Реестр или перечень, и теперь не все строки загружаются. Ничего не записано. Исправьте и пришлите файл снова:
list-import-cli-dry-run = Ничего не записано: это предпросмотр. Чтобы загрузить, запустите команду снова с --yes.
list-import-error-no-header = В файле не найдена строка заголовков перечня. Нужны столбцы формы: «Направление деятельности», «Направление функции (сервиса)», «Точка взаимодействия», «Цель взаимодействия с клиентом», «Особенности взаимодействия с клиентом» (и по желанию «Подразделение», «Клиенты»).
list-import-error-missing = В строке заголовков нет { $columns }.
list-import-error-duplicate-column = Столбец «{ $column }» указан дважды.
list-import-error-empty = Под заголовками нет ни одной строки перечня.
list-import-error-rows = В файле { $count ->
    [one] { $count } ошибка
    [few] { $count } ошибки
   *[many] { $count } ошибок
}, ничего не загружено. Исправьте и пришлите файл снова:
list-import-row = Строка { $line }: { $problem }
list-problem-empty = не заполнен столбец «{ $column }»
list-problem-too-long = в столбце «{ $column }» больше { $max } символов
list-problem-bad-direction = «{ $value }» — не направление деятельности (3.5.1, 3.5.2, 3.5.3 или его формулировка)
list-problem-bad-kind = «{ $value }» — не вид точки взаимодействия (4.2); столбец 4 пишется как «Вид: точка»
list-problem-no-point = в столбце 4 после вида не указана сама точка
list-problem-bad-need = «{ $value }» — не потребность клиента из пункта 3.7
list-problem-bad-clients = в столбце «Клиенты» «{ $value }»: нужно «внешние», «внутренние» или «внешние и внутренние»
list-problem-unknown-function = функции (сервиса) «{ $name }» нет в Реестре в этом направлении. Если её нет в Реестре, напишите «{ $name } — нет в Реестре» и заполните столбец «Подразделение»
list-problem-wrong-direction = функция (сервис) «{ $name }» в Реестре относится к направлению { $direction }
list-problem-ambiguous = функцию (сервис) «{ $name }» в Реестре выполняют несколько подразделений: укажите код в скобках или столбец «Подразделение»
list-problem-division-disagrees = в столбце «Подразделение» «{ $file }», а в Реестре эту функцию выполняет «{ $registry }»
list-problem-typed-without-division = функции (сервиса) нет в Реестре: нужен столбец «Подразделение»
list-problem-unknown-division = подразделения «{ $name }» нет
list-problem-repeats = та же точка той же функции уже в строке { $first }
help-files = Файлы: пришлите Реестр процессов (CSV или XLSX со столбцами Код, Наименование, Вид, Направление, Подразделение) или существующий перечень в форме приложения (XLSX или CSV, как его выдаёт /list, или только заголовки и строки) — бот различит их по заголовкам, покажет, что изменится, и запишет после «Применить».
