//! The list as CSV, for Excel as Russian offices run it.
//!
//! - **UTF-8 with a BOM** (`EF BB BF`): without it Excel reads the file in the ANSI code
//!   page and the Cyrillic comes out garbled.
//! - **`;` as the separator**: Excel splits a CSV on the system's list separator, which in
//!   the Russian locale is `;` (the decimal separator there is `,`). A `sep=;` first line
//!   would force it regardless of locale, but Excel then ignores the BOM, so it is not used.
//! - **CRLF** line ends between records; a line break inside a cell (column 5 lists the
//!   needs one per line) stays inside its quoted field.
//! - Every record has six fields, so readers that refuse ragged files read it too: the
//!   appendix caption (one record a line of the Order), title, scope, section, footnote and
//!   date lines carry their text in the first field. The headings row is the first record
//!   whose six fields are the six headings, so a reader finds it after any number of such
//!   lines.
//! - **Formula injection** (OWASP, "CSV Injection"): a cell whose text begins with `=`,
//!   `+`, `-`, `@`, tab or carriage return would be taken by a spreadsheet as a formula, so
//!   it is written with a single quote `'` in front. The XLSX and DOCX files need no such
//!   change: there every text is written as text.

use std::borrow::Cow;

use super::form::{Form, HEADINGS, NUMBERING};
use super::ExportError;

/// The byte order mark that tells Excel the file is UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The field separator.
pub const DELIMITER: u8 = b';';

/// The characters that make a spreadsheet read a cell as a formula when they begin it.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell's text made safe to open in a spreadsheet: prefixed with `'` when it begins with
/// a character that starts a formula, unchanged otherwise.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

fn as_bytes(s: Cow<'_, str>) -> Cow<'_, [u8]> {
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(b.as_bytes()),
        Cow::Owned(o) => Cow::Owned(o.into_bytes()),
    }
}

pub(super) fn render(form: &Form) -> Result<Vec<u8>, ExportError> {
    // A rough guess at the size, so the buffer grows once or twice rather than twenty times.
    let mut out = Vec::with_capacity(BOM.len() + 1024 + form.row_count() * 512);
    out.extend_from_slice(BOM);
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(DELIMITER)
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .from_writer(out);

    let line = |w: &mut ::csv::Writer<Vec<u8>>, text: &str| -> Result<(), ExportError> {
        w.write_record([neutralise(text).as_ref(), "", "", "", "", ""])?;
        Ok(())
    };
    let record = |w: &mut ::csv::Writer<Vec<u8>>, cells: &[&str]| -> Result<(), ExportError> {
        w.write_record(cells.iter().map(|c| as_bytes(neutralise(c))))?;
        Ok(())
    };

    for caption in form.caption {
        line(&mut w, caption)?;
    }
    line(&mut w, form.title)?;
    for l in form.scope.iter().chain(&form.as_of) {
        line(&mut w, l)?;
    }
    record(&mut w, &HEADINGS)?;
    record(&mut w, &NUMBERING)?;
    if form.is_empty() {
        line(&mut w, form.empty)?;
    }
    for section in &form.sections {
        line(&mut w, section.direction.full())?;
        for cells in &section.rows {
            let refs: [&str; 6] = std::array::from_fn(|i| cells[i].as_str());
            record(&mut w, &refs)?;
        }
    }
    line(&mut w, form.footnote)?;
    line(&mut w, &form.made_on)?;
    w.into_inner()
        .map_err(|e| ExportError::Csv(e.error().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised() {
        for s in ["=1+2", "+7 812", "-5", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(s), format!("'{s}"), "{s:?}");
        }
        for s in ["", "1", "Получение информации", "a=b", " =x", "'quoted"] {
            assert_eq!(neutralise(s), s, "{s:?}");
        }
    }
}
