//! Telling both sides while a report waits (issue 15): its author once, after a number of
//! days (`TOUCHPOINTS_REVIEW_NOTICE`), that it is still under review; the authorized persons
//! by one digest a day at the reminders' time of day. Neither in the quiet hours. Pure:
//! when each is due.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::schedule::Schedule;

/// After how many days the author of a waiting report is told, or never (`off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewNotice(pub Option<u32>);

impl Default for ReviewNotice {
    /// Three days.
    fn default() -> Self {
        ReviewNotice(Some(3))
    }
}

impl ReviewNotice {
    /// `3d` (a number of days, at least 1) or `off`.
    pub fn parse(s: &str) -> Result<ReviewNotice, String> {
        let s = s.trim().to_ascii_lowercase();
        if s == "off" {
            return Ok(ReviewNotice(None));
        }
        s.strip_suffix('d')
            .and_then(|n| n.parse::<u32>().ok())
            .filter(|n| (1..=365).contains(n))
            .map(|n| ReviewNotice(Some(n)))
            .ok_or_else(|| format!("«{s}» is not a number of days such as 3d (1d to 365d) or off"))
    }

    /// Reports sent at or before this moment are due a notice now; `None`: notices are off.
    pub fn sent_before(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.0.map(|days| now - Duration::days(days as i64))
    }
}

/// The local day whose digest is due at `now`: from the reminders' time of day to the end
/// of that day, outside the quiet hours; `None` otherwise.
pub fn digest_day(schedule: &Schedule, now: DateTime<Utc>) -> Option<NaiveDate> {
    if schedule.is_quiet(now) {
        return None;
    }
    let local = now.with_timezone(&schedule.offset);
    (local.time() >= schedule.at).then(|| local.date_naive())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::Quiet;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_notice_setting_takes_days_or_off() {
        assert_eq!(ReviewNotice::parse("3d"), Ok(ReviewNotice(Some(3))));
        assert_eq!(ReviewNotice::parse(" 14D "), Ok(ReviewNotice(Some(14))));
        assert_eq!(ReviewNotice::parse("off"), Ok(ReviewNotice(None)));
        for bad in ["", "3", "0d", "-1d", "3 d", "d", "1w", "366d"] {
            assert!(ReviewNotice::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(ReviewNotice::default(), ReviewNotice(Some(3)));
        let now = utc("2026-12-04T10:00:00Z");
        assert_eq!(
            ReviewNotice(Some(3)).sent_before(now),
            Some(utc("2026-12-01T10:00:00Z"))
        );
        assert_eq!(ReviewNotice(None).sent_before(now), None);
    }

    #[test]
    fn the_digest_is_due_from_the_time_of_day_and_never_in_the_quiet_hours() {
        // 10:00 Moscow time (07:00 UTC), quiet 21-9.
        let s = Schedule::default();
        assert_eq!(digest_day(&s, utc("2026-12-04T06:59:00Z")), None);
        let day = NaiveDate::from_ymd_opt(2026, 12, 4);
        assert_eq!(digest_day(&s, utc("2026-12-04T07:00:00Z")), day);
        assert_eq!(digest_day(&s, utc("2026-12-04T17:59:00Z")), day);
        assert_eq!(
            digest_day(&s, utc("2026-12-04T18:00:00Z")),
            None,
            "21:00: quiet"
        );
        // A time of day inside the quiet hours waits for them to end.
        let early = Schedule {
            at: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            quiet: Some(Quiet { from: 21, to: 9 }),
            ..Schedule::default()
        };
        assert_eq!(digest_day(&early, utc("2026-12-04T05:30:00Z")), None);
        assert_eq!(digest_day(&early, utc("2026-12-04T06:00:00Z")), day);
    }
}
