//! Conversions between the [`edm`](crate::edm) newtypes and numbers or library types.
//!
//! Always available: [`DateTimeOffset::from_parts`], [`TimeOfDay::parts`],
//! [`Duration::total_nanos`](crate::edm::Duration::total_nanos), and `std::time::Duration`
//! both ways. Behind features, both directions (`TryFrom` where a value may not fit):
//!
//! | Edm | `uuid` | `time` | `chrono` |
//! |---|---|---|---|
//! | `Guid` | `Uuid` | | |
//! | `DateTimeOffset` | | `OffsetDateTime` | `DateTime<FixedOffset>`, `DateTime<Utc>` |
//! | `Date` | | `Date` | `NaiveDate` |
//! | `TimeOfDay` | | `Time` | `NaiveTime` |
//! | `Duration` | | `Duration` | `TimeDelta` |
//!
//! Edm text has four-digit years, offsets in whole minutes and (for `Duration`) days, hours,
//! minutes and seconds: a library value outside that is an [`EdmError`]. Converting to Edm
//! writes the canonical form (`2025-07-18T09:30:00.5Z`, lower-case GUIDs, `P1DT2H`); the
//! text of a value read from Graph is kept as sent until it is converted.

use crate::edm::{parse_time, DateTimeOffset, DateTimeParts, Duration, EdmError, TimeOfDay};

fn err(expected: &'static str, value: impl ToString) -> EdmError {
    EdmError { expected, value: value.to_string() }
}

/// `.fffffffff` without trailing zeros, or nothing.
fn fraction(nanos: u32) -> String {
    if nanos == 0 {
        return String::new();
    }
    let digits = format!("{nanos:09}");
    format!(".{}", digits.trim_end_matches('0'))
}

fn format_time(hour: u32, minute: u32, second: u32, nanos: u32) -> String {
    format!("{hour:02}:{minute:02}:{second:02}{}", fraction(nanos))
}

impl DateTimeOffset {
    /// The canonical text of `parts` (`2025-07-18T09:30:00.5+02:00`, `Z` for UTC), checked.
    ///
    /// ```
    /// use graph_runtime::edm::DateTimeOffset;
    /// let d: DateTimeOffset = "2025-07-18T09:30:00.25-02:00".parse().unwrap();
    /// assert_eq!(DateTimeOffset::from_parts(d.parts()).unwrap(), d);
    /// ```
    pub fn from_parts(p: DateTimeParts) -> Result<Self, EdmError> {
        let offset = match p.offset_minutes {
            0 => "Z".to_owned(),
            m => format!("{}{:02}:{:02}", if m < 0 { '-' } else { '+' }, m.abs() / 60, m.abs() % 60),
        };
        let text = format!("{:04}-{:02}-{:02}T{}{offset}", p.year, p.month, p.day, format_time(p.hour, p.minute, p.second, p.nanosecond));
        if !(0..=9999).contains(&p.year) || p.offset_minutes.abs() >= 24 * 60 {
            return Err(err("Edm.DateTimeOffset", text));
        }
        text.parse()
    }
}

impl TimeOfDay {
    /// (hour, minute, second, nanosecond).
    pub fn parts(&self) -> (u32, u32, u32, u32) {
        parse_time(self.as_str()).expect("validated when constructed")
    }

    /// The canonical text of a time of day (`09:30:00.5`), checked.
    pub fn from_parts(hour: u32, minute: u32, second: u32, nanosecond: u32) -> Result<Self, EdmError> {
        let text = format_time(hour, minute, second, nanosecond);
        if nanosecond >= 1_000_000_000 {
            return Err(err("Edm.TimeOfDay", text));
        }
        text.parse()
    }
}

const NANOS_PER_SEC: i128 = 1_000_000_000;

impl Duration {
    /// The length in nanoseconds (negative for `-P…`), counting a week as 7 days and a day
    /// as 24 hours. `None` when it has years or months (not a fixed length; `Edm.Duration`
    /// does not allow them) or does not fit.
    pub fn total_nanos(&self) -> Option<i128> {
        let s = self.as_str();
        let (negative, s) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let rest = s.strip_prefix('P')?;
        let (date, time) = rest.split_once('T').unwrap_or((rest, ""));
        let mut total: i128 = 0;
        for (part, units) in [(date, &[('W', 7 * 86_400), ('D', 86_400)][..]), (time, &[('H', 3_600), ('M', 60), ('S', 1)][..])] {
            let mut number = String::new();
            for c in part.chars() {
                if c.is_ascii_digit() || c == '.' {
                    number.push(c);
                    continue;
                }
                let (_, secs) = units.iter().find(|(u, _)| *u == c)?;
                total = total.checked_add(decimal_nanos(&number)?.checked_mul(*secs)?)?;
                number.clear();
            }
        }
        Some(if negative { -total } else { total })
    }

    /// The canonical text of a length in nanoseconds: `P1DT2H3M4.5S`, `-PT1S`, `PT0S`.
    pub fn from_nanos(nanos: i128) -> Self {
        let sign = if nanos < 0 { "-" } else { "" };
        let n = nanos.unsigned_abs();
        let secs = n / NANOS_PER_SEC as u128;
        let frac = (n % NANOS_PER_SEC as u128) as u32;
        let (days, h, m, s) = (secs / 86_400, secs % 86_400 / 3_600, secs % 3_600 / 60, secs % 60);
        let mut text = format!("{sign}P");
        if days > 0 {
            text.push_str(&format!("{days}D"));
        }
        if h > 0 || m > 0 || s > 0 || frac > 0 || days == 0 {
            text.push('T');
            if h > 0 {
                text.push_str(&format!("{h}H"));
            }
            if m > 0 {
                text.push_str(&format!("{m}M"));
            }
            if s > 0 || frac > 0 || (h == 0 && m == 0) {
                text.push_str(&format!("{s}{}S", fraction(frac)));
            }
        }
        text.parse().expect("canonical durations are valid")
    }
}

/// `"12.5"` → 12.5 s in nanoseconds (digits past the ninth decimal are dropped).
fn decimal_nanos(number: &str) -> Option<i128> {
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let int: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut digits: String = frac.chars().take(9).collect();
    while digits.len() < 9 {
        digits.push('0');
    }
    int.checked_mul(NANOS_PER_SEC)?.checked_add(digits.parse::<i128>().ok()?)
}

impl TryFrom<&Duration> for std::time::Duration {
    type Error = EdmError;
    fn try_from(d: &Duration) -> Result<Self, EdmError> {
        let n = d.total_nanos().filter(|n| *n >= 0).ok_or_else(|| err("std::time::Duration", d))?;
        let secs = u64::try_from(n / NANOS_PER_SEC).map_err(|_| err("std::time::Duration", d))?;
        Ok(std::time::Duration::new(secs, (n % NANOS_PER_SEC) as u32))
    }
}

impl From<std::time::Duration> for Duration {
    fn from(d: std::time::Duration) -> Self {
        Duration::from_nanos(d.as_nanos() as i128)
    }
}

#[cfg(feature = "uuid")]
mod with_uuid {
    use crate::edm::Guid;

    impl From<&Guid> for uuid::Uuid {
        fn from(g: &Guid) -> Self {
            uuid::Uuid::from_bytes(g.bytes())
        }
    }

    impl From<Guid> for uuid::Uuid {
        fn from(g: Guid) -> Self {
            uuid::Uuid::from(&g)
        }
    }

    impl From<uuid::Uuid> for Guid {
        /// Lower-case hyphenated, as Graph writes GUIDs.
        fn from(u: uuid::Uuid) -> Self {
            u.hyphenated().to_string().parse().expect("a hyphenated UUID is an Edm.Guid")
        }
    }
}

#[cfg(feature = "time")]
mod with_time {
    use super::{err, NANOS_PER_SEC};
    use crate::edm::{Date, DateTimeOffset, DateTimeParts, Duration, EdmError, TimeOfDay};

    fn date(y: i32, m: u32, d: u32, text: &dyn std::fmt::Display) -> Result<time::Date, EdmError> {
        let month = time::Month::try_from(m as u8).map_err(|_| err("time::Date", text))?;
        time::Date::from_calendar_date(y, month, d as u8).map_err(|_| err("time::Date", text))
    }

    fn time_of_day(h: u32, m: u32, s: u32, n: u32, text: &dyn std::fmt::Display) -> Result<time::Time, EdmError> {
        time::Time::from_hms_nano(h as u8, m as u8, s as u8, n).map_err(|_| err("time::Time", text))
    }

    impl TryFrom<&DateTimeOffset> for time::OffsetDateTime {
        type Error = EdmError;
        /// Fails on a leap second (`:60`) or a day the month does not have.
        fn try_from(d: &DateTimeOffset) -> Result<Self, EdmError> {
            let p = d.parts();
            let offset = time::UtcOffset::from_whole_seconds(p.offset_minutes * 60).map_err(|_| err("time::UtcOffset", d))?;
            let dt = time::PrimitiveDateTime::new(date(p.year, p.month, p.day, d)?, time_of_day(p.hour, p.minute, p.second, p.nanosecond, d)?);
            Ok(dt.assume_offset(offset))
        }
    }

    impl TryFrom<time::OffsetDateTime> for DateTimeOffset {
        type Error = EdmError;
        /// Fails for years outside 0–9999 and offsets with seconds.
        fn try_from(t: time::OffsetDateTime) -> Result<Self, EdmError> {
            let offset = t.offset().whole_seconds();
            if offset % 60 != 0 {
                return Err(err("Edm.DateTimeOffset", t));
            }
            DateTimeOffset::from_parts(DateTimeParts {
                year: t.year(),
                month: u8::from(t.month()) as u32,
                day: t.day() as u32,
                hour: t.hour() as u32,
                minute: t.minute() as u32,
                second: t.second() as u32,
                nanosecond: t.nanosecond(),
                offset_minutes: offset / 60,
            })
        }
    }

    impl TryFrom<&Date> for time::Date {
        type Error = EdmError;
        fn try_from(d: &Date) -> Result<Self, EdmError> {
            let (y, m, day) = d.ymd();
            date(y, m, day, d)
        }
    }

    impl TryFrom<time::Date> for Date {
        type Error = EdmError;
        /// Fails for years outside 0–9999.
        fn try_from(d: time::Date) -> Result<Self, EdmError> {
            format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day()).parse().map_err(|_| err("Edm.Date", d))
        }
    }

    impl TryFrom<&TimeOfDay> for time::Time {
        type Error = EdmError;
        /// Fails on a leap second (`:60`).
        fn try_from(t: &TimeOfDay) -> Result<Self, EdmError> {
            let (h, m, s, n) = t.parts();
            time_of_day(h, m, s, n, t)
        }
    }

    impl From<time::Time> for TimeOfDay {
        fn from(t: time::Time) -> Self {
            TimeOfDay::from_parts(t.hour() as u32, t.minute() as u32, t.second() as u32, t.nanosecond()).expect("a time::Time is a valid time of day")
        }
    }

    impl TryFrom<&Duration> for time::Duration {
        type Error = EdmError;
        fn try_from(d: &Duration) -> Result<Self, EdmError> {
            let n = d.total_nanos().ok_or_else(|| err("time::Duration", d))?;
            let secs = i64::try_from(n.div_euclid(NANOS_PER_SEC)).map_err(|_| err("time::Duration", d))?;
            Ok(time::Duration::seconds(secs) + time::Duration::nanoseconds(n.rem_euclid(NANOS_PER_SEC) as i64))
        }
    }

    impl From<time::Duration> for Duration {
        fn from(d: time::Duration) -> Self {
            Duration::from_nanos(d.whole_nanoseconds())
        }
    }
}

#[cfg(feature = "chrono")]
mod with_chrono {
    use super::{err, NANOS_PER_SEC};
    use crate::edm::{Date, DateTimeOffset, DateTimeParts, Duration, EdmError, TimeOfDay};
    use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc};

    /// chrono writes a leap second as second 59 with 1–2 billion nanoseconds.
    fn naive_time(h: u32, m: u32, s: u32, n: u32, text: &dyn std::fmt::Display) -> Result<NaiveTime, EdmError> {
        let (s, n) = if s == 60 { (59, n + 1_000_000_000) } else { (s, n) };
        NaiveTime::from_hms_nano_opt(h, m, s, n).ok_or_else(|| err("chrono::NaiveTime", text))
    }

    fn edm_time_parts(t: &impl Timelike) -> (u32, u32, u32, u32) {
        match t.nanosecond() {
            n if n >= 1_000_000_000 => (t.hour(), t.minute(), 60, n - 1_000_000_000),
            n => (t.hour(), t.minute(), t.second(), n),
        }
    }

    impl TryFrom<&DateTimeOffset> for DateTime<FixedOffset> {
        type Error = EdmError;
        fn try_from(d: &DateTimeOffset) -> Result<Self, EdmError> {
            let p = d.parts();
            let date = NaiveDate::from_ymd_opt(p.year, p.month, p.day).ok_or_else(|| err("chrono::NaiveDate", d))?;
            let time = naive_time(p.hour, p.minute, p.second, p.nanosecond, d)?;
            let offset = FixedOffset::east_opt(p.offset_minutes * 60).ok_or_else(|| err("chrono::FixedOffset", d))?;
            date.and_time(time).and_local_timezone(offset).single().ok_or_else(|| err("chrono::DateTime", d))
        }
    }

    impl TryFrom<&DateTimeOffset> for DateTime<Utc> {
        type Error = EdmError;
        fn try_from(d: &DateTimeOffset) -> Result<Self, EdmError> {
            DateTime::<FixedOffset>::try_from(d).map(|t| t.with_timezone(&Utc))
        }
    }

    impl<Tz: chrono::TimeZone> TryFrom<DateTime<Tz>> for DateTimeOffset {
        type Error = EdmError;
        /// Fails for years outside 0–9999 and offsets with seconds.
        fn try_from(t: DateTime<Tz>) -> Result<Self, EdmError> {
            let t = t.fixed_offset();
            let offset = t.offset().local_minus_utc();
            if offset % 60 != 0 {
                return Err(err("Edm.DateTimeOffset", t));
            }
            let (hour, minute, second, nanosecond) = edm_time_parts(&t);
            DateTimeOffset::from_parts(DateTimeParts { year: t.year(), month: t.month(), day: t.day(), hour, minute, second, nanosecond, offset_minutes: offset / 60 })
        }
    }

    impl TryFrom<&Date> for NaiveDate {
        type Error = EdmError;
        fn try_from(d: &Date) -> Result<Self, EdmError> {
            let (y, m, day) = d.ymd();
            NaiveDate::from_ymd_opt(y, m, day).ok_or_else(|| err("chrono::NaiveDate", d))
        }
    }

    impl TryFrom<NaiveDate> for Date {
        type Error = EdmError;
        /// Fails for years outside 0–9999.
        fn try_from(d: NaiveDate) -> Result<Self, EdmError> {
            format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()).parse().map_err(|_| err("Edm.Date", d))
        }
    }

    impl TryFrom<&TimeOfDay> for NaiveTime {
        type Error = EdmError;
        fn try_from(t: &TimeOfDay) -> Result<Self, EdmError> {
            let (h, m, s, n) = t.parts();
            naive_time(h, m, s, n, t)
        }
    }

    impl From<NaiveTime> for TimeOfDay {
        fn from(t: NaiveTime) -> Self {
            let (h, m, s, n) = edm_time_parts(&t);
            TimeOfDay::from_parts(h, m, s, n).expect("a chrono::NaiveTime is a valid time of day")
        }
    }

    impl TryFrom<&Duration> for TimeDelta {
        type Error = EdmError;
        fn try_from(d: &Duration) -> Result<Self, EdmError> {
            let n = d.total_nanos().ok_or_else(|| err("chrono::TimeDelta", d))?;
            let secs = i64::try_from(n.div_euclid(NANOS_PER_SEC)).map_err(|_| err("chrono::TimeDelta", d))?;
            TimeDelta::new(secs, n.rem_euclid(NANOS_PER_SEC) as u32).ok_or_else(|| err("chrono::TimeDelta", d))
        }
    }

    impl From<TimeDelta> for Duration {
        fn from(d: TimeDelta) -> Self {
            let secs = d.num_seconds() as i128;
            Duration::from_nanos(secs * NANOS_PER_SEC + d.subsec_nanos() as i128)
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::edm::{DateTimeOffset, Duration, TimeOfDay};

    fn dto(s: &str) -> DateTimeOffset {
        s.parse().unwrap()
    }

    #[test]
    fn parts_and_durations_without_features() {
        let d = dto("2025-07-18T09:30:00.1234567+05:30");
        assert_eq!(DateTimeOffset::from_parts(d.parts()).unwrap(), d);
        assert_eq!(DateTimeOffset::from_parts(dto("2025-07-18T09:30Z").parts()).unwrap().as_str(), "2025-07-18T09:30:00Z");
        let mut p = d.parts();
        p.year = 10_000;
        assert!(DateTimeOffset::from_parts(p).is_err());
        let t: TimeOfDay = "23:59:60.5".parse().unwrap();
        assert_eq!(t.parts(), (23, 59, 60, 500_000_000));
        assert_eq!(TimeOfDay::from_parts(8, 5, 0, 0).unwrap().as_str(), "08:05:00");
        assert!(TimeOfDay::from_parts(24, 0, 0, 0).is_err());
        for (text, nanos) in [("PT1H30M", 5_400_000_000_000i128), ("P1W", 604_800_000_000_000), ("-PT0.5S", -500_000_000), ("P1DT2H3M4.25S", 93_784_250_000_000), ("PT0S", 0)] {
            let d: Duration = text.parse().unwrap();
            assert_eq!(d.total_nanos(), Some(nanos), "{text}");
        }
        assert_eq!("P1Y".parse::<Duration>().unwrap().total_nanos(), None);
        assert_eq!("P1M".parse::<Duration>().unwrap().total_nanos(), None);
        for (nanos, text) in [(0, "PT0S"), (93_784_250_000_000i128, "P1DT2H3M4.25S"), (86_400_000_000_000, "P1D"), (-1_000_000_000, "-PT1S"), (3_600_000_000_000, "PT1H"), (60_000_000_001, "PT1M0.000000001S")] {
            assert_eq!(Duration::from_nanos(nanos).as_str(), text);
        }
        let std_d = std::time::Duration::try_from(&"PT1M30.5S".parse::<Duration>().unwrap()).unwrap();
        assert_eq!(std_d, std::time::Duration::from_millis(90_500));
        assert_eq!(Duration::from(std_d).as_str(), "PT1M30.5S");
        assert!(std::time::Duration::try_from(&"-PT1S".parse::<Duration>().unwrap()).is_err());
    }

    #[cfg(feature = "uuid")]
    #[test]
    fn guids_and_uuids() {
        use crate::edm::Guid;
        let g: Guid = "4B9405B0-7788-4568-ADD1-99614E613B69".parse().unwrap();
        let u = uuid::Uuid::from(&g);
        assert_eq!(u, uuid::Uuid::parse_str("4b9405b0-7788-4568-add1-99614e613b69").unwrap());
        assert_eq!(Guid::from(u).as_str(), "4b9405b0-7788-4568-add1-99614e613b69");
        assert_eq!(uuid::Uuid::from(Guid::from(u)), u);
    }

    #[cfg(feature = "time")]
    #[test]
    fn time_types_both_ways() {
        use crate::edm::Date;
        use time::{Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
        let ymd = |y, m, d| time::Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap();
        let at = |h, m, s, n| Time::from_hms_nano(h, m, s, n).unwrap();
        let dt = |date, time, offset| PrimitiveDateTime::new(date, time).assume_offset(offset);
        let d = dto("2025-07-18T09:30:15.1234567-02:30");
        let t = OffsetDateTime::try_from(&d).unwrap();
        assert_eq!(t, dt(ymd(2025, 7, 18), at(9, 30, 15, 123_456_700), UtcOffset::from_hms(-2, -30, 0).unwrap()));
        assert_eq!(DateTimeOffset::try_from(t).unwrap().as_str(), "2025-07-18T09:30:15.1234567-02:30");
        assert_eq!(DateTimeOffset::try_from(dt(ymd(2000, 2, 29), at(0, 0, 0, 0), UtcOffset::UTC)).unwrap().as_str(), "2000-02-29T00:00:00Z");
        assert!(OffsetDateTime::try_from(&dto("2025-02-30T00:00:00Z")).is_err());
        assert!(OffsetDateTime::try_from(&dto("2016-12-31T23:59:60Z")).is_err(), "time has no leap seconds");
        assert!(DateTimeOffset::try_from(dt(ymd(2025, 1, 1), at(0, 0, 0, 0), UtcOffset::from_hms(1, 0, 30).unwrap())).is_err());
        assert!(DateTimeOffset::try_from(dt(ymd(-5, 1, 1), at(0, 0, 0, 0), UtcOffset::UTC)).is_err());
        let day: Date = "2025-09-30".parse().unwrap();
        assert_eq!(time::Date::try_from(&day).unwrap(), ymd(2025, 9, 30));
        assert_eq!(Date::try_from(ymd(999, 1, 2)).unwrap().as_str(), "0999-01-02");
        let tod: TimeOfDay = "07:08:09.5".parse().unwrap();
        assert_eq!(Time::try_from(&tod).unwrap(), at(7, 8, 9, 500_000_000));
        assert_eq!(TimeOfDay::from(at(23, 0, 0, 0)).as_str(), "23:00:00");
        let dur: Duration = "-P1DT1S".parse().unwrap();
        assert_eq!(time::Duration::try_from(&dur).unwrap(), -time::Duration::seconds(86_401));
        assert_eq!(Duration::from(time::Duration::milliseconds(-1500)).as_str(), "-PT1.5S");
    }

    #[cfg(feature = "chrono")]
    #[test]
    fn chrono_types_both_ways() {
        use crate::edm::Date;
        use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeDelta, TimeZone, Utc};
        let d = dto("2025-07-18T09:30:15.5+05:30");
        let c = DateTime::<FixedOffset>::try_from(&d).unwrap();
        assert_eq!(c, FixedOffset::east_opt(19_800).unwrap().with_ymd_and_hms(2025, 7, 18, 9, 30, 15).unwrap() + TimeDelta::milliseconds(500));
        assert_eq!(DateTimeOffset::try_from(c).unwrap(), d);
        let utc = DateTime::<Utc>::try_from(&d).unwrap();
        assert_eq!(utc, Utc.with_ymd_and_hms(2025, 7, 18, 4, 0, 15).unwrap() + TimeDelta::milliseconds(500));
        assert_eq!(DateTimeOffset::try_from(utc).unwrap().as_str(), "2025-07-18T04:00:15.5Z");
        // chrono keeps leap seconds; they survive both ways.
        let leap = dto("2016-12-31T23:59:60Z");
        assert_eq!(DateTimeOffset::try_from(DateTime::<Utc>::try_from(&leap).unwrap()).unwrap(), leap);
        assert!(DateTimeOffset::try_from(Utc.with_ymd_and_hms(12_000, 1, 1, 0, 0, 0).unwrap()).is_err());
        let day: Date = "2024-02-29".parse().unwrap();
        assert_eq!(NaiveDate::try_from(&day).unwrap(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert!(NaiveDate::try_from(&"2023-02-29".parse::<Date>().unwrap()).is_err());
        assert_eq!(Date::try_from(NaiveDate::from_ymd_opt(1, 12, 31).unwrap()).unwrap().as_str(), "0001-12-31");
        let tod: TimeOfDay = "12:34:56.000001".parse().unwrap();
        let nt = NaiveTime::try_from(&tod).unwrap();
        assert_eq!(nt, NaiveTime::from_hms_micro_opt(12, 34, 56, 1).unwrap());
        assert_eq!(TimeOfDay::from(nt), tod);
        let dur: Duration = "PT36H".parse().unwrap();
        assert_eq!(TimeDelta::try_from(&dur).unwrap(), TimeDelta::hours(36));
        assert_eq!(Duration::from(TimeDelta::hours(36)).as_str(), "P1DT12H");
        assert_eq!(Duration::from(TimeDelta::milliseconds(-2250)).as_str(), "-PT2.25S");
        assert_eq!(TimeDelta::try_from(&"-PT2.25S".parse::<Duration>().unwrap()).unwrap(), TimeDelta::milliseconds(-2250));
    }
}
