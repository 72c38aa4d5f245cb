# Administration: divisions, people, invitations, the Registry, actualization, reminders, /stats.

## Команды

cmd-invites = открытые приглашения; пригласить наблюдателя или уполномоченное лицо
cmd-people = кто есть кто: роли, подразделения, отзыв доступа
cmd-divisions = подразделения: добавить, переименовать, упразднить

## Роли

role-admin = уполномоченное лицо
role-head = руководитель подразделения
role-viewer = наблюдатель
role-none = без доступа
role-with-division = { $role } «{ $division }»

## Общие

done = Готово.
admin-closed = Закрыто, ничего не изменено.

## Подразделения

divisions-title = <b>Подразделения</b> (действующих: { $count }):
divisions-none = Подразделений пока нет.
divisions-line = • { $name } — { $heads ->
    [0] нет руководителя
    [one] { $heads } руководитель
    [few] { $heads } руководителя
   *[many] { $heads } руководителей
}, { $rows ->
    [one] { $rows } строка
    [few] { $rows } строки
   *[many] { $rows } строк
}, { $functions ->
    [one] { $functions } функция
    [few] { $functions } функции
   *[many] { $functions } функций
}
divisions-line-retired = • <s>{ $name }</s> (упразднено)
divisions-button-retired = { $name } (упразднено)
btn-division-add = ➕ Добавить подразделение
btn-division-rename = Переименовать
btn-division-retire = Упразднить
btn-division-restore = Восстановить
division-card = <b>{ $name }</b> — { $status }
    Руководители: { $heads }
    Строк в перечне: { $rows }
    Функций и сервисов в Реестре: { $functions }
division-status-active = действует
division-status-retired = упразднено
division-confirmed = Актуальность строк подтверждена: { $date }
division-never-confirmed = Актуальность строк ещё не подтверждалась.
ask-division-name = Напишите название нового подразделения (не более { $max } символов).
ask-division-rename = Напишите новое название подразделения «{ $name }» (не более { $max } символов).
division-added = Добавлено подразделение «{ $name }».
division-restored = Подразделение «{ $name }» было упразднено и снова действует.
division-exists = Подразделение «{ $name }» уже есть. Напишите другое название или нажмите «Отмена».
division-renamed = Подразделение «{ $old }» переименовано в «{ $name }».
division-retired = Подразделение «{ $name }» упразднено.
division-in-use = Подразделение нельзя упразднить, пока от него зависят: руководители — { $heads }, строки перечня — { $rows }, функции Реестра — { $functions }. Сначала переведите руководителей, исключите или перенесите строки и функции.
division-gone = Этого подразделения больше нет или оно упразднено.
no-divisions-plain = Нет ни одного действующего подразделения. Добавьте его в /divisions.

## Люди

people-title = <b>Кто есть кто</b> (с доступом: { $count })
people-line = • { $name } (ID <code>{ $id }</code>)
people-line-head = • { $name } (ID <code>{ $id }</code>) — «{ $division }»
people-from-settings = — из настроек
people-hint = Нажмите на человека, чтобы изменить роль или подразделение либо отозвать доступ.
people-group-admin = Уполномоченные лица
people-group-head = Руководители подразделений
people-group-viewer = Наблюдатели
person-card = { $line }
    Роль: { $role }
    На рассмотрении: { $pending }
person-card-settings = { $name } (ID <code>{ $id }</code>) — уполномоченное лицо, назначенное в настройках бота. Эту роль можно изменить только там.
person-in-settings = Это уполномоченное лицо назначено в настройках бота: его роль нельзя изменить или отозвать в чате.
person-changed = Теперь: { $role }.
btn-make-admin = Сделать уполномоченным лицом
btn-make-head = Сделать руководителем подразделения…
btn-change-division = Перевести в другое подразделение…
btn-make-viewer = Сделать наблюдателем
btn-revoke-access = Отозвать доступ
btn-revoke-yes = Да, отозвать
choose-head-division = Руководителем какого подразделения будет { $name }?
revoke-confirm = Отозвать доступ к перечню? { $name } больше не сможет работать с ним. В очереди на рассмотрение останутся: { $pending }.
revoke-self = Свой собственный доступ отозвать нельзя.
change-self = Свою роль изменить нельзя: попросите другое уполномоченное лицо.
revoked = Доступ отозван: { $name }. В очереди на рассмотрение остаются: { $pending } — /pending.
your-role-changed = Ваша роль изменена: { $role }. Что вы можете делать — /help.
your-access-revoked = Ваш доступ к перечню точек взаимодействия отозван уполномоченным лицом. Отчёты, которые вы уже отправили, будут рассмотрены.

## Приглашения

invites-title = <b>Открытые приглашения</b>: { $count }
invites-line = • Роль: { $whom } · кто пригласил: { $by } · действует до { $expires }
invites-hint = Руководителя подразделения приглашают командой <code>/invite Название подразделения</code>. Приглашение действует { $days ->
    [one] { $days } день
    [few] { $days } дня
   *[many] { $days } дней
}.
btn-invite-revoke = ✖ Отозвать: { $whom } (до { $expires })
btn-invite-viewer = ➕ Наблюдатель
btn-invite-admin = ➕ Уполномоченное лицо
invite-link-role = Ссылка-приглашение (роль: { $role }):
    { $link }
    Ссылка одноразовая и действует до { $expires }. Перешлите её тому, кого приглашаете.
invite-revoked-done = Приглашение отозвано.
invite-not-open = Это приглашение уже использовано или отозвано либо истёк срок его действия.
invite-welcome-role = Приглашение принято: ваша роль — { $role }.
invite-accepted-role = Приглашение принято: { $name } (ID <code>{ $id }</code>) — теперь { $role }.
invite-division-retired = Подразделение «{ $division }» упразднено: пригласить в него нельзя. Восстановите его в /divisions.

## Реестр процессов (3.1)

cmd-registry = Реестр процессов: загрузка файлом и что осталось сделать
registry-kind-function = функция
registry-kind-service = сервис
registry-preview-title = <b>Реестр из файла «{ $file }»</b>: { $entries ->
    [one] { $entries } запись
    [few] { $entries } записи
   *[many] { $entries } записей
}. Что изменится:
registry-item = • { $code } — { $name } («{ $division }»)
registry-update-item = • { $code } — { $name }: { $changes }
registry-change-name = наименование «{ $old }» → «{ $new }»
registry-change-kind = вид: { $old } → { $new }
registry-change-direction = направление: { $old } → { $new }
registry-change-division = подразделение «{ $old }» → «{ $new }»{ $rows ->
    [0] {""}
    [one] {" "}(вместе с функцией перейдёт { $rows } строка перечня)
    [few] {" "}(вместе с функцией перейдут { $rows } строки перечня)
   *[many] {" "}(вместе с функцией перейдут { $rows } строк перечня)
}
registry-added = <b>Добавятся</b> ({ $count }):
registry-returned = <b>Вернутся в Реестр</b> ({ $count }):
registry-updated = <b>Изменятся</b> ({ $count }):
registry-removed = <b>Будут исключены из Реестра</b> ({ $count }):
registry-removed-rows = — в перечне { $rows ->
    [one] { $rows } строка
    [few] { $rows } строки
   *[many] { $rows } строк
}: руководителя подразделения попросят сообщить об исключении или переносе
registry-new-divisions = <b>Новые подразделения</b> ({ $count }):
registry-more = … и ещё { $count }
registry-unchanged = Без изменений: { $count }. Применить все изменения?
registry-nothing = Файл совпадает с Реестром (без изменений: { $count }): менять нечего.
btn-registry-apply = Применить
btn-registry-discard = Отменить
registry-applied = Реестр обновлён: добавлено { $added }, возвращено { $returned }, изменено { $updated }, исключено { $removed }, новых подразделений { $divisions }. Руководителям подразделений отправлены просьбы актуализировать перечень. Что осталось сделать — /registry.
registry-stale = Реестр изменился после предпросмотра, файл не применён. Пришлите его снова.
registry-decided = Этот файл уже { $status ->
    [applied] применён
    [discarded] отменён
   *[other] недействителен
}.
registry-discarded = Загрузка отменена, Реестр не изменился.
registry-file-too-large = Файл слишком большой: не более { $mb } МБ.
registry-error-empty = В файле нет записей Реестра.
registry-error-missing = В первой строке нет столбцов: { $columns }. Нужны столбцы Код, Наименование, Вид, Направление, Подразделение (в любом порядке). Если это перечень точек взаимодействия, нужна строка заголовков формы: «Направление деятельности», «Направление функции (сервиса)», «Точка взаимодействия», «Цель взаимодействия с клиентом», «Особенности взаимодействия с клиентом».
registry-error-duplicate-column = Столбец «{ $column }» указан дважды.
registry-error-rows = В файле { $count ->
    [one] { $count } ошибка
    [few] { $count } ошибки
   *[many] { $count } ошибок
}, ничего не загружено. Исправьте и пришлите файл снова:
registry-row = Строка { $line }: { $problem }
problem-empty = не заполнен столбец «{ $column }»
problem-too-long = в столбце «{ $column }» больше { $max } символов
problem-bad-kind = «Вид» должен быть «функция» или «сервис», а не «{ $value }»
problem-bad-direction = «Направление» должно быть 3.5.1, 3.5.2, 3.5.3 или формулировкой направления, а не «{ $value }»
problem-duplicate-code = код { $code } уже указан в строке { $first }

## Актуализация (5.1)

registry-status = <b>Реестр процессов</b>: действует { $active }, исключено { $removed }.
outstanding-removed-title = <b>Строки под функциями, исключёнными из Реестра</b> — исключить или перенести ({ $count }):
outstanding-removed-item = • «{ $division }»: { $code } — { $name }, { $rows ->
    [one] { $rows } строка
    [few] { $rows } строки
   *[many] { $rows } строк
}
outstanding-added-title = <b>Функции Реестра без точек взаимодействия</b> — подразделение должно сообщить о них ({ $count }):
outstanding-added-item = • «{ $division }»: { $code } — { $name }
outstanding-none = Всё актуально: по Реестру ничего не осталось сделать.
registry-how = Чтобы загрузить Реестр, пришлите файл CSV или XLSX со столбцами Код, Наименование, Вид, Направление, Подразделение.
actual-removed = Из Реестра процессов исключены функции (сервисы) вашего подразделения, под которыми в перечне остаются точки взаимодействия (п. 5.1):
actual-removed-item = • { $code } — { $name }: { $rows ->
    [one] { $rows } строка
    [few] { $rows } строки
   *[many] { $rows } строк
}
actual-removed-hint = Сообщите об исключении этих строк (/exclude, причина — «Функция (сервис) исключена из Реестра») или об их переносе под другую функцию (/change).
actual-added = В Реестр процессов добавлены функции (сервисы) вашего подразделения (п. 5.1):
actual-added-item = • { $code } — { $name }
actual-added-hint = Сообщите об их точках взаимодействия — /new.
registry-cli-dry-run = Ничего не записано: это предпросмотр. Чтобы применить, запустите команду снова с --yes.
registry-cli-applied = Реестр обновлён: добавлено { $added }, возвращено { $returned }, изменено { $updated }, исключено { $removed }, новых подразделений { $divisions }.

## Напоминания (5.2)

remind-head = <b>Проверьте перечень</b> (п. 5.2). Подразделение «{ $division }»: { $count }.
remind-row = № { $id }. { $kind } — { $point } ({ $function })
remind-row-flagged = — ⚠ функция исключена из Реестра: сообщите об исключении строки или о её переносе под другую функцию
remind-more = … и ещё { $count }: весь перечень — /list
remind-none = Точек взаимодействия подразделения в перечне пока нет. Если они есть, сообщите о них — /new.
remind-ask = Если всё верно, нажмите «Всё актуально». Если что-то изменилось — «Сообщить об изменениях».
btn-all-current = Всё актуально
btn-report-changes = Сообщить об изменениях
confirm-done = Подтверждено { $date }: перечень подразделения актуален. Спасибо!
confirm-already = Актуальность уже подтверждена { $date }. Если что-то изменилось, нажмите «Сообщить об изменениях».
confirm-only-head = Подтвердить актуальность может только руководитель подразделения.
report-changes-how = Сообщите об изменениях: /new — новая точка взаимодействия, /change — изменение точки, /exclude — исключение точки.
remind-summary = <b>Актуальность перечня</b> (напоминание от { $date }): нет подтверждения от { $count ->
    [one] { $count } подразделения
    [few] { $count } подразделений
   *[many] { $count } подразделений
}:
remind-summary-item = • «{ $division }» — { $heads }
remind-summary-all = <b>Актуальность перечня</b> (напоминание от { $date }): все подразделения подтвердили.
remind-summary-reached-all = <b>Актуальность перечня</b> (напоминание от { $date }): все, кому напоминание доставлено, подтвердили.
remind-summary-undelivered = Напоминание { $count ->
    [one] не получил { $count } руководитель
    [few] не получили { $count } руководителя
   *[many] не получили { $count } руководителей
}:
remind-summary-unreachable-item = • «{ $division }» — { $head }: нет связи (бот заблокирован или чат не найден)
remind-summary-undelivered-item = • «{ $division }» — { $head }: не удалось доставить (сбой связи с Telegram)

## /stats

cmd-stats = перечень в цифрах и диаграммой
stats-title = <b>Перечень в цифрах</b> на { $date }: { $rows }; на рассмотрении — { $pending }.
stats-by-direction = <b>По направлениям деятельности (п. 3.5)</b>
stats-by-kind = <b>По видам точек взаимодействия (п. 4.2)</b>
stats-channel = <b>Цифровые и офлайн (п. 4.1)</b>: цифровых — { $digital }, офлайн — { $offline }
stats-by-need = <b>По потребностям клиентов (п. 3.7)</b>
stats-by-division = <b>По подразделениям</b>
stats-line = { $code } { $label } — { $count }
stats-division-line = #{ $n } «{ $name }» — { $count }
stats-empty-divisions = <b>Подразделения без строк</b> ({ $count }): { $names }
stats-no-empty-divisions = У каждого подразделения есть строки в перечне.
stats-chart-caption = Перечень на { $date } в диаграммах: направления 3.5, виды 4.2, цифровые и офлайн 4.1, потребности 3.7, подразделения.

## The /stats chart (a picture: plain text, no markup)

chart-title = Перечень точек взаимодействия на { $date }
chart-subtitle = Всего в перечне: { $rows }; на рассмотрении — { $pending }
chart-by-direction = По направлениям деятельности (п. 3.5)
chart-by-kind = По видам точек взаимодействия (п. 4.2)
chart-by-channel = Цифровые и офлайн (п. 4.1)
chart-by-need = По потребностям клиентов (п. 3.7)
chart-by-need-note = Строка может отвечать нескольким потребностям, поэтому сумма может быть больше числа строк.
chart-by-division = По подразделениям
chart-by-division-note = Первые { $top } по числу строк из { $count }, остальные — одной полосой.
chart-item = { $code } { $label }
chart-digital = Цифровые
chart-offline = Офлайн
chart-others = Остальные подразделения ({ $count })
chart-no-data = Нет данных
