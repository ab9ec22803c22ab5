//! `--since DATE`: a calendar date or time in the local zone, an RFC 3339 instant, `today`,
//! `yesterday`, or a span back from now (`7d`, `2w`, `12h`).

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp, Zoned};

#[derive(Debug, thiserror::Error, PartialEq)]
#[error(
    "cannot read {0:?} as a date: use 2026-11-01, 2026-11-01T09:00, today, yesterday, 7d or 2w"
)]
pub struct BadDate(pub String);

pub fn parse(s: &str, now: &Zoned) -> Result<Timestamp, BadDate> {
    let s = s.trim();
    let bad = || BadDate(s.to_string());
    let tz = now.time_zone().clone();
    let midnight = |d: Date| d.to_zoned(tz.clone()).map(|z| z.timestamp());
    match s {
        "today" => return midnight(now.date()).map_err(|_| bad()),
        "yesterday" => {
            let d = now.date().yesterday().map_err(|_| bad())?;
            return midnight(d).map_err(|_| bad());
        }
        _ => {}
    }
    if let Some((n, unit)) = s
        .char_indices()
        .last()
        .and_then(|(i, u)| Some((s[..i].parse::<i64>().ok()?, u)))
    {
        let span = match unit {
            'h' => Span::new().try_hours(n),
            'd' => Span::new().try_days(n),
            'w' => Span::new().try_weeks(n),
            _ => return Err(bad()),
        }
        .map_err(|_| bad())?;
        return now
            .checked_sub(span)
            .map(|z| z.timestamp())
            .map_err(|_| bad());
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    if let Ok(dt) = s.parse::<DateTime>() {
        return dt.to_zoned(tz).map(|z| z.timestamp()).map_err(|_| bad());
    }
    s.parse::<Date>()
        .map_err(|_| bad())
        .and_then(|d| midnight(d).map_err(|_| bad()))
}

/// Parse against the current time in the system's zone.
pub fn parse_now(s: &str) -> Result<Timestamp, BadDate> {
    parse(s, &Timestamp::now().to_zoned(TimeZone::system()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Zoned {
        "2026-11-22T15:30:00+00:00[UTC]".parse().unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn dates_and_spans() {
        assert_eq!(parse("2026-11-01", &now()), Ok(at("2026-11-01T00:00:00Z")));
        assert_eq!(
            parse("2026-11-01T09:00", &now()),
            Ok(at("2026-11-01T09:00:00Z"))
        );
        assert_eq!(parse("today", &now()), Ok(at("2026-11-22T00:00:00Z")));
        assert_eq!(parse("yesterday", &now()), Ok(at("2026-11-21T00:00:00Z")));
        assert_eq!(parse("7d", &now()), Ok(at("2026-11-15T15:30:00Z")));
        assert_eq!(parse("2w", &now()), Ok(at("2026-11-08T15:30:00Z")));
        assert_eq!(
            parse("2026-11-01T09:00:00Z", &now()),
            Ok(at("2026-11-01T09:00:00Z"))
        );
    }

    #[test]
    fn nonsense_is_an_error() {
        assert!(parse("last tuesday", &now()).is_err());
        assert!(parse("7y", &now()).is_err());
        assert!(parse("", &now()).is_err());
    }
}
