//! The list as a file (issue 5): the Order's appendix form as XLSX, DOCX or CSV.
//!
//! [`render`] takes rows of the list (as [`crate::db::touchpoints::list_active`] returns
//! them) and gives the file's bytes; it does no IO and knows nothing of Telegram, so the
//! bot sends the bytes and the CLI writes them. Rendering is CPU work (a 10,000-row list
//! takes a noticeable fraction of a second), so an async caller runs it on a blocking
//! thread (`tokio::task::spawn_blocking`).
//!
//! The layout, and every fixed text of the form, is in [`form`]; each format's writer
//! only decides how the form's lines look.
//!
//! [`export_to_file`] is the CLI's `export` command: it reads the rows from the database,
//! renders them and writes the file.

pub mod changes;
mod csv;
mod docx;
pub mod form;
mod xlsx;

use std::path::{Path, PathBuf};

use chrono::{FixedOffset, NaiveDate, Utc};
use sqlx::SqlitePool;

use crate::db;
use crate::db::touchpoints::Filter;
use crate::domain::{Direction, Moment, MomentError, Row};

pub use self::csv::neutralise as neutralise_csv_cell;
pub use form::scope_text;

/// A file format of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Xlsx,
    Docx,
    Csv,
}

impl Format {
    /// Every format, the default (XLSX) first.
    pub const ALL: &'static [Format] = &[Format::Xlsx, Format::Docx, Format::Csv];

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
            Format::Csv => "csv",
        }
    }

    /// Reads `xlsx`, `docx` or `csv`, in any case, spaces around ignored.
    pub fn from_code(code: &str) -> Option<Format> {
        let code = code.trim();
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.extension().eq_ignore_ascii_case(code))
    }

    /// The MIME type to send the file with.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Csv => "text/csv",
        }
    }
}

/// What the file says about itself besides its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    /// The date the file was made, shown at its end (`Сформировано: 28.11.2026`).
    pub made_on: NaiveDate,
    /// Which part of the list the file holds (a direction's or a division's name), shown
    /// under the title; `None` for the whole list. See [`scope_text`].
    pub scope: Option<String>,
    /// For the list as it stood at a moment: that moment (said under the title) and
    /// whether it is before the list's first record (the form is then empty, and says so).
    pub as_of: Option<AsOf>,
}

/// The moment a file shows the list as it stood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AsOf {
    pub moment: Moment,
    /// Nothing had been recorded in the list by then.
    pub before_first: bool,
}

impl Meta {
    /// The meta of a file made on `made_on` from the rows a filter chose, with the scope
    /// line naming the direction and the division (by name) when given.
    pub fn for_filter(
        made_on: NaiveDate,
        direction: Option<Direction>,
        division: Option<&str>,
    ) -> Meta {
        Meta {
            made_on,
            scope: scope_text(direction, division),
            as_of: None,
        }
    }

    /// The same meta, for the list as it stood at a moment.
    pub fn at(self, as_of: AsOf) -> Meta {
        Meta {
            as_of: Some(as_of),
            ..self
        }
    }
}

/// Why a file could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("«{0}» is not a file format: use xlsx, docx or csv")]
    UnknownFormat(String),
    #[error("«{0}» is not a direction of activity: use 3.5.1, 3.5.2 or 3.5.3")]
    UnknownDirection(String),
    #[error("no division is named «{name}»; {}", known_divisions(.known))]
    UnknownDivision { name: String, known: Vec<String> },
    #[error("{0} has not come yet: the list can be shown as it stood up to now")]
    Future(String),
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("DOCX: {0}")]
    Docx(String),
    #[error("CSV: {0}")]
    Csv(String),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("reading the database: {0}")]
    Read(String),
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the export task failed: {0}")]
    Task(String),
}

impl From<::csv::Error> for ExportError {
    fn from(e: ::csv::Error) -> Self {
        ExportError::Csv(e.to_string())
    }
}

/// How many known division names an error message lists before it stops.
const KNOWN_SHOWN: usize = 20;

fn known_divisions(known: &[String]) -> String {
    if known.is_empty() {
        return "there are no divisions yet".to_string();
    }
    let mut s = format!(
        "known divisions: {}",
        known
            .iter()
            .take(KNOWN_SHOWN)
            .map(|n| format!("«{n}»"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if known.len() > KNOWN_SHOWN {
        s.push_str(&format!(" and {} more", known.len() - KNOWN_SHOWN));
    }
    s
}

/// Reads a format name (see [`Format::from_code`]); the error names the value.
pub fn parse_format(s: &str) -> Result<Format, ExportError> {
    Format::from_code(s).ok_or_else(|| ExportError::UnknownFormat(s.to_string()))
}

/// Reads a moment for `export --at`: `2026-12-01` (the end of that day) or
/// `2026-12-01 14:30` (the start of that minute), local time; `01.12.2026` is read too.
pub fn parse_moment(s: &str) -> Result<Moment, String> {
    Moment::parse(s).map_err(|e| match e {
        MomentError::Form => format!(
            "«{}» is not a date: use 2026-12-01 (the end of that day) or \"2026-12-01 14:30\"",
            s.trim()
        ),
        MomentError::NoSuchDate => format!("«{}»: there is no such date or time", s.trim()),
    })
}

/// Reads a direction of activity: its code (`3.5.1`) or its full wording, in any case.
/// The error names the value.
pub fn parse_direction(s: &str) -> Result<Direction, ExportError> {
    let t = normalise_name(s);
    Direction::ALL
        .iter()
        .copied()
        .find(|d| d.code() == t || d.full().to_lowercase() == t)
        .ok_or_else(|| ExportError::UnknownDirection(s.to_string()))
}

/// A name as compared: spaces trimmed and collapsed, lower case.
fn normalise_name(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The file's name: `Перечень_точек_взаимодействия_2026-11-28.xlsx`.
pub fn file_name(format: Format, made_on: NaiveDate) -> String {
    format!(
        "{}_{}.{}",
        form::FILE_STEM,
        made_on.format("%Y-%m-%d"),
        format.extension()
    )
}

/// The list in the appendix form as a file in `format`. `rows` are grouped into the
/// sections by direction in the Order's sequence; within a direction their order is kept.
/// An empty `rows` gives a valid file with the headings and a line saying the list is empty.
pub fn render(format: Format, rows: &[Row], meta: &Meta) -> Result<Vec<u8>, ExportError> {
    let mut form = form::Form::new(rows, meta.scope.as_deref(), meta.made_on);
    if let Some(at) = meta.as_of {
        form = form.at(at.moment, at.before_first);
    }
    match format {
        Format::Xlsx => xlsx::render(&form),
        Format::Docx => docx::render(&form),
        Format::Csv => csv::render(&form),
    }
}

/// What the CLI's `export` command asks for.
#[derive(Debug, Clone)]
pub struct FileExport<'a> {
    pub format: Format,
    pub direction: Option<Direction>,
    /// A division's name, matched without regard to case and extra spaces.
    pub division: Option<&'a str>,
    /// The file to write; when it is an existing directory, the file goes into it under
    /// [`file_name`].
    pub output: &'a Path,
    pub made_on: NaiveDate,
    /// The list as it stood at this moment (local time at `offset`) rather than now.
    pub at: Option<Moment>,
    /// The administration's offset from UTC (`TOUCHPOINTS_UTC_OFFSET`), for `at`.
    pub offset: FixedOffset,
}

/// What [`export_to_file`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub path: PathBuf,
    pub rows: usize,
    pub bytes: usize,
}

/// Finds a division (in use) by name, without regard to case and extra spaces.
pub async fn find_division(
    pool: &SqlitePool,
    name: &str,
) -> Result<db::divisions::Division, ExportError> {
    let all = db::divisions::list(pool).await?;
    let wanted = normalise_name(name);
    match all.iter().find(|d| normalise_name(&d.name) == wanted) {
        Some(d) => Ok(d.clone()),
        None => Err(ExportError::UnknownDivision {
            name: name.trim().to_string(),
            known: all.into_iter().map(|d| d.name).collect(),
        }),
    }
}

/// Reads the current list (filtered by direction and division), renders it and writes the
/// file. The file appears whole or not at all: it is written beside its final name first,
/// then renamed.
///
/// An XLSX file is streamed: each row goes from the query to the workbook, which writes it
/// out to a temporary file in the database's directory (rust_xlsxwriter's constant-memory
/// mode), and the package is zipped straight into the file; so the list is never held in
/// memory whole, as rows, cells or bytes. The other formats are rendered in memory.
pub async fn export_to_file(
    pool: &SqlitePool,
    req: &FileExport<'_>,
) -> Result<Exported, ExportError> {
    let division = match req.division {
        Some(name) => Some(find_division(pool, name).await?),
        None => None,
    };
    let filter = Filter {
        direction: req.direction,
        division_id: division.as_ref().map(|d| d.id),
    };
    let meta = Meta::for_filter(
        req.made_on,
        req.direction,
        division.as_ref().map(|d| d.name.as_str()),
    );
    let path = if req.output.is_dir() {
        req.output.join(file_name(req.format, req.made_on))
    } else {
        req.output.to_path_buf()
    };
    let (rows, meta) = match req.at {
        None if req.format == Format::Xlsx => return stream_xlsx(pool, filter, &meta, path).await,
        None => (db::touchpoints::list_active(pool, filter).await?, meta),
        Some(moment) => {
            let at = moment.instant(req.offset);
            if at > Utc::now() {
                return Err(ExportError::Future(match moment {
                    Moment::EndOfDay(d) => format!("the end of {}", d.format("%Y-%m-%d")),
                    Moment::Minute(t) => t.format("%Y-%m-%d %H:%M").to_string(),
                }));
            }
            let before_first = !db::versions::any_before(pool, at).await?;
            let rows = db::versions::list_at(pool, at, filter).await?;
            (
                rows,
                meta.at(AsOf {
                    moment,
                    before_first,
                }),
            )
        }
    };
    let format = req.format;
    tokio::task::spawn_blocking(move || {
        let bytes = render(format, &rows, &meta)?;
        write_whole(&path, &bytes)?;
        Ok(Exported {
            path,
            rows: rows.len(),
            bytes: bytes.len(),
        })
    })
    .await
    .map_err(|e| ExportError::Task(e.to_string()))?
}

/// The directories a streamed workbook may keep its rows in while it is written, in order
/// of preference: the database's own (on disk, writable by whoever writes the database),
/// then the output's.
fn scratch_dirs(pool: &SqlitePool, output: &Path) -> Vec<PathBuf> {
    let db_dir = pool
        .connect_options()
        .get_filename()
        .parent()
        .map(Path::to_path_buf);
    let out_dir = output.parent().map(Path::to_path_buf);
    db_dir
        .into_iter()
        .chain(out_dir)
        .map(|d| {
            if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d
            }
        })
        .collect()
}

/// The current list as XLSX, row by row from the query into the file (see
/// [`export_to_file`]), on a blocking thread and one more: the rows are read through
/// SQLite's own API ([`db::touchpoints::read_active`]) on one, and written out on the other
/// as they come.
async fn stream_xlsx(
    pool: &SqlitePool,
    filter: Filter,
    meta: &Meta,
    path: PathBuf,
) -> Result<Exported, ExportError> {
    let db_path = pool.connect_options().get_filename().to_path_buf();
    let scratch = scratch_dirs(pool, &path);
    let form = form::Form::new(&[], meta.scope.as_deref(), meta.made_on);
    tokio::task::spawn_blocking(move || {
        let mut sheet = xlsx::Sheet::begin(&form, xlsx::Memory::Constant(scratch))?;
        // Two threads: one steps SQLite and lays the rows out (cells, heights), this one
        // writes them; they pass rows in batches (a handoff a row would cost more than it saves), a few
        // batches ahead at most, so memory stays bounded.
        std::thread::scope(|scope| -> Result<(), ExportError> {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<xlsx::Prepared>>(BATCHES_AHEAD);
            let reader = scope.spawn(move || {
                let mut batch = Vec::with_capacity(BATCH);
                let mut number = form::FIRST_NUMBER;
                let read = db::touchpoints::read_active(&db_path, filter, |row| {
                    batch.push(xlsx::prepare(number, &row));
                    number += 1;
                    if batch.len() == BATCH {
                        // The writer stopped (it failed): stop reading.
                        tx.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                            .map_err(|_| ())?;
                    }
                    Ok(())
                });
                if read.is_ok() && !batch.is_empty() {
                    let _ = tx.send(batch);
                }
                read
            });
            for batch in rx {
                for row in &batch {
                    sheet.prepared(row)?;
                }
            }
            match reader.join() {
                Ok(Ok(())) => Ok(()),
                Ok(Err(db::touchpoints::ReadError::Db(e))) => Err(ExportError::Read(e.to_string())),
                // The writer's own error was returned above, before the reader stopped.
                Ok(Err(db::touchpoints::ReadError::Caller(()))) => {
                    Err(ExportError::Task("the rows stopped".to_string()))
                }
                Err(_) => Err(ExportError::Task("reading the rows panicked".to_string())),
            }
        })?;
        let rows = sheet.rows();
        let mut workbook = sheet.finish(&form)?;
        let part = part_path(&path);
        let io = |source| ExportError::Io {
            path: path.clone(),
            source,
        };
        if let Err(e) = workbook.save(&part) {
            let _ = std::fs::remove_file(&part);
            return Err(e.into());
        }
        let bytes = std::fs::metadata(&part).map_err(io)?.len() as usize;
        std::fs::rename(&part, &path).map_err(|e| {
            let _ = std::fs::remove_file(&part);
            io(e)
        })?;
        Ok(Exported { path, rows, bytes })
    })
    .await
    .map_err(|e| ExportError::Task(e.to_string()))?
}

/// Rows handed from the reading thread to the writing one at a time, and how many such
/// batches may wait.
const BATCH: usize = 256;
const BATCHES_AHEAD: usize = 4;

/// Where a file is written before it is renamed to `path`: beside it, `.part` added.
fn part_path(path: &Path) -> PathBuf {
    let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
    tmp_name.push(".part");
    path.with_file_name(tmp_name)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it to `path`.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let io = |source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    };
    let tmp = part_path(path);
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

    #[test]
    fn formats_read_their_codes_in_any_case() {
        for f in Format::ALL {
            assert_eq!(Format::from_code(f.extension()), Some(*f));
            assert_eq!(
                Format::from_code(&format!(" {} ", f.extension().to_uppercase())),
                Some(*f)
            );
        }
        assert_eq!(Format::from_code("pdf"), None);
        assert_eq!(Format::from_code(""), None);
        assert_eq!(Format::Csv.mime(), "text/csv");
        assert!(Format::Xlsx.mime().ends_with("spreadsheetml.sheet"));
        assert!(Format::Docx.mime().ends_with("wordprocessingml.document"));
    }

    #[test]
    fn bad_values_are_named_in_the_error() {
        let e = parse_format("PDF").unwrap_err().to_string();
        assert!(e.contains("«PDF»"), "{e}");
        let e = parse_direction("3.5.4").unwrap_err().to_string();
        assert!(e.contains("«3.5.4»"), "{e}");
    }

    #[test]
    fn directions_read_by_code_or_wording() {
        assert_eq!(parse_direction("3.5.2").ok(), Some(Direction::Information));
        assert_eq!(
            parse_direction("  организация   отношений с внутренним клиентом ").ok(),
            Some(Direction::Internal)
        );
    }

    #[test]
    fn file_name_has_stem_date_and_extension() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(
            file_name(Format::Xlsx, d),
            "Перечень_точек_взаимодействия_2026-11-28.xlsx"
        );
        assert_eq!(
            file_name(Format::Csv, d),
            "Перечень_точек_взаимодействия_2026-11-28.csv"
        );
    }

    #[test]
    fn unknown_division_lists_the_known_ones() {
        let e = ExportError::UnknownDivision {
            name: "Отдел Х".into(),
            known: vec!["Отдел А".into(), "Отдел Б".into()],
        }
        .to_string();
        assert_eq!(
            e,
            "no division is named «Отдел Х»; known divisions: «Отдел А», «Отдел Б»"
        );
        let e = ExportError::UnknownDivision {
            name: "x".into(),
            known: vec![],
        }
        .to_string();
        assert!(e.ends_with("there are no divisions yet"), "{e}");
        let many: Vec<String> = (0..25).map(|i| i.to_string()).collect();
        assert!(known_divisions(&many).ends_with(" and 5 more"));
    }

    #[test]
    fn meta_for_filter_names_the_scope() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        assert_eq!(Meta::for_filter(d, None, None).scope, None);
        assert_eq!(
            Meta::for_filter(d, None, Some("Отдел")).scope.as_deref(),
            Some("Структурное подразделение: Отдел")
        );
    }

    #[test]
    fn write_whole_replaces_the_file_and_leaves_no_part_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("list.csv");
        write_whole(&p, b"one").unwrap();
        write_whole(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert!(!dir.path().join("list.csv.part").exists());
        let missing = dir.path().join("no/such/dir/list.csv");
        let e = write_whole(&missing, b"x").unwrap_err().to_string();
        assert!(e.contains("list.csv"), "{e}");
    }
}
