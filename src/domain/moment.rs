//! A moment the list is asked for as it stood (issue 11): a day — its end — or a minute —
//! its start — in the administration's local time (`TOUCHPOINTS_UTC_OFFSET`). Pure.
//!
//! Written `01.12.2026` or `01.12.2026 14:30` in chat, `2026-12-01` or `2026-12-01 14:30`
//! on the command line; either form is read in both places.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};

/// A moment in local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Moment {
    /// The end of this day: everything done on it is in.
    EndOfDay(NaiveDate),
    /// The start of this minute: what was done in it is not.
    Minute(NaiveDateTime),
}

/// Why a text is not a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MomentError {
    /// Not shaped like a date (and time).
    Form,
    /// Shaped like one, but no such day (31.02.2026) or time (25:00).
    NoSuchDate,
}

const DATE_FORMS: [&str; 2] = ["%d.%m.%Y", "%Y-%m-%d"];

fn date(s: &str) -> Result<NaiveDate, MomentError> {
    let shaped = |f: &str| match f {
        "%d.%m.%Y" => shape(s, &[2, 2, 4], '.'),
        _ => shape(s, &[4, 2, 2], '-'),
    };
    for f in DATE_FORMS {
        if shaped(f) {
            return NaiveDate::parse_from_str(s, f).map_err(|_| MomentError::NoSuchDate);
        }
    }
    Err(MomentError::Form)
}

/// Whether `s` is groups of ASCII digits of these lengths (the first and the last may be
/// one digit shorter for a day or an hour), joined by `sep`.
fn shape(s: &str, lens: &[usize], sep: char) -> bool {
    let parts: Vec<&str> = s.split(sep).collect();
    parts.len() == lens.len()
        && parts.iter().zip(lens).all(|(p, &n)| {
            p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == n || (n == 2 && p.len() == 1))
        })
}

fn time(s: &str) -> Result<NaiveTime, MomentError> {
    if !shape(s, &[2, 2], ':') {
        return Err(MomentError::Form);
    }
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| MomentError::NoSuchDate)
}

impl Moment {
    /// Reads `01.12.2026`, `01.12.2026 14:30`, `2026-12-01`, `2026-12-01 14:30` (or with a
    /// `T` between the date and the time); spaces around and between are ignored.
    pub fn parse(s: &str) -> Result<Moment, MomentError> {
        let s = s.trim();
        let (d, t) = match s.split_once(|c: char| c.is_whitespace() || c == 'T') {
            Some((d, t)) => (d, Some(t.trim())),
            None => (s, None),
        };
        let d = date(d)?;
        match t {
            None => Ok(Moment::EndOfDay(d)),
            Some(t) => Ok(Moment::Minute(d.and_time(time(t)?))),
        }
    }

    /// The instant it stands for, in UTC: the start of the next day for a day's end.
    pub fn instant(self, offset: FixedOffset) -> DateTime<Utc> {
        let local = match self {
            Moment::EndOfDay(d) => d.and_time(NaiveTime::MIN) + Duration::days(1),
            Moment::Minute(t) => t,
        };
        // A fixed offset has no gaps or folds; the latest date chrono handles is far away.
        (local - Duration::seconds(i64::from(offset.local_minus_utc()))).and_utc()
    }

    /// Its compact form for callback data: `d20261201` or `m202612011430`.
    pub fn code(self) -> String {
        match self {
            Moment::EndOfDay(d) => d.format("d%Y%m%d").to_string(),
            Moment::Minute(t) => t.format("m%Y%m%d%H%M").to_string(),
        }
    }

    /// Reads [`Moment::code`] back.
    pub fn from_code(s: &str) -> Option<Moment> {
        let digits =
            |n: usize| s.len() == n + 1 && s.as_bytes()[1..].iter().all(u8::is_ascii_digit);
        match s.as_bytes().first()? {
            b'd' if digits(8) => NaiveDate::parse_from_str(&s[1..], "%Y%m%d")
                .ok()
                .map(Moment::EndOfDay),
            b'm' if digits(12) => NaiveDateTime::parse_from_str(&s[1..], "%Y%m%d%H%M")
                .ok()
                .map(Moment::Minute),
            _ => None,
        }
    }

    /// The day it falls on (for a day's end, that day).
    pub fn date(self) -> NaiveDate {
        match self {
            Moment::EndOfDay(d) => d,
            Moment::Minute(t) => t.date(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reads_a_day_or_a_minute_in_either_form() {
        let day = Moment::EndOfDay(d(2026, 12, 1));
        let minute = Moment::Minute(d(2026, 12, 1).and_hms_opt(14, 30, 0).unwrap());
        assert_eq!(Moment::parse("01.12.2026"), Ok(day));
        assert_eq!(Moment::parse(" 1.12.2026 "), Ok(day));
        assert_eq!(Moment::parse("2026-12-01"), Ok(day));
        assert_eq!(Moment::parse("01.12.2026 14:30"), Ok(minute));
        assert_eq!(Moment::parse("01.12.2026   14:30"), Ok(minute));
        assert_eq!(Moment::parse("2026-12-01 14:30"), Ok(minute));
        assert_eq!(Moment::parse("2026-12-01T14:30"), Ok(minute));
        assert_eq!(
            Moment::parse("01.12.2026 9:05"),
            Ok(Moment::Minute(d(2026, 12, 1).and_hms_opt(9, 5, 0).unwrap()))
        );
    }

    #[test]
    fn bad_texts_say_whether_the_form_or_the_date_is_wrong() {
        for s in [
            "",
            "вчера",
            "01.12",
            "01/12/2026",
            "2026.12.01",
            "01.12.26",
            "01.12.2026 14",
            "01.12.2026 14:30:00",
            "+1.12.2026",
        ] {
            assert_eq!(Moment::parse(s), Err(MomentError::Form), "{s:?}");
        }
        for s in [
            "31.02.2026",
            "00.01.2026",
            "01.13.2026",
            "01.12.2026 24:00",
            "01.12.2026 14:60",
        ] {
            assert_eq!(Moment::parse(s), Err(MomentError::NoSuchDate), "{s:?}");
        }
    }

    #[test]
    fn a_day_ends_at_the_next_local_midnight_and_a_minute_starts_at_its_own() {
        let msk = FixedOffset::east_opt(3 * 3600).unwrap();
        let day = Moment::parse("01.12.2026").unwrap();
        assert_eq!(day.instant(msk).to_rfc3339(), "2026-12-01T21:00:00+00:00");
        let minute = Moment::parse("01.12.2026 14:30").unwrap();
        assert_eq!(
            minute.instant(msk).to_rfc3339(),
            "2026-12-01T11:30:00+00:00"
        );
        let utc = FixedOffset::east_opt(0).unwrap();
        assert_eq!(
            minute.instant(utc).to_rfc3339(),
            "2026-12-01T14:30:00+00:00"
        );
    }

    #[test]
    fn codes_go_both_ways_and_nothing_else_reads() {
        for s in [
            "01.12.2026",
            "01.12.2026 14:30",
            "29.02.2028 00:00",
            "31.12.9999 23:59",
        ] {
            let m = Moment::parse(s).unwrap();
            assert!(m.code().len() <= 13);
            assert_eq!(Moment::from_code(&m.code()), Some(m), "{s}");
        }
        assert_eq!(Moment::parse("01.12.2026").unwrap().code(), "d20261201");
        for s in [
            "",
            "d",
            "d2026120",
            "m20261201143",
            "d20261301",
            "x20261201",
            "d2026120a",
            "m202612012460",
        ] {
            assert_eq!(Moment::from_code(s), None, "{s:?}");
        }
    }
}
