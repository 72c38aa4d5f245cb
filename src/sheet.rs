//! The one reader of the tables people send the bot: a CSV or an XLSX in, its rows out, each
//! with the row number a spreadsheet shows for it. Pure: bytes in, rows out; no teloxide,
//! no database, no IO. Every file is untrusted, so every size is bounded before it costs
//! memory, and a refusal is a typed [`Refusal`] that the caller turns into a message
//! ([`describe`]).
//!
//! **XLSX** is a ZIP package of XML parts. Before calamine opens it, every part is inflated
//! once with a limit ([`Limits::max_part`], [`Limits::max_unpacked`]): a part's declared
//! size is checked, and then its actual size, so neither a zip bomb nor a header that lies
//! about its size gets past. The shared strings' declared count (calamine reserves room for
//! that many strings up front) must fit the part it stands in. Then the first sheet's cells
//! are read as a stream, never as a rectangle: calamine's `worksheet_range` allocates
//! rows × columns for the cells' span, so a single cell at `XFD1048576` would ask for
//! 17 billion cells and abort the process. A cell with content right of
//! [`Limits::max_columns`], or a row with content beyond [`Limits::max_rows`], refuses the
//! file as soon as it arrives.
//!
//! **CSV** is UTF-8 with or without a BOM, separated by `;` or `,` (the one that splits the
//! first records into the most consistent columns; Excel's `sep=;` first line is obeyed),
//! with LF, CRLF or CR line ends and quoted fields that may hold line breaks.
//!
//! **Row numbers** are those a spreadsheet shows: for XLSX the sheet's own row number; for
//! a CSV the row Excel or LibreOffice puts the record on when it opens the file — a blank
//! line is a row of its own, a quoted cell with line breaks stays in one row. (The csv
//! crate's `position().line()` counts neither right: it miscounts CRLF and blank lines.)
//! Rows without any content are dropped; a row's cells end at its last cell with content.

use std::collections::btree_map::{BTreeMap, Entry};
use std::collections::HashMap;
use std::io::{self, Cursor, Read};

use crate::domain::Lang;
use crate::i18n::I18n;
use crate::tr;

/// What a file may hold. The caller chooses; [`Limits::DEFAULT`] suits a list of a few
/// thousand rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest file, in bytes, as sent.
    pub max_bytes: usize,
    /// The most rows with content (a header and captions included).
    pub max_rows: usize,
    /// The most columns: content in a cell further right refuses the file.
    pub max_columns: usize,
    /// The most bytes one part of an XLSX package may inflate to.
    pub max_part: u64,
    /// The most bytes all the parts of an XLSX package may inflate to together.
    pub max_unpacked: u64,
}

const MIB: usize = 1024 * 1024;

impl Limits {
    pub const DEFAULT: Limits = Limits {
        max_bytes: 10 * MIB,
        max_rows: 20_000,
        max_columns: 50,
        max_part: 64 * MIB as u64,
        max_unpacked: 128 * MIB as u64,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// How the file was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

/// One row with content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The row number a spreadsheet shows (1-based).
    pub number: usize,
    /// The cells from column A up to the last one with content; empty cells between are
    /// empty strings. Texts as the file has them (not trimmed).
    pub cells: Vec<String>,
}

/// A file's first sheet: its rows with content, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub format: Format,
    pub rows: Vec<Row>,
}

/// Why a file is not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The file is larger than [`Limits::max_bytes`].
    TooLarge { max_bytes: usize },
    /// An XLSX inflates to more than a limit (a part, or all of them): a zip bomb, or not a
    /// table a person keeps.
    Unpacked { max_bytes: u64 },
    /// More rows with content than [`Limits::max_rows`].
    TooManyRows { max: usize },
    /// Content in column `column` (1-based) of row `row`, right of the limit.
    TooManyColumns {
        row: usize,
        column: usize,
        max: usize,
    },
    /// Neither CSV text nor an XLSX workbook: a PDF, an old XLS, a password-protected or
    /// OpenDocument file, a picture.
    NotATable,
    /// Text, but not UTF-8 (Excel's plain «CSV» is saved in the ANSI code page); the line
    /// of the first byte that is not.
    NotUtf8 { line: usize },
    /// A damaged file; what the parser said (technical, in English).
    Unreadable(String),
}

/// Reads a CSV or an XLSX (recognised by its content, whatever its name) within `limits`.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Table, Refusal> {
    if bytes.len() > limits.max_bytes {
        return Err(Refusal::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        // A panic in the parsers of a crafted package (calamine subtracts a dimension's
        // corners unchecked, for one) is a refusal too, not a lost update.
        let rows = std::panic::catch_unwind(|| read_xlsx(bytes, limits)).unwrap_or_else(|p| {
            let why = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(Refusal::Unreadable(format!("XLSX: {why}")))
        })?;
        return Ok(Table {
            format: Format::Xlsx,
            rows,
        });
    }
    Ok(Table {
        format: Format::Csv,
        rows: read_csv(bytes, limits)?,
    })
}

/// A column's letters as a spreadsheet names it: 1 → `A`, 27 → `AA`, 16384 → `XFD`.
pub fn column_name(column: usize) -> String {
    let mut n = column.max(1);
    let mut letters = vec![];
    while n > 0 {
        let d = (n - 1) % 26;
        letters.push(b'A' + d as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A refusal as a message (`esc` escapes the parser's words for HTML, or copies them).
pub fn describe(i: &I18n, lang: Lang, r: &Refusal, esc: &dyn Fn(&str) -> String) -> String {
    let mb = |bytes: u64| bytes.div_ceil(MIB as u64);
    match r {
        Refusal::TooLarge { max_bytes } => {
            tr!(i, lang, "sheet-too-large", mb = mb(*max_bytes as u64))
        }
        Refusal::Unpacked { max_bytes } => tr!(i, lang, "sheet-unpacked", mb = mb(*max_bytes)),
        Refusal::TooManyRows { max } => tr!(i, lang, "sheet-too-many-rows", max = *max),
        Refusal::TooManyColumns { row, column, max } => tr!(
            i,
            lang,
            "sheet-too-many-columns",
            cell = format!("{}{row}", column_name(*column)),
            max = *max,
            last = column_name(*max)
        ),
        Refusal::NotATable => tr!(i, lang, "sheet-not-a-table"),
        Refusal::NotUtf8 { line } => tr!(i, lang, "sheet-not-utf8", line = *line),
        Refusal::Unreadable(why) => tr!(i, lang, "sheet-unreadable", why = esc(why)),
    }
}

// ---------------------------------------------------------------------------------------
// XLSX

fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Vec<Row>, Refusal> {
    use calamine::{Reader, Xlsx, XlsxError};
    check_package(bytes, limits)?;
    let unreadable = |e: XlsxError| match e {
        // A ZIP that is no workbook: a DOCX, an ODS, an archive.
        XlsxError::FileNotFound(_)
        | XlsxError::RelationshipNotFound
        | XlsxError::WorksheetNotFound(_)
        | XlsxError::NotAWorksheet(_) => Refusal::NotATable,
        e => Refusal::Unreadable(format!("XLSX: {e}")),
    };
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?;
    let Some(first) = book.sheet_names().first().cloned() else {
        return Err(Refusal::NotATable);
    };
    let mut cells = book.worksheet_cells_reader(&first).map_err(unreadable)?;
    // Cells come in the sheet's order, which a crafted file may shuffle: rows are kept by
    // number, and only rows with content count.
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    while let Some(cell) = cells.next_cell().map_err(unreadable)? {
        let (r, c) = cell.get_position();
        let text = cell_text(cell.get_value().clone());
        if text.trim().is_empty() {
            continue;
        }
        let (row, column) = (r as usize + 1, c as usize + 1);
        if column > limits.max_columns {
            return Err(Refusal::TooManyColumns {
                row,
                column,
                max: limits.max_columns,
            });
        }
        let count = rows.len();
        let cells = match rows.entry(r) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => {
                if count >= limits.max_rows {
                    return Err(Refusal::TooManyRows {
                        max: limits.max_rows,
                    });
                }
                v.insert(vec![])
            }
        };
        if cells.len() < column {
            cells.resize(column, String::new());
        }
        cells[column - 1] = text;
    }
    Ok(rows
        .into_iter()
        .map(|(r, cells)| Row {
            number: r as usize + 1,
            cells,
        })
        .collect())
}

/// A cell as text, as a spreadsheet in Russia shows it: whole numbers without a fraction (a
/// code typed as `12` is `12`, not `12.0`), a date as `01.12.2026` (with ` 14:30` when it
/// has a time), not as Excel's serial number.
fn cell_text(v: calamine::DataRef<'_>) -> String {
    use calamine::{Data, DataRef};
    match v {
        DataRef::DateTime(d) if d.is_datetime() => {
            let (y, mo, day, h, mi, _, _) = d.to_ymd_hms_milli();
            if (h, mi) == (0, 0) {
                format!("{day:02}.{mo:02}.{y:04}")
            } else {
                format!("{day:02}.{mo:02}.{y:04} {h:02}:{mi:02}")
            }
        }
        DataRef::Empty => String::new(),
        DataRef::String(s) => s,
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(n) => n.to_string(),
        other => Data::from(other).to_string(),
    }
}

/// Inflates every part of the package once, within the limits, before calamine reads any.
fn check_package(bytes: &[u8], limits: &Limits) -> Result<(), Refusal> {
    let damaged = |e: &dyn std::fmt::Display| Refusal::Unreadable(format!("XLSX: {e}"));
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    let mut total: u64 = 0;
    for index in 0..zip.len() {
        let mut part = zip.by_index(index).map_err(|e| damaged(&e))?;
        let left = limits.max_unpacked.saturating_sub(total);
        let (room, limit) = if limits.max_part <= left {
            (limits.max_part, limits.max_part)
        } else {
            (left, limits.max_unpacked)
        };
        let too_large = Refusal::Unpacked { max_bytes: limit };
        // The declared size first (it costs nothing), then the actual one: a header may lie.
        if part.size() > room {
            return Err(too_large);
        }
        // By the name calamine looks parts up by (decoded, perhaps from a Unicode extra
        // field), and by the raw one.
        let shared = |name: &[u8]| name.to_ascii_lowercase().ends_with(b"sharedstrings.xml");
        let shared_strings =
            shared(part.name_raw()) || part.name().map_or(true, |n| shared(n.as_bytes()));
        let mut limited = (&mut part).take(room + 1);
        let inflated = if shared_strings {
            let mut xml = Vec::with_capacity(part_capacity(room));
            limited.read_to_end(&mut xml).map_err(|e| damaged(&e))?;
            if xml.len() as u64 <= room {
                check_string_count(&xml)?;
            }
            xml.len() as u64
        } else {
            io::copy(&mut limited, &mut io::sink()).map_err(|e| damaged(&e))?
        };
        if inflated > room {
            return Err(too_large);
        }
        total += inflated;
    }
    Ok(())
}

/// Room reserved up front for a part read into memory: small, it grows as it is read.
fn part_capacity(room: u64) -> usize {
    room.min(64 * 1024) as usize
}

/// calamine reserves room for as many strings as the shared strings part declares
/// (`uniqueCount`), before it reads one: a crafted count would ask for terabytes. Each
/// string takes at least five bytes of the part (`<si/>`), so an honest count cannot
/// exceed a fifth of its size. Every `uniqueCount="…"` in the part is checked, wherever it
/// stands, since no XML parsing here can be allowed to disagree with calamine's.
fn check_string_count(xml: &[u8]) -> Result<(), Refusal> {
    const NAME: &[u8] = b"uniqueCount";
    let most = (xml.len() / 5 + 1) as u128;
    let space = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut from = 0;
    while let Some(at) = find(&xml[from..], NAME) {
        let mut i = from + at + NAME.len();
        from = i;
        while xml.get(i).is_some_and(space) {
            i += 1;
        }
        if xml.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while xml.get(i).is_some_and(space) {
            i += 1;
        }
        let Some(&quote) = xml.get(i).filter(|q| matches!(q, b'"' | b'\'')) else {
            continue;
        };
        let value = &xml[i + 1..];
        let value = &value[..value
            .iter()
            .position(|b| *b == quote)
            .unwrap_or(value.len())];
        // Any run of digits in the value, leading zeros and all, read as a number.
        let declared = value
            .split(|b| !b.is_ascii_digit())
            .map(|digits| {
                digits.iter().fold(0u128, |n, d| {
                    n.saturating_mul(10).saturating_add(u128::from(d - b'0'))
                })
            })
            .max()
            .unwrap_or(0);
        if declared > most {
            return Err(Refusal::Unreadable(format!(
                "XLSX: the shared strings declare {declared} strings in {} bytes",
                xml.len()
            )));
        }
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------------------------------
// CSV

/// How many records the separator is guessed from.
const SNIFF_RECORDS: usize = 30;

fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Vec<Row>, Refusal> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // UTF-16 (Excel's «Unicode text»): text, but not UTF-8.
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Refusal::NotUtf8 { line: 1 });
    }
    // No text file holds a NUL; a PDF or a picture does.
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) || bytes.starts_with(b"%PDF-") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return Err(Refusal::NotATable);
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(Refusal::NotUtf8 {
            line: 1 + breaks(&bytes[..e.valid_up_to()]),
        });
    }
    // Excel's own hint, a first line `sep=;`: it sets the separator and is not shown.
    let (body, delimiter) = match sep_line(bytes) {
        Some((delimiter, rest)) => (rest, delimiter),
        None => (bytes, sniff(bytes)),
    };
    let mut reader = csv_reader(delimiter, body);
    let mut record = csv::ByteRecord::new();
    let mut rows = vec![];
    // Where the previous record started and how many line breaks its cells hold.
    let mut previous: Option<(usize, usize)> = None;
    let mut number = 0;
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(Refusal::Unreadable(format!("CSV: {e}"))),
        }
        // The record's first byte: the reader's position may stand before the blank
        // lines it skipped, or between the CR and LF of the previous line end.
        let start = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(body.len());
        let start = start
            + body[start..]
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
        // Every line break from the previous record's start to this one's begins a row,
        // except those inside that record's quoted cells.
        number = match previous {
            None => 1 + breaks(&body[..start]),
            Some((from, inside)) => number + breaks(&body[from..start]).saturating_sub(inside),
        };
        previous = Some((start, record.iter().map(breaks).sum()));
        let Some(last) = record.iter().rposition(|f| !is_blank(f)) else {
            continue;
        };
        if last >= limits.max_columns {
            return Err(Refusal::TooManyColumns {
                row: number,
                column: last + 1,
                max: limits.max_columns,
            });
        }
        if rows.len() >= limits.max_rows {
            return Err(Refusal::TooManyRows {
                max: limits.max_rows,
            });
        }
        let cells = record.iter().take(last + 1).map(cell_from_csv).collect();
        rows.push(Row { number, cells });
    }
    Ok(rows)
}

/// A field as a cell: a line break inside it is LF, as a spreadsheet keeps it.
fn cell_from_csv(field: &[u8]) -> String {
    // The whole file is UTF-8, and a field is a run of it with `""` made `"`.
    let text = String::from_utf8_lossy(field);
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.into_owned()
    }
}

fn csv_reader(delimiter: u8, body: &[u8]) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(body)
}

fn is_blank(field: &[u8]) -> bool {
    std::str::from_utf8(field).is_ok_and(|s| s.trim().is_empty())
}

/// Line breaks as a spreadsheet counts them: CRLF, LF and a lone CR are one each.
fn breaks(bytes: &[u8]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => n += 1,
            b'\r' => {
                n += 1;
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    n
}

/// `sep=X` alone on the first line: X and what follows the line.
fn sep_line(bytes: &[u8]) -> Option<(u8, &[u8])> {
    let rest = bytes.strip_prefix(b"sep=")?;
    let (&sep, rest) = rest.split_first()?;
    if !matches!(sep, b';' | b',' | b'\t' | b'|') {
        return None;
    }
    let rest = match rest {
        [] => rest,
        [b'\r', b'\n', rest @ ..] | [b'\n', rest @ ..] | [b'\r', rest @ ..] => rest,
        _ => return None,
    };
    Some((sep, rest))
}

/// `;` or `,`: the one that splits the first records into the most rows of one width
/// (more than one column), then into more columns; `;` (Excel in Russian) when neither
/// splits anything.
fn sniff(body: &[u8]) -> u8 {
    let mut best = (b';', (0, 0));
    for delimiter in [b';', b','] {
        let mut widths: HashMap<usize, usize> = HashMap::new();
        for record in csv_reader(delimiter, body)
            .byte_records()
            .take(SNIFF_RECORDS)
        {
            let Ok(record) = record else { break };
            if record.len() > 1 {
                *widths.entry(record.len()).or_default() += 1;
            }
        }
        let score = widths
            .into_iter()
            .map(|(width, rows)| (rows, width))
            .max()
            .unwrap_or((0, 0));
        if score > best.1 {
            best = (delimiter, score);
        }
    }
    best.0
}

#[cfg(test)]
mod tests;
