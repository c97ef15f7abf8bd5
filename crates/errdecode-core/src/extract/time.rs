//! Timestamps: when the error happened, as the paste tells it.

use std::sync::LazyLock;

use serde::Serialize;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::{Facts, LIMITS};
use crate::haystack::{Caseless, Haystack};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimestampFact {
    /// ISO-8601, UTC.
    pub iso: String,
    #[serde(skip)]
    pub unix: i64,
    /// The label it carried (`Timestamp`, `date`, ...), when it had one.
    pub label: Option<String>,
    /// Labelled as the time of the error or the response (not, say, a grant's issue time).
    pub is_error_time: bool,
}

static ISO: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r#"(?:\b(timestamp|date|time|datetime)["']?\s*[:=]\s*["']?\[?)?\b(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?"#,
    )
});
static HTTP_DATE: LazyLock<Caseless> = LazyLock::new(|| {
    Caseless::new(
        r"\bDate:\s*[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT",
    )
});

pub fn extract_timestamps(haystack: &Haystack, facts: &mut Facts) {
    let near_dates = haystack.lines_around(dates(haystack.text()));
    for caps in ISO.captures_in(haystack, &near_dates) {
        if facts.timestamps.len() >= LIMITS.timestamps || !haystack.charge(1) {
            break;
        }
        let number = |i: usize| caps[i].parse::<i64>().unwrap_or(0);
        let Some(mut unix) =
            to_unix(number(2), number(3), number(4), number(5), number(6), number(7))
        else {
            continue;
        };
        if let Some(offset) =
            caps.get(8).map(|m| m.as_str()).filter(|o| !o.eq_ignore_ascii_case("z"))
        {
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let digits: String = offset.chars().filter(|c| c.is_ascii_digit()).collect();
            let hours: i64 = digits.get(..2).and_then(|h| h.parse().ok()).unwrap_or(0);
            let minutes: i64 = digits.get(2..4).and_then(|m| m.parse().ok()).unwrap_or(0);
            unix -= sign * (hours * 3600 + minutes * 60);
        }
        let label = caps.get(1).map(|m| m.as_str().to_string()).or_else(|| {
            let whole = caps.get(0)?;
            error_log_prefix(haystack.text(), whole.start(), whole.end())
        });
        push(facts, unix, label);
    }
    for caps in HTTP_DATE.captures_iter(haystack) {
        if facts.timestamps.len() >= LIMITS.timestamps || !haystack.charge(1) {
            break;
        }
        let month = month_number(&caps[2]);
        let number = |i: usize| caps[i].parse::<i64>().unwrap_or(0);
        if let Some(unix) = to_unix(number(3), month, number(1), number(4), number(5), number(6)) {
            push(facts, unix, Some("Date".to_string()));
        }
    }
}

/// The offsets of every `dddd-dd-dd` (ASCII digits): where an ISO-8601 timestamp can start.
fn dates(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        bytes.get(range).is_some_and(|run| run.iter().all(u8::is_ascii_digit))
    };
    memchr::memchr_iter(b'-', bytes)
        .filter(|&dash| {
            dash >= 4
                && digits(dash - 4..dash)
                && digits(dash + 1..dash + 3)
                && bytes.get(dash + 3) == Some(&b'-')
                && digits(dash + 4..dash + 6)
        })
        .map(|dash| dash - 4)
        .collect()
}

/// A log line's own timestamp, when the line is the error: the time opens the line (after an
/// optional `[`) and an error level follows it within the prefix: `[2025-11-20 11:42:08 ERR]`,
/// `2025-11-20T11:42:08.123Z ERROR`, `2025-11-20 11:42:08,123 [error]`, `... | fail |`. Gives
/// the level as the label.
fn error_log_prefix(text: &str, start: usize, end: usize) -> Option<String> {
    let line_start = memchr::memrchr(b'\n', &text.as_bytes()[..start]).map_or(0, |i| i + 1);
    let before = text[line_start..start].trim_start();
    if !(before.is_empty() || before == "[" || before == "(") {
        return None;
    }
    let after = &text[end..];
    let prefix: String = after.chars().take(40).take_while(|c| *c != '\n').collect();
    // Fractions of a second and zones the timestamp pattern left (`,123`, `+01:00`) come first.
    let rest = prefix.trim_start_matches(|c: char| {
        c.is_ascii_digit() || matches!(c, ',' | '.' | ':' | '+' | '-' | 'Z' | 'z')
    });
    let level = rest.split(|c: char| !c.is_ascii_alphabetic()).find(|word| !word.is_empty())?;
    const LEVELS: [&str; 8] =
        ["err", "error", "fatal", "fail", "failed", "crit", "critical", "eror"];
    LEVELS
        .iter()
        .any(|l| level.eq_ignore_ascii_case(l))
        .then(|| format!("log {}", level.to_ascii_uppercase()))
}

fn push(facts: &mut Facts, unix: i64, label: Option<String>) {
    if let Some(same) = facts.timestamps.iter_mut().find(|t| t.unix == unix) {
        // The same moment read twice (a log prefix and the body's `date`): the label counts.
        if label.is_some() && !same.is_error_time {
            same.label = label;
            same.is_error_time = true;
        }
        return;
    }
    if facts.timestamps.len() >= LIMITS.timestamps {
        return;
    }
    let is_error_time = label.is_some();
    facts.timestamps.push(TimestampFact { iso: format_unix(unix), unix, label, is_error_time });
}

fn month_number(name: &str) -> i64 {
    const MONTHS: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    MONTHS.iter().position(|m| name.eq_ignore_ascii_case(m)).map_or(0, |i| i as i64 + 1)
}

fn to_unix(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> Option<i64> {
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date =
        Date::from_calendar_date(i32::try_from(year).ok()?, month, u8::try_from(day).ok()?).ok()?;
    let time = Time::from_hms(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
    )
    .ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc().unix_timestamp())
}

/// Unix seconds as ISO-8601 UTC (`2025-10-24T12:49:25Z`); out-of-range values are shown raw.
pub fn format_unix(unix: i64) -> String {
    match OffsetDateTime::from_unix_timestamp(unix) {
        Ok(moment) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            moment.year(),
            moment.month() as u8,
            moment.day(),
            moment.hour(),
            moment.minute(),
            moment.second()
        ),
        Err(_) => format!("{unix} (not a valid time)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::haystack::Haystack;

    #[test]
    fn reads_labelled_and_bare_times() {
        let mut facts = Facts::default();
        extract_timestamps(&Haystack::new("Timestamp: 2024-02-14 02:40:29Z\n\"date\": \"2018-08-02T21:52:02\"\nissued on '2026-05-20T11:11:42.6690000Z'\nDate: Tue, 15 Nov 1994 08:12:31 GMT"), &mut facts);
        let isos: Vec<&str> = facts.timestamps.iter().map(|t| t.iso.as_str()).collect();
        assert_eq!(
            isos,
            [
                "2024-02-14T02:40:29Z",
                "2018-08-02T21:52:02Z",
                "2026-05-20T11:11:42Z",
                "1994-11-15T08:12:31Z"
            ]
        );
        assert_eq!(facts.timestamps.iter().filter(|t| t.is_error_time).count(), 3);
        assert_eq!(format_unix(1761314065), "2025-10-24T13:54:25Z");
    }

    #[test]
    fn reads_the_error_time_through_log_prefixes() {
        for (paste, iso) in [
            (
                "[2025-11-20 11:42:07 INF] ok\n[2025-11-20 11:42:08 ERR] failed",
                "2025-11-20T11:42:08Z",
            ),
            ("2025-11-20T11:42:09.123Z ERROR Graph call failed", "2025-11-20T11:42:09Z"),
            ("2025-11-20 11:42:10,456 [error] Graph call failed", "2025-11-20T11:42:10Z"),
            ("  2025-11-20 11:42:11+01:00 | fail | x", "2025-11-20T10:42:11Z"),
        ] {
            let mut facts = Facts::default();
            extract_timestamps(&Haystack::new(paste), &mut facts);
            let errors: Vec<&str> = facts
                .timestamps
                .iter()
                .filter(|t| t.is_error_time)
                .map(|t| t.iso.as_str())
                .collect();
            assert_eq!(errors, [iso], "{paste}");
        }
        // An info line's time is not the error's; a time in the middle of a line is no prefix.
        let mut facts = Facts::default();
        extract_timestamps(
            &Haystack::new("[2025-11-20 11:42:07 INF] ok\nat 2025-11-20 11:42:08 ERR x"),
            &mut facts,
        );
        assert_eq!(facts.error_time(), None);
    }

    #[test]
    fn a_labelled_time_seen_first_unlabelled_still_counts() {
        let mut facts = Facts::default();
        extract_timestamps(
            &Haystack::new("[2025-11-20 11:42:08 DBG] x\n\"date\": \"2025-11-20T11:42:08\""),
            &mut facts,
        );
        assert_eq!(facts.timestamps.len(), 1);
        assert!(facts.timestamps[0].is_error_time);
    }
}
