//! When the heads are reminded to check their rows (5.2): the period, the hour, the quiet
//! hours, in the administration's time zone (a fixed offset from UTC). Pure: times in,
//! times out.

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Timelike, Utc,
};

/// How often the heads are reminded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Every {
    /// On the 1st of every month.
    Month,
    /// Every Monday.
    Week,
    /// Every this many days (counted from 1 January 1970).
    Days(u32),
    /// Never.
    Off,
}

impl Every {
    /// `month`, `week`, `<N>d` (1–366) or `off`.
    pub fn parse(s: &str) -> Result<Every, String> {
        let s = s.trim().to_lowercase();
        match s.as_str() {
            "month" | "monthly" => Ok(Every::Month),
            "week" | "weekly" => Ok(Every::Week),
            "off" | "never" => Ok(Every::Off),
            _ => s
                .strip_suffix('d')
                .and_then(|n| n.parse::<u32>().ok())
                .filter(|n| (1..=366).contains(n))
                .map(Every::Days)
                .ok_or_else(|| {
                    format!(
                        "«{s}» is not a period: month, week, a number of days such as 14d, or off"
                    )
                }),
        }
    }

    /// The period's length, roughly (for the time given to confirm).
    fn length(self) -> Duration {
        match self {
            Every::Month => Duration::days(30),
            Every::Week => Duration::days(7),
            Every::Days(n) => Duration::days(n as i64),
            Every::Off => Duration::days(30),
        }
    }
}

/// Local hours `[from, to)` in which nobody is written to; `from > to` spans midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quiet {
    pub from: u32,
    pub to: u32,
}

impl Quiet {
    /// `21-9` (hours 0–23), or `off` for none.
    pub fn parse(s: &str) -> Result<Option<Quiet>, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") {
            return Ok(None);
        }
        let bad = || format!("«{s}» is not quiet hours: two hours 0–23 such as 21-9, or off");
        let (a, b) = s.split_once('-').ok_or_else(bad)?;
        let hour = |x: &str| x.trim().parse::<u32>().ok().filter(|h| *h < 24);
        match (hour(a), hour(b)) {
            (Some(from), Some(to)) if from != to => Ok(Some(Quiet { from, to })),
            _ => Err(bad()),
        }
    }
}

/// `+03:00`, `-05:30` or `Z`: the administration's offset from UTC.
pub fn parse_offset(s: &str) -> Result<FixedOffset, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
        return Ok(FixedOffset::east_opt(0).expect("zero offset"));
    }
    let bad = || format!("«{s}» is not an offset from UTC such as +03:00");
    let (sign, rest) = match s.chars().next() {
        Some('+') => (1, &s[1..]),
        Some('-') => (-1, &s[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let h: i32 = h.parse().map_err(|_| bad())?;
    let m: i32 = m.parse().map_err(|_| bad())?;
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return Err(bad());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(bad)
}

/// `HH:MM`, local.
pub fn parse_time(s: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| format!("«{}» is not a time of day such as 10:00", s.trim()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub every: Every,
    /// The local time of day reminders are due.
    pub at: NaiveTime,
    pub offset: FixedOffset,
    pub quiet: Option<Quiet>,
}

impl Default for Schedule {
    /// Monthly, on the 1st at 10:00 Moscow time, quiet from 21:00 to 9:00.
    fn default() -> Self {
        Schedule {
            every: Every::Month,
            at: NaiveTime::from_hms_opt(10, 0, 0).expect("10:00"),
            offset: FixedOffset::east_opt(3 * 3600).expect("+03:00"),
            quiet: Some(Quiet { from: 21, to: 9 }),
        }
    }
}

impl Schedule {
    fn local(&self, date: NaiveDate, time: NaiveTime) -> DateTime<Utc> {
        self.offset
            .from_local_datetime(&date.and_time(time))
            .single()
            .expect("a fixed offset has no gaps")
            .with_timezone(&Utc)
    }

    /// The first due time strictly after `t`; `None` when reminders are off.
    pub fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let today = t.with_timezone(&self.offset).date_naive();
        let candidates: Box<dyn Iterator<Item = NaiveDate>> = match self.every {
            Every::Off => return None,
            Every::Month => Box::new((0..3).filter_map(move |k| {
                let months = today.year() * 12 + today.month0() as i32 + k;
                NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)
            })),
            Every::Week => Box::new((0..15).filter_map(move |k| {
                let d = today + Duration::days(k);
                (d.weekday() == chrono::Weekday::Mon).then_some(d)
            })),
            Every::Days(n) => Box::new((0..=n as i64 + 1).filter_map(move |k| {
                let d = today + Duration::days(k);
                let since = (d - NaiveDate::from_ymd_opt(1970, 1, 1)?).num_days();
                (since.rem_euclid(n as i64) == 0).then_some(d)
            })),
        };
        candidates
            .map(|d| self.local(d, self.at))
            .find(|due| *due > t)
    }

    /// Whether `t` falls in the quiet hours.
    pub fn is_quiet(&self, t: DateTime<Utc>) -> bool {
        let Some(q) = self.quiet else {
            return false;
        };
        let h = t.with_timezone(&self.offset).hour();
        if q.from < q.to {
            (q.from..q.to).contains(&h)
        } else {
            h >= q.from || h < q.to
        }
    }

    /// How long after a round the authorized persons hear who has not confirmed: half a
    /// period, at most a week.
    pub fn grace(&self) -> Duration {
        (self.every.length() / 2).min(Duration::days(7))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn monthly_on_the_first_at_ten_moscow_time() {
        let s = Schedule::default();
        assert_eq!(
            s.next_after(utc("2026-11-28T12:00:00Z")),
            Some(utc("2026-12-01T07:00:00Z"))
        );
        assert_eq!(
            s.next_after(utc("2026-12-01T07:00:00Z")),
            Some(utc("2027-01-01T07:00:00Z")),
            "strictly after"
        );
        assert_eq!(
            s.next_after(utc("2026-12-01T06:59:00Z")),
            Some(utc("2026-12-01T07:00:00Z"))
        );
    }

    #[test]
    fn weekly_days_and_off() {
        let week = Schedule {
            every: Every::Week,
            ..Schedule::default()
        };
        // 2026-11-28 is a Saturday: the next Monday is the 30th.
        assert_eq!(
            week.next_after(utc("2026-11-28T12:00:00Z")),
            Some(utc("2026-11-30T07:00:00Z"))
        );
        let days = Schedule {
            every: Every::Days(1),
            ..Schedule::default()
        };
        assert_eq!(
            days.next_after(utc("2026-11-28T12:00:00Z")),
            Some(utc("2026-11-29T07:00:00Z"))
        );
        let off = Schedule {
            every: Every::Off,
            ..Schedule::default()
        };
        assert_eq!(off.next_after(utc("2026-11-28T12:00:00Z")), None);
    }

    #[test]
    fn quiet_hours_span_midnight_in_local_time() {
        let s = Schedule::default();
        assert!(s.is_quiet(utc("2026-11-28T18:00:00Z")), "21:00 MSK");
        assert!(s.is_quiet(utc("2026-11-28T05:59:00Z")), "08:59 MSK");
        assert!(!s.is_quiet(utc("2026-11-28T06:00:00Z")), "09:00 MSK");
        assert!(!s.is_quiet(utc("2026-11-28T17:59:00Z")), "20:59 MSK");
        let day = Schedule {
            quiet: Some(Quiet { from: 13, to: 14 }),
            ..s
        };
        assert!(day.is_quiet(utc("2026-11-28T10:30:00Z")));
        assert!(!day.is_quiet(utc("2026-11-28T11:00:00Z")));
        assert_eq!(s.grace(), Duration::days(7));
    }

    #[test]
    fn settings_parse_with_clear_errors() {
        assert_eq!(Every::parse("Month"), Ok(Every::Month));
        assert_eq!(Every::parse("14d"), Ok(Every::Days(14)));
        assert_eq!(Every::parse("off"), Ok(Every::Off));
        assert!(Every::parse("0d").unwrap_err().contains("0d"));
        assert!(Every::parse("yearly").is_err());
        assert_eq!(Quiet::parse("21-9"), Ok(Some(Quiet { from: 21, to: 9 })));
        assert_eq!(Quiet::parse("off"), Ok(None));
        assert!(Quiet::parse("25-9").is_err());
        assert!(Quiet::parse("9-9").is_err());
        assert_eq!(parse_offset("+03:00").unwrap().local_minus_utc(), 3 * 3600);
        assert_eq!(
            parse_offset("-05:30").unwrap().local_minus_utc(),
            -(5 * 3600 + 1800)
        );
        assert!(parse_offset("3").is_err());
        assert_eq!(parse_time("09:30").unwrap().to_string(), "09:30:00");
        assert!(parse_time("25:00").is_err());
    }
}
