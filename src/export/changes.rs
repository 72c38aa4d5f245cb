//! The changes of a period as a file (issue 11, item 5): one line per accepted change of
//! the list — when it was made (the administration's local time), what it was (added,
//! changed, excluded), where it came from (a report, a loaded list, the Registry), the
//! row's six columns as they became, for a change what changed (before → after), the
//! reason kind (5.1), the report's number, who reported and who decided.
//!
//! The cells of the six columns are the appendix form's own ([`super::form`]), so a row
//! reads here as it reads in the list; the file's other texts (title, headings, words)
//! come from the locales in the reader's language. [`Request::parse`] reads `/changes`'s
//! arguments; [`table`] lays the changes out; [`render`] makes the XLSX or CSV bytes (no
//! IO); [`changes_to_file`] is the CLI's `changes` command.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, FormatBorder, Workbook};
use sqlx::SqlitePool;

use super::form::{self, HEADINGS};
use crate::db::versions::Change;
use crate::domain::record::{ChangeKind, Origin};
use crate::domain::{Clients, Lang, ReasonKind, Row};
use crate::i18n::I18n;
use crate::tr;

/// The file formats of the changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangesFormat {
    Xlsx,
    Csv,
}

impl ChangesFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ChangesFormat::Xlsx => "xlsx",
            ChangesFormat::Csv => "csv",
        }
    }

    /// `xlsx` or `csv`, in any case.
    pub fn from_code(code: &str) -> Option<ChangesFormat> {
        [ChangesFormat::Xlsx, ChangesFormat::Csv]
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(code.trim()))
    }

    pub fn mime(self) -> &'static str {
        match self {
            ChangesFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ChangesFormat::Csv => "text/csv",
        }
    }
}

/// For the CLI's `--format`: the error names the value.
pub fn parse_format(s: &str) -> Result<ChangesFormat, String> {
    ChangesFormat::from_code(s).ok_or_else(|| format!("«{s}»: use xlsx or csv"))
}

/// How dates are written in chat and in the file.
pub const DATE: &str = "%d.%m.%Y";

/// A date as people type it: `01.11.2026` (or `1.11.2026`), or `2026-11-01`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%d.%m.%Y")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .ok()
        // Four-digit years only: `01.11.26` is not the year 26.
        .filter(|d| (1000..=9999).contains(&chrono::Datelike::year(d)))
}

/// What `/changes` asks for: a format and a period of local dates, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request {
    pub format: ChangesFormat,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Why `/changes`'s arguments were not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RequestError {
    /// No date given.
    Usage,
    /// Not a date (the text as typed).
    BadDate(String),
    /// A format other than XLSX or CSV (`docx`).
    BadFormat(String),
    /// More than one format or more than two dates.
    TooMany,
    /// The start after the end.
    Reversed { from: NaiveDate, to: NaiveDate },
}

impl Request {
    /// `[xlsx|csv] FROM [TO]` (the format word may stand anywhere): the end defaults to
    /// `today` (the local date now).
    pub fn parse(args: &str, today: NaiveDate) -> Result<Request, RequestError> {
        let mut format = None;
        let mut dates = vec![];
        for word in args.split_whitespace() {
            match ChangesFormat::from_code(word) {
                Some(f) if format.is_none() => format = Some(f),
                Some(_) => return Err(RequestError::TooMany),
                None if word.eq_ignore_ascii_case("docx") => {
                    return Err(RequestError::BadFormat(word.to_string()))
                }
                None => dates.push(word),
            }
        }
        let format = format.unwrap_or(ChangesFormat::Xlsx);
        let date = |s: &str| parse_date(s).ok_or_else(|| RequestError::BadDate(s.to_string()));
        let (from, to) = match dates.as_slice() {
            [] => return Err(RequestError::Usage),
            [from] => (date(from)?, today),
            [from, to] => (date(from)?, date(to)?),
            _ => return Err(RequestError::TooMany),
        };
        if from > to {
            return Err(RequestError::Reversed { from, to });
        }
        Ok(Request { format, from, to })
    }
}

/// The moments a period of local dates covers: from the start of `from` to the start of
/// the day after `to`, in UTC (`[start, end)`, as [`crate::db::versions::changes`] takes).
pub fn bounds(
    from: NaiveDate,
    to: NaiveDate,
    offset: FixedOffset,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |d: NaiveDate| {
        offset
            .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
            .single()
            .map(|t| t.with_timezone(&Utc))
            // A fixed offset has no gaps; the fallback only keeps this total.
            .unwrap_or_else(|| d.and_time(chrono::NaiveTime::MIN).and_utc())
    };
    let end = to
        .checked_add_signed(Duration::days(1))
        .map(start)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    (start(from), end)
}

/// The local date now.
pub fn today(offset: FixedOffset) -> NaiveDate {
    Utc::now().with_timezone(&offset).date_naive()
}

/// A cell of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Number(i64),
    /// A local date and time.
    Time(NaiveDateTime),
    Empty,
}

impl Cell {
    /// As text (the CSV's cell).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) => Cow::Borrowed(s),
            Cell::Number(n) => Cow::Owned(n.to_string()),
            Cell::Time(t) => Cow::Owned(t.format("%d.%m.%Y %H:%M").to_string()),
            Cell::Empty => Cow::Borrowed(""),
        }
    }
}

/// The changes laid out: a title, the headings, one line per change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub title: String,
    pub sheet: String,
    pub headings: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Column widths in the XLSX, in Excel's character units, in the order of [`table`]'s
/// headings.
const WIDTHS: [f64; 17] = [
    16.0, 12.0, 24.0, 8.0, 24.0, 32.0, 40.0, 40.0, 30.0, 24.0, 14.0, 44.0, 28.0, 9.0, 18.0, 18.0,
    8.0,
];

/// The changes as a table in `lang`, times shown at `offset`.
pub fn table(
    i: &I18n,
    lang: Lang,
    offset: FixedOffset,
    req: &Request,
    changes: &[Change],
) -> Table {
    let heading = |k: &str| i.label(lang, k);
    let mut headings = vec![
        tr!(i, lang, "changes-col-when", offset = offset.to_string()),
        heading("changes-col-what"),
        heading("changes-col-origin"),
        heading("changes-col-row"),
    ];
    headings.extend(HEADINGS[1..].iter().map(|h| h.to_string()));
    headings.extend(
        [
            "changes-col-division",
            "changes-col-clients",
            "changes-col-diff",
            "changes-col-reason",
            "changes-col-report",
            "changes-col-reporter",
            "changes-col-decider",
            "changes-col-version",
        ]
        .into_iter()
        .map(heading),
    );
    let rows = changes.iter().map(|c| line(i, lang, offset, c)).collect();
    Table {
        title: tr!(
            i,
            lang,
            "changes-title",
            from = req.from.format(DATE).to_string(),
            to = req.to.format(DATE).to_string()
        ),
        sheet: heading("changes-sheet"),
        headings,
        rows,
    }
}

fn clients_text(i: &I18n, lang: Lang, c: Clients) -> String {
    match c {
        Clients::External => tr!(i, lang, "clients-external"),
        Clients::Internal => tr!(i, lang, "clients-internal"),
        Clients::Both => tr!(i, lang, "clients-both"),
    }
}

fn reason_text(i: &I18n, lang: Lang, r: ReasonKind) -> String {
    match r {
        ReasonKind::Registry => tr!(i, lang, "changes-reason-registry"),
        ReasonKind::KindChanged => tr!(i, lang, "changes-reason-kind"),
        ReasonKind::NeedsChanged => tr!(i, lang, "changes-reason-needs"),
        ReasonKind::Other => tr!(i, lang, "changes-reason-other"),
    }
}

/// What a person is called in the file: the name the bot knows, else the Telegram id.
fn person(name: &Option<String>, id: Option<i64>) -> Cell {
    match (name, id) {
        (Some(n), _) => Cell::Text(n.clone()),
        (None, Some(id)) => Cell::Number(id),
        (None, None) => Cell::Empty,
    }
}

/// The fields a change is compared on: the five columns of the form after №, the
/// division and the clients. (name, text) pairs.
fn fields(i: &I18n, lang: Lang, row: &Row) -> Vec<(String, String)> {
    let name = |h: &str| h.trim_end_matches('*').to_string();
    vec![
        (name(HEADINGS[1]), row.data.direction.full().to_string()),
        (name(HEADINGS[2]), form::function_cell(row)),
        (name(HEADINGS[3]), form::touchpoint_cell(row)),
        (name(HEADINGS[4]), form::needs_cell(row)),
        (name(HEADINGS[5]), form::features_cell(row)),
        (
            i.label(lang, "changes-col-division"),
            row.division_name.clone(),
        ),
        (
            i.label(lang, "changes-col-clients"),
            clients_text(i, lang, row.data.clients),
        ),
    ]
}

/// `Field: before → after`, one per field that differs; a cell's lines joined by `; `.
pub fn diff(i: &I18n, lang: Lang, before: &Row, after: &Row) -> String {
    let flat = |s: &str| form::lines(s).collect::<Vec<_>>().join("; ");
    fields(i, lang, before)
        .into_iter()
        .zip(fields(i, lang, after))
        .filter(|((_, b), (_, a))| b != a)
        .map(|((field, b), (_, a))| {
            tr!(
                i,
                lang,
                "changes-diff-line",
                field = field,
                before = flat(&b),
                after = flat(&a)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn line(i: &I18n, lang: Lang, offset: FixedOffset, c: &Change) -> Vec<Cell> {
    let v = &c.version;
    let row = &v.row;
    let what = match c.kind {
        ChangeKind::Added => tr!(i, lang, "changes-kind-added"),
        ChangeKind::Changed => tr!(i, lang, "changes-kind-changed"),
        ChangeKind::Excluded => tr!(i, lang, "changes-kind-excluded"),
    };
    let origin = match &v.origin {
        Some(Origin::Report(_)) => tr!(i, lang, "changes-origin-report"),
        Some(Origin::Import(file)) => tr!(i, lang, "changes-origin-import", file = file),
        Some(Origin::Registry(id)) => tr!(i, lang, "changes-origin-registry", id = *id),
        None => tr!(i, lang, "changes-origin-unknown"),
    };
    let diff = match (&c.before, c.kind) {
        (Some(b), ChangeKind::Changed) => Cell::Text(diff(i, lang, &b.row, row)),
        _ => Cell::Empty,
    };
    let mut cells = vec![
        Cell::Time(v.at.with_timezone(&offset).naive_local()),
        Cell::Text(what),
        Cell::Text(origin),
        Cell::Number(row.id),
    ];
    let [_, c2, c3, c4, c5, c6] = form::row_cells(0, row);
    cells.extend([c2, c3, c4, c5, c6].map(Cell::Text));
    cells.extend([
        Cell::Text(row.division_name.clone()),
        Cell::Text(clients_text(i, lang, row.data.clients)),
        diff,
        c.reason
            .map(|r| Cell::Text(reason_text(i, lang, r)))
            .unwrap_or(Cell::Empty),
        v.origin
            .as_ref()
            .and_then(Origin::request_id)
            .map(Cell::Number)
            .unwrap_or(Cell::Empty),
        person(&c.reporter, v.reported_by),
        person(&c.acceptor, v.accepted_by),
        Cell::Number(row.version),
    ]);
    cells
}

/// Why the file could not be made or written.
#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("CSV: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the task failed: {0}")]
    Task(String),
}

/// The file's bytes.
pub fn render(format: ChangesFormat, t: &Table) -> Result<Vec<u8>, ChangesError> {
    match format {
        ChangesFormat::Xlsx => xlsx(t),
        ChangesFormat::Csv => csv(t),
    }
}

/// The byte order mark, as the list's CSV has it (Excel reads the file as UTF-8).
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// As the list's CSV (`export/csv.rs`): UTF-8 with a BOM, `;`, CRLF, the title in the
/// first field of the first record, every record as wide as the headings, and a cell that
/// a spreadsheet would take for a formula neutralised.
fn csv(t: &Table) -> Result<Vec<u8>, ChangesError> {
    let mut out = Vec::with_capacity(BOM.len() + 512 + t.rows.len() * 512);
    out.extend_from_slice(BOM);
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    let width = t.headings.len();
    let mut title = vec![super::neutralise_csv_cell(&t.title).into_owned()];
    title.resize(width, String::new());
    w.write_record(&title)?;
    w.write_record(
        t.headings
            .iter()
            .map(|h| super::neutralise_csv_cell(h))
            .map(|c| c.into_owned()),
    )?;
    for row in &t.rows {
        w.write_record(
            row.iter()
                .map(|c| super::neutralise_csv_cell(&c.text()).into_owned()),
        )?;
    }
    w.into_inner()
        .map_err(|e| ChangesError::Csv(e.into_error().into()))
}

/// Excel's limit on a cell's text, in UTF-16 units.
const MAX_CELL: usize = 32_767;
/// One line of the default font, in points; Excel's tallest row.
const LINE_HEIGHT: f64 = 15.0;
const MAX_ROW_HEIGHT: f64 = 409.0;

fn fit(text: &str) -> Cow<'_, str> {
    if text.len() <= MAX_CELL || text.encode_utf16().count() <= MAX_CELL {
        return Cow::Borrowed(text);
    }
    let mut units = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL - 1 {
            break;
        }
        end = i + c.len_utf8();
    }
    Cow::Owned(format!("{}…", &text[..end]))
}

/// Roughly how many lines a text takes wrapped in a column this wide (LibreOffice does
/// not fit a row's height on opening, so the file sets it).
fn lines_in(text: &str, width: f64) -> usize {
    let per_line = (width as usize).saturating_sub(1).max(1);
    form::lines(text)
        .map(|l| l.chars().count().div_ceil(per_line).max(1))
        .sum()
}

/// One sheet: the title, the headings (frozen, with a filter), a line per change; every
/// text written as a string (never a formula), numbers and times as such.
fn xlsx(t: &Table) -> Result<Vec<u8>, ChangesError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(t.sheet.chars().take(31).collect::<String>())?;
    let title = CellFormat::new().set_bold().set_font_size(14);
    let heading = CellFormat::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_background_color(rust_xlsxwriter::Color::RGB(0xEE_EE_EE));
    let text = CellFormat::new()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let time = text.clone().set_num_format("dd.mm.yyyy hh:mm");
    let width = |c: usize| WIDTHS.get(c).copied().unwrap_or(20.0);
    for c in 0..t.headings.len() {
        sheet.set_column_width(c as u16, width(c))?;
    }
    sheet.write_string_with_format(0, 0, form::xml_safe(&t.title), &title)?;
    for (c, h) in t.headings.iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, h.as_str(), &heading)?;
    }
    let last_col = t.headings.len().saturating_sub(1) as u16;
    sheet.set_freeze_panes(2, 0)?;
    let mut r: u32 = 2;
    for row in &t.rows {
        let mut lines = 1;
        for (c, cell) in row.iter().enumerate() {
            let col = c as u16;
            match cell {
                Cell::Text(s) => {
                    let s = form::xml_safe(s);
                    lines = lines.max(lines_in(&s, width(c)));
                    sheet.write_string_with_format(r, col, fit(&s), &text)?;
                }
                Cell::Number(n) => {
                    sheet.write_number_with_format(r, col, *n as f64, &text)?;
                }
                Cell::Time(at) => {
                    use chrono::{Datelike, Timelike};
                    let d = ExcelDateTime::from_ymd(
                        at.year() as u16,
                        at.month() as u8,
                        at.day() as u8,
                    )?
                    .and_hms(
                        at.hour() as u16,
                        at.minute() as u8,
                        at.second(),
                    )?;
                    sheet.write_datetime_with_format(r, col, d, &time)?;
                }
                Cell::Empty => {
                    sheet.write_blank(r, col, &text)?;
                }
            }
        }
        sheet.set_row_height(r, (lines as f64 * LINE_HEIGHT + 2.0).min(MAX_ROW_HEIGHT))?;
        r += 1;
    }
    sheet.autofilter(1, 0, r.saturating_sub(1).max(1), last_col)?;
    Ok(book.save_to_buffer()?)
}

/// The file's name: `Изменения_перечня_2026-11-01_2026-11-30.xlsx`.
pub fn file_name(i: &I18n, lang: Lang, format: ChangesFormat, req: &Request) -> String {
    format!(
        "{}_{}_{}.{}",
        tr!(i, lang, "changes-file-stem"),
        req.from.format("%Y-%m-%d"),
        req.to.format("%Y-%m-%d"),
        format.extension()
    )
}

/// What the CLI's `changes` wrote: `None` when the period has no changes (no file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub changes: usize,
    pub bytes: usize,
}

/// Reads the period's changes, renders them and writes the file whole (beside its name
/// first, then renamed); into `output` under [`file_name`] when it is a directory. An
/// empty period writes nothing and gives `None`.
pub async fn changes_to_file(
    pool: &SqlitePool,
    i: &I18n,
    lang: Lang,
    offset: FixedOffset,
    req: &Request,
    output: &Path,
) -> Result<Option<Written>, ChangesError> {
    let (from, to) = bounds(req.from, req.to, offset);
    let changes = crate::db::versions::changes(pool, from, to).await?;
    if changes.is_empty() {
        return Ok(None);
    }
    let t = table(i, lang, offset, req, &changes);
    let path = if output.is_dir() {
        output.join(file_name(i, lang, req.format, req))
    } else {
        output.to_path_buf()
    };
    let format = req.format;
    let n = changes.len();
    tokio::task::spawn_blocking(move || {
        let bytes = render(format, &t)?;
        write_whole(&path, &bytes)?;
        Ok(Some(Written {
            path,
            changes: n,
            bytes: bytes.len(),
        }))
    })
    .await
    .map_err(|e| ChangesError::Task(e.to_string()))?
}

fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), ChangesError> {
    let io = |source| ChangesError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".part");
    let tmp = path.with_file_name(tmp_name);
    if let Err(e) = std::fs::write(&tmp, bytes) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::versions::Version;
    use crate::domain::RowStatus;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn dates_read_as_people_write_them() {
        assert_eq!(
            d("01.11.2026"),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
        );
        assert_eq!(d("1.11.2026"), d("2026-11-01"));
        for bad in [
            "32.11.2026",
            "01.13.2026",
            "01.11.26",
            "завтра",
            "29.02.2026",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_request_reads_format_and_dates_and_names_what_is_wrong() {
        let today = d("06.12.2026");
        let p = |s: &str| Request::parse(s, today);
        assert_eq!(
            p("01.11.2026 30.11.2026"),
            Ok(Request {
                format: ChangesFormat::Xlsx,
                from: d("01.11.2026"),
                to: d("30.11.2026")
            })
        );
        assert_eq!(
            p("CSV 01.11.2026"),
            Ok(Request {
                format: ChangesFormat::Csv,
                from: d("01.11.2026"),
                to: today
            })
        );
        assert_eq!(p("01.11.2026 csv"), p("csv 01.11.2026"));
        assert_eq!(p("csv xlsx 01.11.2026"), Err(RequestError::TooMany));
        assert_eq!(p(""), Err(RequestError::Usage));
        assert_eq!(p("csv"), Err(RequestError::Usage));
        assert_eq!(
            p("docx 01.11.2026"),
            Err(RequestError::BadFormat("docx".into()))
        );
        assert_eq!(
            p("01.11.2026 31.11.2026"),
            Err(RequestError::BadDate("31.11.2026".into()))
        );
        assert_eq!(
            p("pdf 01.11.2026"),
            Err(RequestError::BadDate("pdf".into()))
        );
        assert_eq!(
            p("01.11.2026 02.11.2026 03.11.2026"),
            Err(RequestError::TooMany)
        );
        assert_eq!(
            p("30.11.2026 01.11.2026"),
            Err(RequestError::Reversed {
                from: d("30.11.2026"),
                to: d("01.11.2026")
            })
        );
        // A period of one day is a period.
        assert!(p("06.12.2026 06.12.2026").is_ok());
    }

    #[test]
    fn the_period_is_the_local_days_both_inclusive() {
        let msk = FixedOffset::east_opt(3 * 3600).unwrap();
        let (a, b) = bounds(d("01.11.2026"), d("30.11.2026"), msk);
        assert_eq!(crate::db::ts(a), "2026-10-31T21:00:00Z");
        assert_eq!(crate::db::ts(b), "2026-11-30T21:00:00Z");
        let (a, b) = bounds(
            d("01.11.2026"),
            d("01.11.2026"),
            FixedOffset::east_opt(0).unwrap(),
        );
        assert_eq!(b - a, Duration::days(1));
    }

    fn row(point: &str) -> Row {
        let mut r = form::tests::row(7, crate::domain::Direction::Appeals, point);
        r.division_name = "Отдел обращений".into();
        r
    }

    fn version(r: Row, origin: Origin) -> Version {
        Version {
            row: r,
            at: crate::db::parse_ts("2026-11-02T09:30:00Z"),
            valid_to: None,
            origin: Some(origin),
            reported_by: Some(200),
            accepted_by: Some(100),
        }
    }

    fn changed() -> Change {
        let before = row("lenobl.ru");
        let mut after = row("lenobl.ru/new");
        after.version = 2;
        after.data.needs.insert(crate::domain::Need::Consultation);
        Change {
            kind: ChangeKind::Changed,
            version: version(after, Origin::Report(12)),
            before: Some(version(before, Origin::Report(3))),
            reason: Some(ReasonKind::NeedsChanged),
            reporter: Some("Ирина".into()),
            acceptor: None,
        }
    }

    #[test]
    fn a_line_has_the_time_kind_columns_what_changed_and_who() {
        let i = I18n::load().unwrap();
        let msk = FixedOffset::east_opt(3 * 3600).unwrap();
        let req = Request::parse("01.11.2026 30.11.2026", d("06.12.2026")).unwrap();
        let t = table(&i, Lang::Ru, msk, &req, &[changed()]);
        assert_eq!(t.headings.len(), WIDTHS.len());
        assert_eq!(t.headings[4], HEADINGS[1]);
        assert_eq!(t.headings[8], HEADINGS[5]);
        assert_eq!(
            t.title,
            "Изменения перечня точек взаимодействия с 01.11.2026 по 30.11.2026"
        );
        let cells: Vec<String> = t.rows[0].iter().map(|c| c.text().into_owned()).collect();
        assert_eq!(cells[0], "02.11.2026 12:30", "local time");
        assert_eq!(cells[1], "изменена");
        assert_eq!(cells[2], "отчёт");
        assert_eq!(cells[3], "7");
        assert!(
            cells[6].ends_with(": lenobl.ru/new (цифровая)"),
            "{}",
            cells[6]
        );
        assert!(
            cells[11].contains("lenobl.ru (цифровая) → ")
                && cells[11].contains("Получение консультации"),
            "{}",
            cells[11]
        );
        assert_eq!(
            cells[11].lines().count(),
            2,
            "point and needs: {}",
            cells[11]
        );
        assert!(cells[12].starts_with("5.1.3"), "{}", cells[12]);
        assert_eq!(&cells[13..], ["12", "Ирина", "100", "2"]);
        // An exclusion says what it was, with no diff.
        let mut c = changed();
        c.kind = ChangeKind::Excluded;
        c.version.row.status = RowStatus::Excluded;
        c.version.origin = Some(Origin::Registry(4));
        c.reason = None;
        let t = table(&i, Lang::En, msk, &req, &[c]);
        let cells: Vec<String> = t.rows[0].iter().map(|c| c.text().into_owned()).collect();
        assert_eq!(cells[1], "excluded");
        assert!(cells[2].contains("No.\u{a0}4"), "{}", cells[2]);
        assert_eq!(
            (cells[11].as_str(), cells[12].as_str(), cells[13].as_str()),
            ("", "", "")
        );
    }

    #[test]
    fn both_formats_read_back() {
        let i = I18n::load().unwrap();
        let msk = FixedOffset::east_opt(3 * 3600).unwrap();
        let req = Request::parse("01.11.2026", d("06.12.2026")).unwrap();
        let mut c = changed();
        c.version.row.data.point = "=1+1".into();
        let t = table(&i, Lang::Ru, msk, &req, &[c]);
        let bytes = render(ChangesFormat::Csv, &t).unwrap();
        assert!(bytes.starts_with(BOM));
        let text = String::from_utf8(bytes[BOM.len()..].to_vec()).unwrap();
        let mut r = ::csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .from_reader(text.as_bytes());
        let recs: Vec<Vec<String>> = r
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect();
        assert_eq!(recs.len(), 3);
        assert!(recs.iter().all(|r| r.len() == t.headings.len()));
        assert_eq!(recs[1], t.headings);
        assert_eq!(recs[2][0], "02.11.2026 12:30");
        assert!(recs[2][6].contains(": =1+1 ("), "{}", recs[2][6]);
        let bytes = render(ChangesFormat::Xlsx, &t).unwrap();
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(range.get_value((0, 0)).unwrap().to_string(), t.title);
        assert_eq!(
            range.get_value((1, 11)).unwrap().to_string(),
            t.headings[11]
        );
        assert_eq!(range.get_value((2, 1)).unwrap().to_string(), "изменена");
        assert_eq!(range.get_value((2, 3)), Some(&calamine::Data::Float(7.0)));
        assert!(matches!(
            range.get_value((2, 0)),
            Some(calamine::Data::DateTime(_))
        ));
    }

    #[test]
    fn file_names_carry_the_period() {
        let i = I18n::load().unwrap();
        let req = Request::parse("csv 01.11.2026 30.11.2026", d("06.12.2026")).unwrap();
        assert_eq!(
            file_name(&i, Lang::Ru, req.format, &req),
            "Изменения_перечня_2026-11-01_2026-11-30.csv"
        );
    }
}
