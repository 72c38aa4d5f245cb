//! The list in figures (`/stats`): rows by direction, by kind, digital and offline, by
//! need, per division; and the same as a chart (PNG, [`chart`]). Pure: figures in, texts
//! and bytes out.

pub mod chart;

pub use chart::{chart_png, ChartError};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisions_without_rows_are_those_with_zero() {
        let s = Stats {
            by_division: vec![("А".into(), 4), ("Б".into(), 0)],
            ..Stats::default()
        };
        assert_eq!(s.divisions_without_rows().collect::<Vec<_>>(), ["Б"]);
    }
}
