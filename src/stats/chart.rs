//! The figures of `/stats` as a picture for a report: a title with the date, then one panel
//! of horizontal bars per breakdown — directions (3.5), kinds (4.2), digital and offline
//! (4.1), needs (3.7), divisions — each bar labelled in words in the reader's language and
//! carrying its count.
//!
//! Two steps, both pure. [`Chart::new`] takes the figures and the locales and makes every
//! text of the picture (nothing here is worded in Rust); [`render`] draws a [`Chart`] with
//! `plotters` into an RGB buffer, its text set with `ab_glyph` in the font embedded in the
//! binary (Liberation Sans, `assets/fonts/`, SIL OFL 1.1), and encodes it with `png`. The
//! text is laid out here rather than by plotters' own `ab_glyph` feature, which places each
//! glyph at a whole pixel without its side bearing: letters visibly uneven.
//!
//! The picture has a fixed width and a height that grows with the rows, bounded: at most
//! [`TOP_DIVISIONS`] divisions and one bar for the rest, and a label wraps onto at most two
//! lines, the second cut with "…". So whatever the list, it stays inside Telegram's limits
//! for a photo (width + height ≤ 10000, sides ≤ 20:1, ≤ 10 MB).
//!
//! Order of the bars: directions, kinds and needs keep the Order's order, as in the text
//! summary and the Order itself — the reader finds an item where the Order puts it, two
//! charts of different dates line up, and an empty item shows as a gap in its place.
//! Divisions have no such order and are many, so they are sorted by rows, the most first.

use std::sync::OnceLock;

use ab_glyph::{point, Font, FontRef, GlyphId, PxScale, PxScaleFont, ScaleFont};
use plotters::prelude::*;

use super::Stats;
use crate::domain::Lang;
use crate::i18n::I18n;
use crate::tr;

/// Divisions drawn one by one; the rest are summed into one bar.
pub const TOP_DIVISIONS: usize = 15;

/// The picture's width in pixels.
pub const WIDTH: u32 = 1280;

/// One bar: its label and its count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub count: i64,
    /// The sum of the divisions not drawn one by one (drawn in grey).
    pub rest: bool,
}

/// One breakdown: a heading, an optional note under it, and its bars (or, with none, the
/// `empty` text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panel {
    pub heading: String,
    pub note: Option<String>,
    pub bars: Vec<Bar>,
    pub empty: String,
}

/// Everything the picture shows, every text already in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub title: String,
    pub subtitle: String,
    pub panels: Vec<Panel>,
}

impl Chart {
    /// The chart of `s` in `lang`, dated `date` (as the text summary is).
    pub fn new(s: &Stats, i: &I18n, lang: Lang, date: &str) -> Chart {
        let empty = tr!(i, lang, "chart-no-data");
        let item = |code: &str, key: String, count: i64| Bar {
            label: tr!(
                i,
                lang,
                "chart-item",
                code = code,
                label = i.label(lang, &key)
            ),
            count,
            rest: false,
        };
        let panel = |heading: String, note: Option<String>, bars: Vec<Bar>| Panel {
            heading,
            note,
            bars,
            empty: empty.clone(),
        };
        let mut divisions: Vec<&(String, i64)> = s.by_division.iter().collect();
        // Stable: divisions with equal rows keep the given (alphabetical) order.
        divisions.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let trimmed = divisions.len() > TOP_DIVISIONS + 1;
        let shown = if trimmed {
            TOP_DIVISIONS
        } else {
            divisions.len()
        };
        let mut division_bars: Vec<Bar> = divisions[..shown]
            .iter()
            .map(|(name, n)| Bar {
                label: name.clone(),
                count: *n,
                rest: false,
            })
            .collect();
        if trimmed {
            let rest = &divisions[shown..];
            division_bars.push(Bar {
                label: tr!(i, lang, "chart-others", count = rest.len()),
                count: rest.iter().map(|(_, n)| *n).sum(),
                rest: true,
            });
        }
        Chart {
            title: tr!(i, lang, "chart-title", date = date),
            subtitle: tr!(
                i,
                lang,
                "chart-subtitle",
                rows = tr!(i, lang, "points-count", count = s.rows),
                pending = tr!(i, lang, "reports-count", count = s.pending)
            ),
            panels: vec![
                panel(
                    tr!(i, lang, "chart-by-direction"),
                    None,
                    s.by_direction
                        .iter()
                        .map(|(d, n)| item(d.code(), d.locale_key(), *n))
                        .collect(),
                ),
                panel(
                    tr!(i, lang, "chart-by-kind"),
                    None,
                    s.by_kind
                        .iter()
                        .map(|(k, n)| item(k.code(), k.locale_key(), *n))
                        .collect(),
                ),
                panel(
                    tr!(i, lang, "chart-by-channel"),
                    None,
                    vec![
                        Bar {
                            label: tr!(i, lang, "chart-digital"),
                            count: s.digital,
                            rest: false,
                        },
                        Bar {
                            label: tr!(i, lang, "chart-offline"),
                            count: s.offline,
                            rest: false,
                        },
                    ],
                ),
                panel(
                    tr!(i, lang, "chart-by-need"),
                    Some(tr!(i, lang, "chart-by-need-note")),
                    s.by_need
                        .iter()
                        .map(|(x, n)| item(x.code(), x.locale_key(), *n))
                        .collect(),
                ),
                panel(
                    tr!(i, lang, "chart-by-division"),
                    trimmed.then(|| {
                        tr!(
                            i,
                            lang,
                            "chart-by-division-note",
                            top = TOP_DIVISIONS,
                            count = divisions.len()
                        )
                    }),
                    division_bars,
                ),
            ],
        }
    }
}

/// Why a chart could not be drawn (a defect: the font is embedded and the buffer is ours).
#[derive(Debug, thiserror::Error)]
#[error("the chart could not be drawn: {0}")]
pub struct ChartError(String);

fn err(e: impl std::fmt::Display) -> ChartError {
    ChartError(e.to_string())
}

/// The figures as a PNG chart in `lang`: [`Chart::new`], then [`render`].
pub fn chart_png(s: &Stats, i18n: &I18n, lang: Lang, date: &str) -> Result<Vec<u8>, ChartError> {
    render(&Chart::new(s, i18n, lang, date))
}

// ---------------------------------------------------------------------------------------
// Drawing.

const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");

/// The embedded font, parsed once.
fn face() -> Result<&'static FontRef<'static>, ChartError> {
    static FACE: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FACE.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
        .ok_or_else(|| ChartError("the embedded font does not load".into()))
}

// Sizes in pixels. Telegram may keep a photo at only 1280 px (2560 px in newer clients) on
// its longer side, and phones show it a screen wide: the text is set large for that.
const MARGIN: i32 = 56;
const TITLE_SIZE: f64 = 40.0;
const SUBTITLE_SIZE: f64 = 27.0;
const HEADING_SIZE: f64 = 31.0;
const NOTE_SIZE: f64 = 23.0;
const TEXT_SIZE: f64 = 26.0;
const LINE: i32 = 30;
const ROW_PAD: i32 = 8;
const BAR_H: i32 = 24;
/// The labels' column; the bars start after it.
const LABEL_W: i32 = 660;
const GUTTER: i32 = 20;
const PANEL_GAP: i32 = 30;
const MAX_LINES: usize = 2;

const INK: RGBColor = RGBColor(33, 37, 41);
const MUTED: RGBColor = RGBColor(92, 99, 112);
const RULE: RGBColor = RGBColor(190, 198, 208);
const STRIPE: RGBColor = RGBColor(243, 245, 248);
const BAR: RGBColor = RGBColor(46, 94, 150);
const REST: RGBColor = RGBColor(150, 158, 170);

type Scaled = PxScaleFont<&'static FontRef<'static>>;

/// Each glyph of `text` set at `size` from x = 0 on the baseline: its id and pen position,
/// with kerning; and the pen's position after the last.
fn set(font: &Scaled, text: &str) -> (Vec<(GlyphId, f32)>, f32) {
    let mut caret = 0.0;
    let mut prev = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            caret += font.kern(p, id);
        }
        glyphs.push((id, caret));
        caret += font.h_advance(id);
        prev = Some(id);
    }
    (glyphs, caret)
}

/// The width of `text` set at `size`, in whole pixels (rounded up).
fn text_w(text: &str, size: f64) -> Result<i32, ChartError> {
    let font = face()?.as_scaled(PxScale::from(size as f32));
    Ok(set(&font, text).1.ceil() as i32)
}

/// How many of `chars` fit in `width` at `size` when followed by `suffix` (at least one,
/// so that every line makes progress).
fn fitting(chars: &[char], suffix: &str, size: f64, width: i32) -> Result<usize, ChartError> {
    let (mut lo, mut hi) = (1, chars.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let s: String = chars[..mid]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_string()
            + suffix;
        if text_w(&s, size)? <= width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    Ok(lo.min(chars.len()))
}

/// `text` cut to fit `width`, ending in "…" when cut.
fn cut(text: &str, size: f64, width: i32) -> Result<String, ChartError> {
    if text_w(text, size)? <= width {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    let n = fitting(&chars, "…", size, width)?;
    Ok(chars[..n].iter().collect::<String>().trim_end().to_string() + "…")
}

/// `text` in lines of at most `width`, broken between words (inside a word only when the
/// word alone is wider than a line); at most `max` lines, the last cut with "…" when text
/// remains.
fn wrap(text: &str, size: f64, width: i32, max: usize) -> Result<Vec<String>, ChartError> {
    let mut words: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    let mut lines = vec![];
    let mut i = 0;
    while i < words.len() {
        if lines.len() + 1 >= max {
            lines.push(cut(&words[i..].join(" "), size, width)?);
            break;
        }
        let mut line = String::new();
        let mut j = i;
        while j < words.len() {
            let candidate = if line.is_empty() {
                words[j].clone()
            } else {
                format!("{line} {}", words[j])
            };
            if text_w(&candidate, size)? > width {
                break;
            }
            line = candidate;
            j += 1;
        }
        if j == i {
            // The word alone is wider than a line: as much of it as fits, the rest next.
            let chars: Vec<char> = words[i].chars().collect();
            let n = fitting(&chars, "", size, width)?;
            lines.push(chars[..n].iter().collect());
            words[i] = chars[n..].iter().collect();
        } else {
            lines.push(line);
            i = j;
        }
    }
    Ok(lines)
}

/// A bar laid out: its label's lines.
struct Row<'a> {
    bar: &'a Bar,
    lines: Vec<String>,
}

impl Row<'_> {
    fn height(&self) -> i32 {
        self.lines.len().max(1) as i32 * LINE + 2 * ROW_PAD
    }
}

/// A panel laid out.
struct Block<'a> {
    panel: &'a Panel,
    heading: String,
    note: Option<String>,
    rows: Vec<Row<'a>>,
}

const HEADING_H: i32 = 48;
const NOTE_H: i32 = 30;

impl Block<'_> {
    fn height(&self) -> i32 {
        let rows: i32 = if self.rows.is_empty() {
            LINE + 2 * ROW_PAD
        } else {
            self.rows.iter().map(Row::height).sum()
        };
        HEADING_H + self.note.as_ref().map_or(0, |_| NOTE_H) + 8 + rows
    }
}

fn layout(panel: &Panel) -> Result<Block<'_>, ChartError> {
    let inner = WIDTH as i32 - 2 * MARGIN;
    Ok(Block {
        panel,
        heading: cut(&panel.heading, HEADING_SIZE, inner)?,
        note: match &panel.note {
            Some(n) => Some(cut(n, NOTE_SIZE, inner)?),
            None => None,
        },
        rows: panel
            .bars
            .iter()
            .map(|bar| {
                Ok(Row {
                    bar,
                    lines: wrap(&bar.label, TEXT_SIZE, LABEL_W, MAX_LINES)?,
                })
            })
            .collect::<Result<_, ChartError>>()?,
    })
}

const TITLE_H: i32 = 56;
const SUBTITLE_H: i32 = 44;

/// The chart as a PNG: the title, then the panels one under another.
pub fn render(chart: &Chart) -> Result<Vec<u8>, ChartError> {
    let inner = WIDTH as i32 - 2 * MARGIN;
    let title = cut(&chart.title, TITLE_SIZE, inner)?;
    let subtitle = cut(&chart.subtitle, SUBTITLE_SIZE, inner)?;
    let blocks: Vec<Block> = chart.panels.iter().map(layout).collect::<Result<_, _>>()?;
    let height = MARGIN
        + TITLE_H
        + SUBTITLE_H
        + blocks.iter().map(|b| PANEL_GAP + b.height()).sum::<i32>()
        + MARGIN;
    let mut buf = vec![255u8; WIDTH as usize * height as usize * 3];
    {
        let area = BitMapBackend::with_buffer(&mut buf, (WIDTH, height as u32)).into_drawing_area();
        let mut y = MARGIN;
        text(&area, &title, MARGIN, y + 40, TITLE_SIZE, INK)?;
        y += TITLE_H;
        text(&area, &subtitle, MARGIN, y + 28, SUBTITLE_SIZE, MUTED)?;
        y += SUBTITLE_H;
        for b in &blocks {
            y += PANEL_GAP;
            draw_block(&area, b, y)?;
            y += b.height();
        }
        area.present().map_err(err)?;
    }
    encode(&buf, WIDTH, height as u32)
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, plotters::coord::Shift>;

/// `s` with its baseline at `baseline`, starting at `x`.
fn text(
    area: &Area,
    s: &str,
    x: i32,
    baseline: i32,
    size: f64,
    colour: RGBColor,
) -> Result<(), ChartError> {
    let font = face()?.as_scaled(PxScale::from(size as f32));
    let (glyphs, _) = set(&font, s);
    let mut coverage = vec![];
    for (id, caret) in glyphs {
        let glyph = id.with_scale_and_position(
            PxScale::from(size as f32),
            point(x as f32 + caret, baseline as f32),
        );
        if let Some(outline) = font.outline_glyph(glyph) {
            let at = outline.px_bounds().min;
            outline.draw(|gx, gy, c| {
                if c > 1.0 / 255.0 {
                    coverage.push((at.x as i32 + gx as i32, at.y as i32 + gy as i32, c));
                }
            });
        }
    }
    for (px, py, c) in coverage {
        area.draw_pixel((px, py), &colour.mix(f64::from(c.min(1.0))))
            .map_err(err)?;
    }
    Ok(())
}

fn rect(area: &Area, x0: i32, y0: i32, x1: i32, y1: i32, c: RGBColor) -> Result<(), ChartError> {
    area.draw(&Rectangle::new([(x0, y0), (x1, y1)], c.filled()))
        .map_err(err)
}

/// The count a panel's full bar length stands for: its largest bar, leaving out the sum of
/// the other divisions (which would dwarf the divisions drawn one by one) unless it is all
/// there is. At least 1.
fn scale(bars: &[Bar]) -> i64 {
    let own = bars.iter().filter(|b| !b.rest).map(|b| b.count).max();
    match own {
        Some(m) if m > 0 => m,
        _ => bars.iter().map(|b| b.count).max().unwrap_or(0),
    }
    .max(1)
}

/// The length of a bar of `n` on a scale of `max` over `full` pixels, and whether it is cut
/// (longer than the scale: drawn full with a break). A count above zero gets a visible bar.
fn bar_len(n: i64, max: i64, full: i32) -> (i32, bool) {
    if n <= 0 {
        return (0, false);
    }
    if n > max {
        return (full, true);
    }
    let len = (i128::from(full) * i128::from(n) / i128::from(max.max(1))) as i32;
    (len.max(3), false)
}

fn draw_block(area: &Area, b: &Block, top: i32) -> Result<(), ChartError> {
    let right = WIDTH as i32 - MARGIN;
    let mut y = top;
    text(area, &b.heading, MARGIN, y + 34, HEADING_SIZE, INK)?;
    y += HEADING_H;
    if let Some(note) = &b.note {
        text(area, note, MARGIN, y + 20, NOTE_SIZE, MUTED)?;
        y += NOTE_H;
    }
    rect(area, MARGIN, y, right, y + 2, RULE)?;
    y += 8;
    if b.rows.is_empty() {
        text(
            area,
            &b.panel.empty,
            MARGIN,
            y + ROW_PAD + 22,
            TEXT_SIZE,
            MUTED,
        )?;
        return Ok(());
    }
    let max = scale(&b.panel.bars);
    let widest_count = b
        .rows
        .iter()
        .map(|r| text_w(&r.bar.count.to_string(), TEXT_SIZE))
        .try_fold(0, |m, w| w.map(|w| m.max(w)))?;
    let bar_x = MARGIN + LABEL_W + GUTTER;
    let bar_max = right - 12 - widest_count - bar_x;
    for (i, row) in b.rows.iter().enumerate() {
        let h = row.height();
        if i % 2 == 1 {
            rect(area, MARGIN, y, right, y + h, STRIPE)?;
        }
        // The label's lines, centred on the row as a block.
        let lines_h = row.lines.len() as i32 * LINE;
        let first = y + (h - lines_h) / 2 + 22;
        for (k, line) in row.lines.iter().enumerate() {
            text(
                area,
                line,
                MARGIN + 8,
                first + k as i32 * LINE,
                TEXT_SIZE,
                INK,
            )?;
        }
        let (len, broken) = bar_len(row.bar.count, max, bar_max);
        let bar_top = y + (h - BAR_H) / 2;
        if len > 0 {
            let colour = if row.bar.rest { REST } else { BAR };
            rect(area, bar_x, bar_top, bar_x + len, bar_top + BAR_H, colour)?;
        }
        if broken {
            // Two slanted white cuts: the bar is longer than the scale.
            for k in 0..2 {
                let x = bar_x + len - 64 + k * 14;
                let cut = Polygon::new(
                    vec![
                        (x, bar_top + BAR_H + 1),
                        (x + 6, bar_top + BAR_H + 1),
                        (x + 16, bar_top - 1),
                        (x + 10, bar_top - 1),
                    ],
                    WHITE.filled(),
                );
                area.draw(&cut).map_err(err)?;
            }
        }
        text(
            area,
            &row.bar.count.to_string(),
            bar_x + len + 10,
            bar_top + BAR_H / 2 + 9,
            TEXT_SIZE,
            INK,
        )?;
        y += h;
    }
    // The bars' common base line.
    let bars_top = top + HEADING_H + b.note.as_ref().map_or(0, |_| NOTE_H) + 8;
    rect(area, bar_x - 1, bars_top, bar_x + 1, y, MUTED)?;
    Ok(())
}

fn encode(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, ChartError> {
    let mut out = vec![];
    {
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(err)?;
        writer.write_image_data(rgb).map_err(err)?;
        writer.finish().map_err(err)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Direction, Kind, Need};

    fn i18n() -> I18n {
        I18n::load().unwrap()
    }

    /// A list with some of everything, and `divisions` divisions named by `name`.
    fn stats(divisions: usize, name: impl Fn(usize) -> String) -> Stats {
        let by_division: Vec<(String, i64)> = (0..divisions)
            .map(|k| (name(k), ((k * 7) % 23) as i64))
            .collect();
        let rows = by_division.iter().map(|(_, n)| n).sum::<i64>().max(12);
        Stats {
            rows,
            by_direction: Direction::ALL
                .iter()
                .enumerate()
                .map(|(k, d)| (*d, [9, 0, 3][k]))
                .collect(),
            by_kind: Kind::ALL
                .iter()
                .enumerate()
                .map(|(k, x)| (*x, k as i64))
                .collect(),
            digital: 7,
            offline: 5,
            by_need: Need::ALL.iter().map(|x| (*x, 4)).collect(),
            by_division,
            pending: 2,
        }
    }

    fn plain(k: usize) -> String {
        format!("Комитет № {}", k + 1)
    }

    struct Image {
        w: u32,
        h: u32,
        rgb: Vec<u8>,
        bytes: usize,
    }

    impl Image {
        fn at(&self, x: u32, y: u32) -> [u8; 3] {
            let i = ((y * self.w + x) * 3) as usize;
            [self.rgb[i], self.rgb[i + 1], self.rgb[i + 2]]
        }

        /// Pixels in the rectangle darker than any fill of the chart (bars included): text.
        fn ink(&self, x0: u32, x1: u32, y0: u32, y1: u32) -> usize {
            let mut n = 0;
            for y in y0..y1.min(self.h) {
                for x in x0..x1.min(self.w) {
                    if self.at(x, y).iter().all(|c| *c < 130) {
                        n += 1;
                    }
                }
            }
            n
        }

        /// Telegram's limits for sendPhoto.
        fn assert_sendable(&self) {
            let (w, h) = (self.w as u64, self.h as u64);
            assert!(w + h <= 10_000, "{w}×{h}");
            assert!(w.max(h) <= 20 * w.min(h), "{w}×{h}");
            assert!(self.bytes <= 10 * 1024 * 1024, "{} bytes", self.bytes);
        }
    }

    fn decode(bytes: &[u8]) -> Image {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut rgb = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut rgb).unwrap();
        assert_eq!(info.color_type, png::ColorType::Rgb);
        Image {
            w: info.width,
            h: info.height,
            rgb,
            bytes: bytes.len(),
        }
    }

    fn one(panel: &Panel) -> Chart {
        Chart {
            title: "T".into(),
            subtitle: "S".into(),
            panels: vec![panel.clone()],
        }
    }

    #[test]
    fn every_panel_alone_is_a_picture_inside_the_limits() {
        let i = i18n();
        let chart = Chart::new(&stats(40, plain), &i, Lang::Ru, "01.12.2026");
        assert_eq!(chart.panels.len(), 5);
        let mut heights = vec![];
        for p in &chart.panels {
            let img = decode(&render(&one(p)).unwrap());
            assert_eq!(img.w, WIDTH);
            img.assert_sendable();
            // Title, heading and one row at least; a row at most three lines high.
            let rows = p.bars.len() as u32;
            assert!(img.h >= 290 + rows * 46, "{}: {}", p.heading, img.h);
            assert!(img.h <= 340 + rows * 76, "{}: {}", p.heading, img.h);
            heights.push(img.h);
        }
        // More bars, a taller picture: channel (2) < directions (3) < kinds (7) < needs (10)
        // < divisions (16).
        assert!(heights[2] < heights[0], "{heights:?}");
        assert!(heights[0] < heights[1], "{heights:?}");
        assert!(heights[1] < heights[3], "{heights:?}");
        assert!(heights[3] < heights[4], "{heights:?}");
        let whole = decode(&render(&chart).unwrap());
        whole.assert_sendable();
        assert_eq!(whole.w, WIDTH);
        assert!(
            whole.h > heights.iter().sum::<u32>() - 5 * 200,
            "{}",
            whole.h
        );
    }

    #[test]
    fn an_empty_list_and_no_figures_at_all_still_draw() {
        let i = i18n();
        for s in [stats(0, plain), Stats::default()] {
            for lang in Lang::ALL {
                let img = decode(&chart_png(&s, &i, *lang, "01.12.2026").unwrap());
                assert_eq!(img.w, WIDTH);
                img.assert_sendable();
                assert!(img.h > 400);
            }
        }
        // No divisions: the panel says so instead of drawing nothing.
        let chart = Chart::new(&stats(0, plain), &i, Lang::Ru, "01.12.2026");
        let p = &chart.panels[4];
        assert!(p.bars.is_empty());
        assert_eq!(p.empty, "Нет данных");
        let img = decode(&render(&one(p)).unwrap());
        assert!(img.ink(0, WIDTH, img.h - 100, img.h) > 200);
    }

    #[test]
    fn three_hundred_and_twenty_divisions_with_long_names_stay_inside_the_limits() {
        let i = i18n();
        let long = |k: usize| match k % 3 {
            0 => "Отдел по очень длинному названию подразделения ".repeat(5)[..200].to_string(),
            1 => "Ж".repeat(200),
            _ => plain(k),
        };
        let mut heights = vec![];
        for (n, name) in [
            (320, &long as &dyn Fn(usize) -> String),
            (320, &plain),
            (16, &long),
        ] {
            for lang in Lang::ALL {
                let img = decode(&chart_png(&stats(n, name), &i, *lang, "01.12.2026").unwrap());
                img.assert_sendable();
                assert_eq!(img.w, WIDTH);
                heights.push(img.h);
            }
        }
        // 16 bars of divisions at most, each at most two lines: the height is bounded
        // whatever the names.
        assert!(heights.iter().all(|h| *h < 3300), "{heights:?}");
    }

    #[test]
    fn the_top_divisions_by_rows_then_the_rest_summed() {
        let i = i18n();
        let s = stats(320, plain);
        let chart = Chart::new(&s, &i, Lang::Ru, "01.12.2026");
        let bars = &chart.panels[4].bars;
        assert_eq!(bars.len(), TOP_DIVISIONS + 1);
        assert!(bars[..TOP_DIVISIONS]
            .windows(2)
            .all(|w| w[0].count >= w[1].count));
        assert_eq!(bars[0].count, 22);
        let last = &bars[TOP_DIVISIONS];
        assert!(last.rest);
        assert_eq!(last.label, "Остальные подразделения (305)");
        let total: i64 = s.by_division.iter().map(|(_, n)| n).sum();
        assert_eq!(bars.iter().map(|b| b.count).sum::<i64>(), total);
        assert_eq!(
            chart.panels[4].note.as_deref(),
            Some("Первые 15 по числу строк из 320, остальные — одной полосой.")
        );
        // Sixteen divisions are drawn one by one; there is no rest to sum.
        let chart = Chart::new(&stats(16, plain), &i, Lang::Ru, "01.12.2026");
        assert_eq!(chart.panels[4].bars.len(), 16);
        assert!(chart.panels[4].bars.iter().all(|b| !b.rest));
        assert_eq!(chart.panels[4].note, None);
        // Ties keep the given (alphabetical) order.
        let s = Stats {
            by_division: vec![("Б".into(), 1), ("А".into(), 2), ("В".into(), 1)],
            ..Stats::default()
        };
        let chart = Chart::new(&s, &i, Lang::Ru, "01.12.2026");
        let names: Vec<_> = chart.panels[4].bars.iter().map(|b| &b.label).collect();
        assert_eq!(names, ["А", "Б", "В"]);
    }

    #[test]
    fn the_texts_come_from_the_locales_in_the_readers_language() {
        let i = i18n();
        let s = stats(3, plain);
        let ru = Chart::new(&s, &i, Lang::Ru, "01.12.2026");
        let en = Chart::new(&s, &i, Lang::En, "01.12.2026");
        assert_eq!(ru.title, "Перечень точек взаимодействия на 01.12.2026");
        assert_eq!(en.title, "The list of touchpoints on 01.12.2026");
        assert_eq!(
            ru.subtitle,
            "Всего в перечне: 21 точка; на рассмотрении — 2 отчёта"
        );
        assert_eq!(
            ru.panels[0].bars[0].label,
            "3.5.1 Рассмотрение обращений и запросов"
        );
        assert_eq!(
            en.panels[0].bars[0].label,
            "3.5.1 Handling appeals and requests"
        );
        assert_eq!(ru.panels[1].bars[6].label, "4.2.7 Личный приём");
        assert_eq!(ru.panels[2].bars[0].label, "Цифровые");
        assert_eq!(en.panels[3].bars[9].label, "3.7.10 Other client needs");
        // The Order's order for its dictionaries.
        let counts: Vec<i64> = ru.panels[1].bars.iter().map(|b| b.count).collect();
        assert_eq!(counts, [0, 1, 2, 3, 4, 5, 6]);
        // Division names are the divisions' own, in any language.
        assert_eq!(ru.panels[4].bars, en.panels[4].bars);
        // And the pictures differ.
        assert_ne!(render(&ru).unwrap(), render(&en).unwrap());
    }

    #[test]
    fn the_labels_are_drawn_as_text() {
        let i = i18n();
        let chart = Chart::new(&stats(3, plain), &i, Lang::Ru, "01.12.2026");
        let panel = chart.panels[1].clone();
        let blank = Panel {
            bars: panel
                .bars
                .iter()
                .map(|b| Bar {
                    label: String::new(),
                    ..b.clone()
                })
                .collect(),
            ..panel.clone()
        };
        let with = decode(&render(&one(&panel)).unwrap());
        let without = decode(&render(&one(&blank)).unwrap());
        assert_eq!((with.w, with.h), (without.w, without.h));
        // The label column, from the first row down.
        let first_row = (MARGIN + TITLE_H + SUBTITLE_H + PANEL_GAP + HEADING_H + 8) as u32;
        let labels = |img: &Image| {
            img.ink(
                MARGIN as u32,
                (MARGIN + LABEL_W) as u32,
                first_row,
                img.h - MARGIN as u32,
            )
        };
        // The heading just above is text too.
        assert!(with.ink(0, WIDTH, first_row - 60, first_row) > 500);
        // Seven labels of 20–50 letters: thousands of dark pixels; none without them.
        assert!(labels(&with) > 7 * 1000, "{}", labels(&with));
        assert_eq!(labels(&without), 0);
        // Wider labels leave more ink.
        let short = Panel {
            bars: panel
                .bars
                .iter()
                .map(|b| Bar {
                    label: b.label[..5].to_string(),
                    ..b.clone()
                })
                .collect(),
            ..panel.clone()
        };
        let short = decode(&render(&one(&short)).unwrap());
        assert!(labels(&short) > 0);
        assert!(labels(&short) * 3 < labels(&with));
        assert!(text_w("Рассмотрение обращений", TEXT_SIZE).unwrap() > 200);
    }

    #[test]
    fn bars_are_as_long_as_their_counts() {
        let bar = |count| Bar {
            label: "x".into(),
            count,
            rest: false,
        };
        let p = Panel {
            heading: "H".into(),
            note: None,
            bars: vec![bar(10), bar(5), bar(0)],
            empty: String::new(),
        };
        let img = decode(&render(&one(&p)).unwrap());
        // The length of the bar colour on each pixel row, one run of rows per bar.
        let mut runs: Vec<u32> = vec![];
        let mut previous = 0;
        for y in 0..img.h {
            let n = (0..img.w)
                .filter(|x| img.at(*x, y) == [46, 94, 150])
                .count() as u32;
            if n > 0 && n != previous {
                runs.push(n);
            }
            previous = n;
        }
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert!(runs[0].abs_diff(2 * runs[1]) <= 2, "{runs:?}");
        assert!(runs[0] > 400, "{runs:?}");
    }

    #[test]
    fn the_rest_does_not_set_the_scale_and_is_drawn_cut() {
        let b = |count, rest| Bar {
            label: String::new(),
            count,
            rest,
        };
        assert_eq!(scale(&[b(10, false), b(500, true)]), 10);
        assert_eq!(scale(&[b(0, false), b(5, true)]), 5);
        assert_eq!(scale(&[]), 1);
        assert_eq!(bar_len(500, 10, 400), (400, true));
        assert_eq!(bar_len(5, 10, 400), (200, false));
        assert_eq!(bar_len(1, 1000, 400), (3, false));
        assert_eq!(bar_len(0, 10, 400), (0, false));
        assert_eq!(bar_len(i64::MAX, i64::MAX, 400), (400, false));
    }

    #[test]
    fn long_labels_wrap_onto_two_lines_and_are_cut_with_an_ellipsis() {
        let w = LABEL_W;
        assert_eq!(
            wrap("Личный приём", TEXT_SIZE, w, 2).unwrap(),
            ["Личный приём"]
        );
        let need = "3.7.5 Получение информации о ходе рассмотрения заявления, обращения, \
                    запроса, документов";
        let lines = wrap(need, TEXT_SIZE, w, 2).unwrap();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines.join(" "), need);
        for name in [
            "Ж".repeat(200),
            "Отдел по делам ".repeat(14),
            format!("{} конец", "Ж".repeat(60)),
        ] {
            let lines = wrap(&name, TEXT_SIZE, w, 2).unwrap();
            assert_eq!(lines.len(), 2, "{lines:?}");
            assert!(lines[1].ends_with('…'), "{lines:?}");
            for l in &lines {
                assert!(text_w(l, TEXT_SIZE).unwrap() <= w, "{l}");
            }
            // What is shown is the start of the name.
            let shown: String = lines.concat().replace(['…', ' '], "");
            assert!(name.replace(' ', "").starts_with(&shown), "{lines:?}");
            assert!(shown.chars().count() > 40, "{lines:?}");
        }
        assert_eq!(cut("Кратко", TEXT_SIZE, w).unwrap(), "Кратко");
        assert!(wrap("", TEXT_SIZE, w, 2).unwrap().is_empty());
    }

    /// The font has a glyph for every character the chart can show from the locales.
    #[test]
    fn the_font_covers_every_text_of_the_chart() {
        use ab_glyph::{Font, FontRef};
        let font = FontRef::try_from_slice(FONT_BYTES).unwrap();
        let i = i18n();
        let mut texts = vec!["0123456789…№«»—".to_string()];
        for lang in Lang::ALL {
            let c = Chart::new(&stats(20, plain), &i, *lang, "01.12.2026");
            texts.extend([c.title, c.subtitle]);
            for p in c.panels {
                texts.extend([p.heading, p.empty]);
                texts.extend(p.note);
                texts.extend(p.bars.into_iter().map(|b| b.label));
            }
        }
        texts.push("АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдеёжзийклмнопрстуфхцчшщъыьэюя".into());
        for t in &texts {
            for c in t.chars().filter(|c| !c.is_whitespace()) {
                assert_ne!(font.glyph_id(c).0, 0, "no glyph for {c:?} in {t}");
            }
        }
    }
}
