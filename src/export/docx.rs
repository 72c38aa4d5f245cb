//! The list as a DOCX document (docx-rs): landscape A4, the title, one table laid out as
//! the appendix form — headings and the numbering row repeated at the top of every page,
//! a row spanning the six columns for each direction — then the footnote and the date.
//!
//! Texts are written as plain runs (docx-rs escapes `<`, `&` and the like); characters
//! XML cannot carry are dropped, a line break in a cell starts a new paragraph and a tab
//! becomes a Word tab. A text beginning with `=` is just text in Word.
//!
//! docx-rs 0.4 cannot mark a table row as a header row (`<w:tblHeader/>`), so the two
//! header rows are built with `cantSplit` (which only they carry) and the mark is added
//! beside it in the rendered `word/document.xml` before the package is zipped.

use docx_rs::{
    AlignmentType, Docx, PageMargin, PageOrientationType, Paragraph, Run, RunFonts, Shading, Table,
    TableCell, TableLayoutType, TableRow, WidthType,
};

use super::form::{self, Form, HEADINGS, NUMBERING};
use super::ExportError;

/// A4 landscape, in twentieths of a point.
const PAGE_W: u32 = 16_838;
const PAGE_H: u32 = 11_906;
/// 1.5 cm margins.
const MARGIN: i32 = 851;
/// Column widths; they add up to the page width between the margins.
const WIDTHS: [usize; 6] = [600, 2_400, 3_100, 3_500, 3_336, 2_200];
const TABLE_W: usize = (PAGE_W as usize) - 2 * (MARGIN as usize);
const FONT: &str = "Times New Roman";
/// Font sizes, in half-points.
const BODY_SIZE: usize = 20;
const TITLE_SIZE: usize = 28;
/// How many rows at the top of the table repeat on each page.
const HEADER_ROWS: usize = 2;

const HEADING_FILL: &str = "D9D9D9";
const SECTION_FILL: &str = "EDF3FA";

#[derive(Clone, Copy, Default)]
struct Style {
    bold: bool,
    italic: bool,
    size: Option<usize>,
    center: bool,
}

/// One paragraph of one line of text; tabs become Word tabs.
fn paragraph(line: &str, style: Style) -> Paragraph {
    let mut run = Run::new();
    for (i, part) in line.split('\t').enumerate() {
        if i > 0 {
            run = run.add_tab();
        }
        if !part.is_empty() {
            run = run.add_text(part);
        }
    }
    if style.bold {
        run = run.bold();
    }
    if style.italic {
        run = run.italic();
    }
    if let Some(size) = style.size {
        run = run.size(size);
    }
    let p = Paragraph::new().add_run(run);
    if style.center {
        p.align(AlignmentType::Center)
    } else {
        p
    }
}

/// The paragraphs of a text, one per line.
fn paragraphs(text: &str, style: Style) -> Vec<Paragraph> {
    let safe = form::xml_safe(text);
    form::lines(&safe).map(|l| paragraph(l, style)).collect()
}

fn cell(text: &str, width: usize, style: Style) -> TableCell {
    paragraphs(text, style)
        .into_iter()
        .fold(TableCell::new(), TableCell::add_paragraph)
        .width(width, WidthType::Dxa)
}

/// A row of one cell across the six columns.
fn spanning_row(text: &str, style: Style, fill: &str) -> TableRow {
    TableRow::new(vec![cell(text, TABLE_W, style)
        .grid_span(WIDTHS.len())
        .shading(Shading::new().fill(fill))])
}

/// A row of six cells; `style` gives each column's style.
fn six(cells: [&str; 6], style: impl Fn(usize) -> Style, fill: Option<&str>) -> TableRow {
    TableRow::new(
        cells
            .iter()
            .zip(WIDTHS)
            .enumerate()
            .map(|(i, (text, w))| {
                let c = cell(text, w, style(i));
                match fill {
                    Some(f) => c.shading(Shading::new().fill(f)),
                    None => c,
                }
            })
            .collect(),
    )
}

/// Marks the first `HEADER_ROWS` rows carrying `<w:cantSplit …/>` as header rows, which Word
/// and LibreOffice repeat at the top of each page. User text is escaped, so it cannot hold
/// the tag; only the header rows are built with `cantSplit`.
fn mark_header_rows(xml: &[u8]) -> Vec<u8> {
    const TAG: &[u8] = b"<w:cantSplit";
    const MARK: &[u8] = b"<w:tblHeader/>";
    let mut out = Vec::with_capacity(xml.len() + HEADER_ROWS * MARK.len());
    let mut rest = xml;
    let mut marked = 0;
    while marked < HEADER_ROWS {
        let Some(start) = find(rest, TAG) else { break };
        let Some(close) = find(&rest[start..], b"/>") else {
            break;
        };
        let end = start + close + 2;
        out.extend_from_slice(&rest[..end]);
        out.extend_from_slice(MARK);
        rest = &rest[end..];
        marked += 1;
    }
    out.extend_from_slice(rest);
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub(super) fn render(form: &Form) -> Result<Vec<u8>, ExportError> {
    let body = Style::default();
    let centered = Style {
        center: true,
        ..body
    };
    let bold_center = Style {
        bold: true,
        ..centered
    };

    let mut table = Table::new(vec![])
        .set_grid(WIDTHS.to_vec())
        .width(TABLE_W, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .add_row(six(HEADINGS, |_| bold_center, Some(HEADING_FILL)).cant_split())
        .add_row(six(NUMBERING, |_| centered, None).cant_split());
    if form.is_empty() {
        table = table.add_row(spanning_row(
            form::EMPTY,
            Style {
                italic: true,
                ..body
            },
            SECTION_FILL,
        ));
    }
    for section in &form.sections {
        table = table.add_row(spanning_row(
            section.direction.full(),
            Style { bold: true, ..body },
            SECTION_FILL,
        ));
        for cells in &section.rows {
            let texts: [&str; 6] = std::array::from_fn(|i| cells[i].as_str());
            // Column 1 (the number) centred, like the numbering row above it.
            let row = six(texts, |i| if i == 0 { centered } else { body }, None);
            table = table.add_row(row);
        }
    }

    let mut doc = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(
            PageMargin::new()
                .top(MARGIN)
                .bottom(MARGIN)
                .left(MARGIN)
                .right(MARGIN)
                .header(425)
                .footer(425),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(FONT)
                .hi_ansi(FONT)
                .cs(FONT)
                .east_asia(FONT),
        )
        .default_size(BODY_SIZE);
    for p in paragraphs(
        form.title,
        Style {
            size: Some(TITLE_SIZE),
            ..bold_center
        },
    ) {
        doc = doc.add_paragraph(p);
    }
    if let Some(scope) = &form.scope {
        for p in paragraphs(
            scope,
            Style {
                italic: true,
                center: true,
                ..body
            },
        ) {
            doc = doc.add_paragraph(p);
        }
    }
    doc = doc.add_paragraph(Paragraph::new()).add_table(table);
    doc = doc.add_paragraph(Paragraph::new());
    for p in paragraphs(form.footnote, body) {
        doc = doc.add_paragraph(p);
    }
    for p in paragraphs(&form.made_on, body) {
        doc = doc.add_paragraph(p);
    }

    let mut xml = doc.build();
    xml.document = mark_header_rows(&xml.document);
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out)
        .map_err(|e| ExportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_fill_the_page_between_margins() {
        assert_eq!(WIDTHS.iter().sum::<usize>(), TABLE_W);
    }

    #[test]
    fn header_mark_goes_after_the_first_two_cant_split_tags_only() {
        let xml = b"<w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr>\
                    <w:tr><w:trPr><w:cantSplit/></w:trPr></w:tr>\
                    <w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr>";
        let out = String::from_utf8(mark_header_rows(xml)).unwrap();
        assert_eq!(out.matches("<w:tblHeader/>").count(), 2);
        assert!(out.starts_with("<w:tr><w:trPr><w:cantSplit /><w:tblHeader/></w:trPr>"));
        assert!(out.ends_with("<w:cantSplit /></w:trPr></w:tr>"));
        assert_eq!(mark_header_rows(b"<w:tr/>"), b"<w:tr/>");
    }

    #[test]
    fn a_cell_has_a_paragraph_per_line_even_when_empty() {
        assert_eq!(paragraphs("a\nb\r\nc", Style::default()).len(), 3);
        assert_eq!(paragraphs("", Style::default()).len(), 1);
    }
}
