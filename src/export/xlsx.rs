//! The list as an XLSX workbook (rust_xlsxwriter): one sheet laid out as the appendix form
//! (the appendix caption right-aligned in merged rows above the title, a line a row),
//! landscape A4 fitted to the page width, with the headings and numbering row frozen on
//! screen and repeated on every printed page, and an autofilter on the headings.
//!
//! Every text goes in with `write_string*`, never `write`/a formula, so a cell whose text
//! begins with `=`, `+`, `-`, `@`, tab or CR is a string and stays one. Only column 1 (the
//! row number) is written as a number, so that the list sorts and filters by it.

use std::borrow::Cow;
use std::path::PathBuf;

use rust_xlsxwriter::{
    DocProperties, Format as CellFormat, FormatAlign, FormatBorder, RowNum, Workbook, Worksheet,
};

use super::form::{self, Form, HEADINGS, NUMBERING};
use super::ExportError;
use crate::domain::{Direction, Row};

/// Column widths, in Excel's character units.
const WIDTHS: [f64; 6] = [6.0, 24.0, 34.0, 42.0, 44.0, 32.0];
/// The last column (0-based).
const LAST_COL: u16 = 5;
/// Excel's paper code for A4.
const PAPER_A4: u8 = 9;
/// Excel's limit on a cell's text, in UTF-16 units.
const MAX_CELL: usize = 32_767;
/// The height of one line of the default font (Calibri 11), in points.
const LINE_HEIGHT: f64 = 15.0;
/// The zip's deflate level: the fastest. zlib's default (6) spends several times as long
/// for a file about a quarter smaller; the sheet's XML is most of an export's work.
const DEFLATE_LEVEL: u8 = 1;
/// Excel's tallest row, in points.
const MAX_ROW_HEIGHT: f64 = 409.0;

/// How many lines `text` takes in a wrapped cell `width` characters wide: greedy word
/// wrap, a word longer than a line broken across lines. An estimate, on the generous side
/// (a line holds a character less than the width), used to set each row's height: Excel
/// fits the height of a row itself when it draws it, but LibreOffice and other suites do
/// not recalculate it on opening an XLSX file, and a row one line high hides the rest.
fn wrapped_lines(text: &str, width: f64) -> usize {
    let cap = (width as usize).saturating_sub(1).max(1);
    form::lines(text)
        .map(|line| {
            let mut lines = 1;
            let mut used = 0;
            for word in line.split_whitespace() {
                let len = word.chars().count();
                let need = if used == 0 { len } else { used + 1 + len };
                if need <= cap {
                    used = need;
                } else if used == 0 {
                    // A word longer than the line, alone on its lines.
                    lines += (len - 1) / cap;
                    used = (len - 1) % cap + 1;
                } else {
                    lines += 1 + (len.max(1) - 1) / cap;
                    used = (len.max(1) - 1) % cap + 1;
                }
            }
            lines
        })
        .sum()
}

/// The height of a row holding these cells, in points.
fn row_height<'a>(cells: impl IntoIterator<Item = (&'a str, f64)>) -> f64 {
    let lines = cells
        .into_iter()
        .map(|(text, width)| wrapped_lines(text, width))
        .max()
        .unwrap_or(1);
    (lines as f64 * LINE_HEIGHT + 2.0).min(MAX_ROW_HEIGHT)
}

/// A text cut to what a cell holds, with `…` at the end when cut. Our own limits keep
/// texts far below it; this keeps an oversized text in the database from failing the file.
fn fit(text: &str) -> Cow<'_, str> {
    // UTF-16 never takes more units than UTF-8 takes bytes: most texts stop at the first test.
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

struct Formats {
    caption: CellFormat,
    title: CellFormat,
    scope: CellFormat,
    heading: CellFormat,
    numbering: CellFormat,
    section: CellFormat,
    number: CellFormat,
    text: CellFormat,
    note: CellFormat,
}

impl Formats {
    fn new() -> Formats {
        let boxed = || {
            CellFormat::new()
                .set_border(FormatBorder::Thin)
                .set_text_wrap()
        };
        Formats {
            caption: CellFormat::new().set_align(FormatAlign::Right),
            title: CellFormat::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            scope: CellFormat::new()
                .set_italic()
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            heading: boxed()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(0xD9D9D9),
            numbering: boxed()
                .set_align(FormatAlign::Center)
                .set_background_color(0xF2F2F2),
            section: boxed().set_bold().set_background_color(0xEDF3FA),
            number: boxed()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::Top),
            text: boxed().set_align(FormatAlign::Top),
            note: CellFormat::new().set_align(FormatAlign::Left),
        }
    }
}

/// Writes `text` across the six columns of `row`, merged.
fn merged(
    ws: &mut Worksheet,
    row: RowNum,
    text: &str,
    format: &CellFormat,
) -> Result<(), ExportError> {
    ws.merge_range(row, 0, row, LAST_COL, "", format)?;
    ws.write_string_with_format(row, 0, fit(text), format)?;
    Ok(())
}

/// A row of the list made ready for the sheet (its cells and the row's height), which a
/// thread other than the writing one can do: [`Sheet::prepared`] writes it.
pub(super) struct Prepared {
    direction: Direction,
    cells: [String; 6],
    height: f64,
}

/// Row `row` of the list, numbered `number`, made ready for the sheet.
pub(super) fn prepare(number: usize, row: &Row) -> Prepared {
    let cells = form::row_cells(number, row);
    Prepared {
        direction: row.data.direction,
        height: cells_height(&cells),
        cells,
    }
}

fn cells_height(cells: &[String; 6]) -> f64 {
    row_height(cells.iter().map(String::as_str).zip(WIDTHS))
}

/// Where the workbook keeps its rows while it is written.
pub(super) enum Memory {
    /// Every cell in memory until the file is saved (rust_xlsxwriter's standard mode): for
    /// the bot, which renders a list it has already read.
    Standard,
    /// Each row written out to a temporary file as soon as the next one begins, texts
    /// inline (rust_xlsxwriter's constant-memory mode): for a list streamed from the
    /// database. The file goes into the first of these directories that takes it; they
    /// should be on disk (the database's own): a tmpfs would hold the rows in memory all
    /// the same.
    Constant(Vec<PathBuf>),
}

/// The form being written, row by row, top to bottom: [`Sheet::begin`] writes everything
/// above the body, [`Sheet::row`] each row of the list (with a section line where the
/// direction changes), [`Sheet::finish`] the rest.
pub(super) struct Sheet {
    wb: Workbook,
    ws: Worksheet,
    f: Formats,
    /// The next row to write.
    r: RowNum,
    heading_row: RowNum,
    first_body_row: RowNum,
    section: Option<Direction>,
    /// The number the next row of the list gets.
    number: usize,
}

impl Sheet {
    /// Starts the workbook: caption, title, the scope and moment lines, headings, numbering.
    pub(super) fn begin(form: &Form, memory: Memory) -> Result<Sheet, ExportError> {
        let f = Formats::new();
        let mut wb = Workbook::new();
        wb.set_properties(&DocProperties::new().set_title(form.title));
        let mut ws = match memory {
            Memory::Standard => Worksheet::new(),
            Memory::Constant(dirs) => {
                let mut refused = None;
                for dir in &dirs {
                    match wb.set_tempdir(dir) {
                        Ok(_) => {
                            refused = None;
                            break;
                        }
                        Err(e) => refused = Some(e),
                    }
                }
                if let Some(e) = refused {
                    return Err(e.into());
                }
                wb.new_worksheet_with_constant_memory()?
            }
        };
        ws.set_name(form::SHEET_NAME)?;
        for (col, width) in (0u16..).zip(WIDTHS) {
            ws.set_column_width(col, width)?;
        }

        let mut r: RowNum = 0;
        for line in form.caption {
            merged(&mut ws, r, line, &f.caption)?;
            r += 1;
        }
        merged(&mut ws, r, form.title, &f.title)?;
        ws.set_row_height(r, 36)?;
        r += 1;
        for line in form.scope.iter().chain(&form.as_of) {
            merged(&mut ws, r, line, &f.scope)?;
            ws.set_row_height(r, row_height([(line.as_str(), WIDTHS.iter().sum())]))?;
            r += 1;
        }
        let heading_row = r;
        for (col, text) in (0u16..).zip(HEADINGS) {
            ws.write_string_with_format(r, col, text, &f.heading)?;
        }
        ws.set_row_height(r, row_height(HEADINGS.into_iter().zip(WIDTHS)))?;
        r += 1;
        for (col, text) in (0u16..).zip(NUMBERING) {
            ws.write_string_with_format(r, col, text, &f.numbering)?;
        }
        r += 1;
        Ok(Sheet {
            wb,
            ws,
            f,
            r,
            heading_row,
            first_body_row: r,
            section: None,
            number: form::FIRST_NUMBER,
        })
    }

    /// A section line: the direction's wording across the six columns.
    fn section(&mut self, direction: Direction) -> Result<(), ExportError> {
        merged(&mut self.ws, self.r, direction.full(), &self.f.section)?;
        self.r += 1;
        self.section = Some(direction);
        Ok(())
    }

    /// A row of the list made ready by [`prepare`], numbered as the next one; rows come
    /// grouped by direction in the Order's sequence, and a section line goes before the
    /// first of each direction.
    pub(super) fn prepared(&mut self, p: &Prepared) -> Result<(), ExportError> {
        if self.section != Some(p.direction) {
            self.section(p.direction)?;
        }
        self.write_cells(&p.cells, p.height)?;
        self.number += 1;
        Ok(())
    }

    /// A row's six cells, as laid out by [`form::row_cells`].
    fn cells(&mut self, cells: &[String; 6]) -> Result<(), ExportError> {
        self.write_cells(cells, cells_height(cells))
    }

    fn write_cells(&mut self, cells: &[String; 6], height: f64) -> Result<(), ExportError> {
        let (r, f) = (self.r, &self.f);
        match cells[0].parse::<u32>() {
            Ok(n) => self.ws.write_number_with_format(r, 0, n, &f.number)?,
            Err(_) => self
                .ws
                .write_string_with_format(r, 0, fit(&cells[0]), &f.number)?,
        };
        for (col, text) in (1u16..).zip(&cells[1..]) {
            self.ws
                .write_string_with_format(r, col, fit(text), &f.text)?;
        }
        self.ws.set_row_height(r, height)?;
        self.r += 1;
        Ok(())
    }

    /// The rows written so far.
    pub(super) fn rows(&self) -> usize {
        self.number - form::FIRST_NUMBER
    }

    /// Ends the form (the line saying the list is empty when no row came, the footnote,
    /// the date, the page set-up) and gives the workbook to be saved.
    pub(super) fn finish(mut self, form: &Form) -> Result<Workbook, ExportError> {
        let (ws, f) = (&mut self.ws, &self.f);
        let mut r = self.r;
        if self.number == form::FIRST_NUMBER {
            merged(ws, r, form.empty, &f.section)?;
            r += 1;
        }
        let last_body_row = r.saturating_sub(1).max(self.heading_row + 1);
        ws.write_string_with_format(r, 0, form.footnote, &f.note)?;
        r += 1;
        ws.write_string_with_format(r, 0, fit(&form.made_on), &f.note)?;

        ws.set_freeze_panes(self.first_body_row, 0)?;
        ws.autofilter(self.heading_row, 0, last_body_row, LAST_COL)?;
        ws.set_repeat_rows(self.heading_row, self.heading_row + 1)?;
        ws.set_landscape();
        ws.set_paper_size(PAPER_A4);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_print_center_horizontally(true);
        ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
        ws.set_footer("&C&P / &N");
        self.wb.push_worksheet(self.ws);
        self.wb.set_zip_compression_level(DEFLATE_LEVEL);
        Ok(self.wb)
    }
}

/// The list laid out in `form`, as the file's bytes.
pub(super) fn render(form: &Form) -> Result<Vec<u8>, ExportError> {
    let mut sheet = Sheet::begin(form, Memory::Standard)?;
    for section in &form.sections {
        sheet.section(section.direction)?;
        for cells in &section.rows {
            sheet.cells(cells)?;
            sheet.number += 1;
        }
    }
    Ok(sheet.finish(form)?.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_streamed_sheet_takes_the_first_directory_that_takes_its_rows() {
        let dir = tempfile::tempdir().unwrap();
        let form = Form::new(
            &[],
            None,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        );
        let missing = dir.path().join("no/such/dir");
        let memory = Memory::Constant(vec![missing.clone(), dir.path().to_path_buf()]);
        let mut sheet = Sheet::begin(&form, memory).unwrap();
        let row = crate::export::form::tests::row(1, Direction::Internal, "x");
        sheet.prepared(&prepare(1, &row)).unwrap();
        assert_eq!(sheet.rows(), 1);
        let bytes = sheet.finish(&form).unwrap().save_to_buffer().unwrap();
        assert!(bytes.starts_with(b"PK"));
        // None takes it: the error, not a panic.
        assert!(Sheet::begin(&form, Memory::Constant(vec![missing])).is_err());
    }

    #[test]
    fn wrapped_lines_counts_word_wrapped_lines() {
        assert_eq!(wrapped_lines("", 10.0), 1);
        assert_eq!(wrapped_lines("нет", 10.0), 1);
        // 9 characters a line at width 10.
        assert_eq!(wrapped_lines("aaaa bbbb", 10.0), 1);
        assert_eq!(wrapped_lines("aaaa bbbbb", 10.0), 2);
        assert_eq!(wrapped_lines("aaaa\nbbbb\r\ncc", 10.0), 3);
        // A long word is broken: 20 characters take 3 lines of 9.
        assert_eq!(wrapped_lines(&"x".repeat(20), 10.0), 3);
        assert_eq!(wrapped_lines(&format!("ab {}", "x".repeat(20)), 10.0), 4);
        assert_eq!(wrapped_lines("a b", 0.0), 2);
    }

    #[test]
    fn row_height_follows_the_tallest_cell_and_stops_at_excels_limit() {
        assert_eq!(row_height([("a", 10.0), ("b\nc", 10.0)]), 32.0);
        assert_eq!(
            row_height([("x\n".repeat(100).as_str(), 10.0)]),
            MAX_ROW_HEIGHT
        );
    }

    #[test]
    fn fit_keeps_short_texts_and_cuts_long_ones_on_a_char_boundary() {
        assert!(matches!(fit("короткий"), Cow::Borrowed("короткий")));
        let long = "я".repeat(MAX_CELL + 10);
        let cut = fit(&long);
        assert_eq!(cut.chars().count(), MAX_CELL);
        assert!(cut.ends_with('…'));
        // Many bytes, but within the limit in UTF-16 units: kept whole.
        let fits = "я".repeat(MAX_CELL);
        assert_eq!(fit(&fits).chars().count(), MAX_CELL);
        assert!(!fit(&fits).ends_with('…'));
        // Characters outside the BMP take two units each.
        let wide = "😀".repeat(MAX_CELL);
        let cut = fit(&wide);
        assert!(cut.encode_utf16().count() <= MAX_CELL);
    }
}
