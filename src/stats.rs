//! The list in figures (`/stats`): rows by direction, by kind, digital and offline, by
//! need, per division; and the same as a bar chart (PNG). Pure: figures in, bytes out. The
//! chart is drawn pixel by pixel with a tiny built-in digit font and encoded with `png`
//! (already in the build for the export), so it costs no font files and little compile
//! time. Bars are labelled by the Order's item numbers (3.5.x, 4.2.x, 3.7.x) and by the
//! divisions' numbers in the text; every bar shows its count.

use crate::domain::{Direction, Kind, Need};

/// The figures of the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Active rows.
    pub rows: i64,
    /// Every direction, in the Order's order, with its rows.
    pub by_direction: Vec<(Direction, i64)>,
    pub by_kind: Vec<(Kind, i64)>,
    pub digital: i64,
    pub offline: i64,
    /// Rows serving each need (a row serves one or more).
    pub by_need: Vec<(Need, i64)>,
    /// Every division in use, by name, with its rows.
    pub by_division: Vec<(String, i64)>,
    /// Reports awaiting a decision.
    pub pending: i64,
}

impl Stats {
    /// The divisions in use with no rows.
    pub fn divisions_without_rows(&self) -> impl Iterator<Item = &str> {
        self.by_division
            .iter()
            .filter(|(_, n)| *n == 0)
            .map(|(d, _)| d.as_str())
    }
}

// ---------------------------------------------------------------------------------------
// The chart.

/// Glyphs five pixels high: the rows (the low `width` bits, the leftmost pixel first) and
/// the width.
fn glyph(c: char) -> Option<([u8; 5], usize)> {
    let three = |rows: [u8; 5]| Some((rows, 3));
    match c {
        '0' | 'О' => three([0b111, 0b101, 0b101, 0b101, 0b111]),
        '1' => three([0b010, 0b110, 0b010, 0b010, 0b111]),
        '2' => three([0b111, 0b001, 0b111, 0b100, 0b111]),
        '3' => three([0b111, 0b001, 0b111, 0b001, 0b111]),
        '4' => three([0b101, 0b101, 0b111, 0b001, 0b001]),
        '5' => three([0b111, 0b100, 0b111, 0b001, 0b111]),
        '6' => three([0b111, 0b100, 0b111, 0b101, 0b111]),
        '7' => three([0b111, 0b001, 0b001, 0b001, 0b001]),
        '8' => three([0b111, 0b101, 0b111, 0b101, 0b111]),
        '9' => three([0b111, 0b101, 0b111, 0b001, 0b111]),
        '.' => Some(([0, 0, 0, 0, 0b1], 1)),
        '/' => three([0b001, 0b001, 0b010, 0b100, 0b100]),
        ' ' => three([0; 5]),
        '#' => Some(([0b01010, 0b11111, 0b01010, 0b11111, 0b01010], 5)),
        'Ц' => Some(([0b1010, 0b1010, 0b1010, 0b1111, 0b0001], 4)),
        _ => None,
    }
}

type Rgb = [u8; 3];
const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [40, 40, 40];
const GRID: Rgb = [225, 225, 225];
const COLOURS: [Rgb; 5] = [
    [52, 101, 164],
    [78, 154, 6],
    [196, 160, 0],
    [117, 80, 123],
    [204, 0, 0],
];

struct Canvas {
    w: usize,
    h: usize,
    px: Vec<u8>,
}

impl Canvas {
    fn new(w: usize, h: usize) -> Canvas {
        Canvas {
            w,
            h,
            px: WHITE.repeat(w * h),
        }
    }

    fn rect(&mut self, x: usize, y: usize, w: usize, h: usize, c: Rgb) {
        for yy in y..(y + h).min(self.h) {
            for xx in x..(x + w).min(self.w) {
                let i = (yy * self.w + xx) * 3;
                self.px[i..i + 3].copy_from_slice(&c);
            }
        }
    }

    /// Text at `scale`, its top left at (x, y). Unknown characters are skipped.
    fn text(&mut self, x: usize, y: usize, s: &str, scale: usize, c: Rgb) {
        let mut cx = x;
        for (rows, width) in s.chars().filter_map(glyph) {
            for (row, bits) in rows.iter().enumerate() {
                for col in 0..width {
                    if bits & (1 << (width - 1 - col)) != 0 {
                        self.rect(cx + col * scale, y + row * scale, scale, scale, c);
                    }
                }
            }
            cx += (width + 1) * scale;
        }
    }

    fn png(&self) -> Vec<u8> {
        let mut out = vec![];
        {
            let mut enc = png::Encoder::new(&mut out, self.w as u32, self.h as u32);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            let mut writer = enc.write_header().expect("PNG header into memory");
            writer
                .write_image_data(&self.px)
                .expect("PNG data into memory");
        }
        out
    }
}

fn text_width(s: &str, scale: usize) -> usize {
    let advance: usize = s.chars().filter_map(glyph).map(|(_, w)| w + 1).sum();
    advance.saturating_sub(1) * scale
}

const BAR: usize = 26;
const GAP: usize = 8;
const PANEL_GAP: usize = 36;
const MARGIN: usize = 24;
const PLOT_H: usize = 260;
const SCALE: usize = 3;

/// One group of bars: its heading and (label, value) bars.
struct Panel {
    heading: String,
    bars: Vec<(String, i64)>,
}

/// The figures as a bar chart: one panel per breakdown, left to right — directions (3.5),
/// kinds (4.2), digital and offline (Ц/О), needs (3.7), divisions (#n, as numbered in the
/// text). One scale for all bars.
pub fn chart_png(s: &Stats) -> Vec<u8> {
    let last = |code: &str| code.rsplit('.').next().unwrap_or(code).to_string();
    let panels = vec![
        Panel {
            heading: "3.5".into(),
            bars: s
                .by_direction
                .iter()
                .map(|(d, n)| (last(d.code()), *n))
                .collect(),
        },
        Panel {
            heading: "4.2".into(),
            bars: s
                .by_kind
                .iter()
                .map(|(k, n)| (last(k.code()), *n))
                .collect(),
        },
        Panel {
            heading: "Ц/О".into(),
            bars: vec![("Ц".into(), s.digital), ("О".into(), s.offline)],
        },
        Panel {
            heading: "3.7".into(),
            bars: s
                .by_need
                .iter()
                .map(|(k, n)| (last(k.code()), *n))
                .collect(),
        },
        Panel {
            heading: "#".into(),
            bars: s
                .by_division
                .iter()
                .enumerate()
                .map(|(i, (_, n))| ((i + 1).to_string(), *n))
                .collect(),
        },
    ];
    let panels: Vec<Panel> = panels.into_iter().filter(|p| !p.bars.is_empty()).collect();
    let panel_w = |p: &Panel| p.bars.len() * (BAR + GAP) - GAP;
    let width = MARGIN * 2
        + panels.iter().map(panel_w).sum::<usize>()
        + PANEL_GAP * panels.len().saturating_sub(1);
    let head_h = 5 * SCALE + 14;
    let value_h = 5 * SCALE + 6;
    let label_h = 5 * SCALE + 10;
    let top = MARGIN + head_h + value_h;
    let base = top + PLOT_H;
    let height = base + label_h + MARGIN;
    let mut c = Canvas::new(width.max(2 * MARGIN + 1), height);
    let max = panels
        .iter()
        .flat_map(|p| p.bars.iter().map(|(_, n)| *n))
        .max()
        .unwrap_or(0)
        .max(1);
    // Grid lines at quarters of the scale.
    for q in 0..=4 {
        let y = base - PLOT_H * q / 4;
        c.rect(MARGIN, y, width - 2 * MARGIN, 1, GRID);
    }
    let mut x = MARGIN;
    for (pi, p) in panels.iter().enumerate() {
        let colour = COLOURS[pi % COLOURS.len()];
        let w = panel_w(p);
        let hw = text_width(&p.heading, SCALE);
        c.text(x + w.saturating_sub(hw) / 2, MARGIN, &p.heading, SCALE, INK);
        for (bi, (label, n)) in p.bars.iter().enumerate() {
            let bx = x + bi * (BAR + GAP);
            let h = (PLOT_H as i64 * (*n).max(0) / max) as usize;
            c.rect(bx, base - h, BAR, h, colour);
            let v = n.to_string();
            let vw = text_width(&v, SCALE);
            c.text(
                bx + BAR.saturating_sub(vw) / 2,
                base - h - value_h + 2,
                &v,
                SCALE,
                INK,
            );
            let lw = text_width(label, SCALE);
            c.text(bx + BAR.saturating_sub(lw) / 2, base + 6, label, SCALE, INK);
        }
        c.rect(x, base, w, 2, INK);
        x += w + PANEL_GAP;
    }
    c.png()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Stats {
        Stats {
            rows: 4,
            by_direction: Direction::ALL.iter().map(|d| (*d, 0)).collect(),
            by_kind: Kind::ALL
                .iter()
                .enumerate()
                .map(|(i, k)| (*k, i as i64))
                .collect(),
            digital: 3,
            offline: 1,
            by_need: Need::ALL.iter().map(|n| (*n, 2)).collect(),
            by_division: vec![("А".into(), 4), ("Б".into(), 0)],
            pending: 1,
        }
    }

    #[test]
    fn the_chart_is_a_png_with_one_bar_per_figure() {
        let bytes = chart_png(&sample());
        let decoder = png::Decoder::new(std::io::Cursor::new(&bytes));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        let info = reader.next_frame(&mut buf).unwrap();
        // 3 + 7 + 2 + 10 + 2 bars.
        let bars = 24;
        assert_eq!(
            info.width as usize,
            2 * MARGIN + bars * (BAR + GAP) - 5 * GAP + 4 * PANEL_GAP
        );
        assert!(info.height > PLOT_H as u32);
        // The tallest bar (kind 4.2.7: 6 rows) reaches the top of the plot.
        let top = MARGIN + (5 * SCALE + 14) + (5 * SCALE + 6);
        let x = MARGIN + 3 * (BAR + GAP) - GAP + PANEL_GAP + 6 * (BAR + GAP) + BAR / 2;
        let at = |x: usize, y: usize| {
            let i = (y * info.width as usize + x) * 3;
            [buf[i], buf[i + 1], buf[i + 2]]
        };
        assert_eq!(at(x, top + 1), COLOURS[1]);
        assert_eq!(at(x, top - 1 - 5 * SCALE - 6), WHITE);
    }

    #[test]
    fn an_empty_list_still_draws() {
        let s = Stats {
            by_direction: Direction::ALL.iter().map(|d| (*d, 0)).collect(),
            ..Stats::default()
        };
        assert!(chart_png(&s).starts_with(b"\x89PNG"));
        assert!(chart_png(&Stats::default()).starts_with(b"\x89PNG"));
        assert_eq!(sample().divisions_without_rows().collect::<Vec<_>>(), ["Б"]);
    }

    #[test]
    fn every_label_character_has_a_glyph() {
        for c in "0123456789.#Ц/О".chars() {
            assert!(glyph(c).is_some(), "{c}");
        }
    }
}
