#!/usr/bin/env python3
"""The list in the Order's appendix form as XLSX, from a CSV of the rows: the script a user
would write instead of the bot's `touchpoints export` (issue 13, item 3). It is the other
side of `cargo bench --bench xlsx_vs_python`, not a part of the project.

Needs XlsxWriter:  pip install xlsxwriter
Run:               python3 benches/xlsx_form.py LIST.csv OUT.xlsx
LIST.csv is what `touchpoints export --format csv` writes (UTF-8 with a BOM, `;`); the
rows under the headings are copied into the same form: caption, title, headings, the
numbering row, a merged line per direction, the rows, the footnote and the date.
"""
import csv, sys, datetime
import xlsxwriter

src, out = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8-sig", newline="") as f:
    records = list(csv.reader(f, delimiter=";"))
head = next(i for i, r in enumerate(records) if r[0] == "№")
caption, titles = [r[0] for r in records[:9]], [r[0] for r in records[9:head]]
body = records[head + 2 : -2]

wb = xlsxwriter.Workbook(out)
ws = wb.add_worksheet("Перечень")
box = {"border": 1, "text_wrap": True, "valign": "top"}
fmt = {k: wb.add_format(v) for k, v in {
    "caption": {"align": "right"}, "title": {"bold": True, "font_size": 14, "align": "center"},
    "head": {**box, "bold": True, "align": "center", "bg_color": "#D9D9D9"},
    "section": {**box, "bold": True, "bg_color": "#EDF3FA"}, "text": box,
    "number": {**box, "align": "center"}}.items()}
for col, width in enumerate([6, 24, 34, 42, 44, 32]):
    ws.set_column(col, col, width)
r = 0
for line in caption:
    ws.merge_range(r, 0, r, 5, line, fmt["caption"]); r += 1
for line in titles:
    ws.merge_range(r, 0, r, 5, line, fmt["title"]); r += 1
ws.write_row(r, 0, records[head], fmt["head"]); ws.write_row(r + 1, 0, records[head + 1], fmt["number"])
head, r = r, r + 2
for rec in body:
    if not any(rec[1:]):
        ws.merge_range(r, 0, r, 5, rec[0], fmt["section"])
    else:
        ws.write_number(r, 0, int(rec[0]), fmt["number"])
        for col in range(1, 6):
            ws.write_string(r, col, rec[col].lstrip("'") if rec[col][:2] in ("'=", "'+", "'-", "'@") else rec[col], fmt["text"])
        ws.set_row(r, 15 * max(c.count("\n") + 1 + len(c) // 40 for c in rec) + 2)
    r += 1
ws.write_string(r, 0, "* В соответствии с пунктом 3.7 Порядка")
ws.write_string(r + 1, 0, "Сформировано: " + datetime.date.today().strftime("%d.%m.%Y"))
ws.freeze_panes(head + 2, 0); ws.autofilter(head, 0, r - 1, 5); ws.repeat_rows(head, head + 1)
ws.set_landscape(); ws.set_paper(9); ws.fit_to_pages(1, 0)
wb.close()
