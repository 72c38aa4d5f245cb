//! The list as a DOCX document: landscape A4, the appendix caption right-aligned in the
//! Order's lines, the title, one table laid out as
//! the appendix form — headings and the numbering row repeated at the top of every page,
//! a row spanning the six columns for each direction — then the footnote and the date.
//!
//! Texts are written as plain runs (docx-rs escapes `<`, `&` and the like); characters
//! XML cannot carry are dropped, a line break in a cell starts a new paragraph and a tab
//! becomes a Word tab. A text beginning with `=` is just text in Word.
//!
//! Rows are rendered to XML one at a time (with docx-rs) and put into the table's place in
//! `word/document.xml` before the package is zipped, so a long list never stands in memory
//! as docx-rs's element tree. docx-rs 0.4 cannot mark a table row as a header row
//! (`<w:tblHeader/>`), so the two header rows are built with `cantSplit` (which only they
//! carry) and the mark is added beside it in their rendered XML.
//!
//! docx-rs builds the XML parts; the package is zipped here, deflated (docx-rs's own
//! packer hard-codes `Stored`).

use std::io::Write;

use docx_rs::{
    AlignmentType, BuildXML, Docx, PageMargin, PageOrientationType, Paragraph, Run, RunFonts,
    Shading, Table, TableCell, TableLayoutType, TableRow, WidthType, XMLDocx,
};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

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

/// zlib's default level: a tenth of the size, at a fraction of the time of level 9.
const DEFLATE_LEVEL: i64 = 6;

const HEADING_FILL: &str = "D9D9D9";
const SECTION_FILL: &str = "EDF3FA";

#[derive(Clone, Copy, Default)]
struct Style {
    bold: bool,
    italic: bool,
    size: Option<usize>,
    center: bool,
    right: bool,
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
    } else if style.right {
        p.align(AlignmentType::Right)
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

/// Appends a row's XML, as docx-rs renders it, to `out`.
fn push_row(out: &mut Vec<u8>, row: &TableRow) {
    out.extend_from_slice(&row.build());
}

/// Puts `rows` (rendered `<w:tr>` elements) at the end of the document's only table.
/// User text is escaped, so the first `</w:tbl>` is the table's own end.
fn splice_rows(document: &[u8], rows: &[u8]) -> Result<Vec<u8>, ExportError> {
    const TABLE_END: &[u8] = b"</w:tbl>";
    let at = find(document, TABLE_END)
        .ok_or_else(|| ExportError::Docx("the table's end is missing".to_string()))?;
    let mut out = Vec::with_capacity(document.len() + rows.len());
    out.extend_from_slice(&document[..at]);
    out.extend_from_slice(rows);
    out.extend_from_slice(&document[at..]);
    Ok(out)
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

    // The rows are rendered one at a time and only their XML is kept: docx-rs's element
    // tree takes kilobytes a paragraph, which for a 10,000-row list would be hundreds of
    // megabytes if the whole table were built as one tree.
    let mut header = Vec::new();
    push_row(
        &mut header,
        &six(HEADINGS, |_| bold_center, Some(HEADING_FILL)).cant_split(),
    );
    push_row(
        &mut header,
        &six(NUMBERING, |_| centered, None).cant_split(),
    );
    let mut rows = mark_header_rows(&header);
    rows.reserve(form.row_count() * 2048);
    if form.is_empty() {
        push_row(
            &mut rows,
            &spanning_row(
                form.empty,
                Style {
                    italic: true,
                    ..body
                },
                SECTION_FILL,
            ),
        );
    }
    for section in &form.sections {
        push_row(
            &mut rows,
            &spanning_row(
                section.direction.full(),
                Style { bold: true, ..body },
                SECTION_FILL,
            ),
        );
        for cells in &section.rows {
            let texts: [&str; 6] = std::array::from_fn(|i| cells[i].as_str());
            // Column 1 (the number) centred, like the numbering row above it.
            push_row(
                &mut rows,
                &six(texts, |i| if i == 0 { centered } else { body }, None),
            );
        }
    }
    let table = Table::new(vec![])
        .set_grid(WIDTHS.to_vec())
        .width(TABLE_W, WidthType::Dxa)
        .layout(TableLayoutType::Fixed);

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
    for line in form.caption {
        for p in paragraphs(
            line,
            Style {
                right: true,
                ..body
            },
        ) {
            doc = doc.add_paragraph(p);
        }
    }
    doc = doc.add_paragraph(Paragraph::new());
    for p in paragraphs(
        form.title,
        Style {
            size: Some(TITLE_SIZE),
            ..bold_center
        },
    ) {
        doc = doc.add_paragraph(p);
    }
    for line in form.scope.iter().chain(&form.as_of) {
        for p in paragraphs(
            line,
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
    xml.document = splice_rows(&xml.document, &rows)?;
    drop(rows);
    pack(&xml).map_err(|e| ExportError::Docx(e.to_string()))
}

/// The package's parts, in the order docx-rs writes them; all of them are referenced from
/// `[Content_Types].xml` or the relationships, so none may be left out.
fn parts(xml: &XMLDocx) -> Vec<(String, &[u8])> {
    let mut parts: Vec<(String, &[u8])> = vec![
        ("[Content_Types].xml".into(), &xml.content_type),
        ("_rels/.rels".into(), &xml.rels),
        ("docProps/app.xml".into(), &xml.doc_props.app),
        ("docProps/core.xml".into(), &xml.doc_props.core),
        ("docProps/custom.xml".into(), &xml.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), &xml.document_rels),
        ("word/document.xml".into(), &xml.document),
        ("word/styles.xml".into(), &xml.styles),
        ("word/settings.xml".into(), &xml.settings),
        ("word/fontTable.xml".into(), &xml.font_table),
        ("word/comments.xml".into(), &xml.comments),
        ("word/numbering.xml".into(), &xml.numberings),
        ("word/commentsExtended.xml".into(), &xml.comments_extended),
        ("word/footnotes.xml".into(), &xml.footnotes),
    ];
    for (i, h) in xml.headers.iter().enumerate() {
        parts.push((format!("word/header{}.xml", i + 1), h));
        if let Some(rels) = xml.header_rels.get(i) {
            parts.push((format!("word/_rels/header{}.xml.rels", i + 1), rels));
        }
    }
    for (i, f) in xml.footers.iter().enumerate() {
        parts.push((format!("word/footer{}.xml", i + 1), f));
        if let Some(rels) = xml.footer_rels.get(i) {
            parts.push((format!("word/_rels/footer{}.xml.rels", i + 1), rels));
        }
    }
    parts
}

/// Zips the parts with deflate, as Word does (docx-rs's own packer stores them
/// uncompressed: a 10,000-row list came to 20 MB, deflated it is about a tenth).
fn pack(xml: &XMLDocx) -> zip::result::ZipResult<Vec<u8>> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(DEFLATE_LEVEL));
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(
        xml.document.len() / 8 + 64 * 1024,
    )));
    for (name, bytes) in parts(xml) {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
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
    fn rows_go_before_the_tables_end() {
        let doc = b"<w:body><w:tbl><w:tblPr/></w:tbl><w:p/></w:body>";
        let out = splice_rows(doc, b"<w:tr/><w:tr/>").unwrap();
        assert_eq!(
            out,
            b"<w:body><w:tbl><w:tblPr/><w:tr/><w:tr/></w:tbl><w:p/></w:body>"
        );
        assert!(splice_rows(b"<w:body/>", b"<w:tr/>").is_err());
    }

    #[test]
    fn a_rendered_row_is_a_table_row_element() {
        let xml = String::from_utf8(six(NUMBERING, |_| Style::default(), None).build()).unwrap();
        assert!(xml.starts_with("<w:tr>"), "{xml}");
        assert!(xml.ends_with("</w:tr>"), "{xml}");
        assert_eq!(xml.matches("<w:tc>").count(), 6);
    }

    #[test]
    fn a_cell_has_a_paragraph_per_line_even_when_empty() {
        assert_eq!(paragraphs("a\nb\r\nc", Style::default()).len(), 3);
        assert_eq!(paragraphs("", Style::default()).len(), 1);
    }
}
