//! Edm primitive types that JSON carries as strings: `Guid`, `DateTimeOffset`, `Date`,
//! `TimeOfDay`, `Duration`.
//!
//! Each is a distinct type, checked when it is deserialised or parsed, that keeps the text
//! exactly as sent: a response serialises back byte-for-byte (Graph writes GUIDs in lower
//! case but docs and tenants do not always), and no date/time library is forced on users.
//! [`DateTimeOffset::parts`] and friends give the numeric fields.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Why a value is not a valid Edm primitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdmError {
    /// The Edm type expected (`Edm.Guid`, …).
    pub expected: &'static str,
    /// The text received.
    pub value: String,
}

impl fmt::Display for EdmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a valid {}", self.value, self.expected)
    }
}

impl std::error::Error for EdmError {}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

fn check_guid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// `YYYY-MM-DD` → (year, month, day).
fn parse_date(s: &str) -> Option<(i32, u32, u32)> {
    let (y, rest) = s.split_at_checked(4)?;
    let rest = rest.strip_prefix('-')?;
    let (m, d) = rest.split_once('-')?;
    let (y, m, d) = (digits(y, 4)? as i32, digits(m, 2)?, digits(d, 2)?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// `hh:mm[:ss[.fffffff]]` → (hour, minute, second, nanosecond).
pub(crate) fn parse_time(s: &str) -> Option<(u32, u32, u32, u32)> {
    let (main, frac) = match s.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (s, None),
    };
    let mut it = main.split(':');
    let h = digits(it.next()?, 2)?;
    let m = digits(it.next()?, 2)?;
    let sec = match it.next() {
        Some(x) => digits(x, 2)?,
        None => 0,
    };
    if it.next().is_some() || h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let nanos = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 12 && f.bytes().all(|b| b.is_ascii_digit()) => {
            let mut digits9 = f.to_string();
            digits9.truncate(9);
            while digits9.len() < 9 {
                digits9.push('0');
            }
            digits9.parse().ok()?
        }
        Some(_) => return None,
    };
    Some((h, m, sec, nanos))
}

/// `Z`, `+hh:mm`, `-hh:mm` → offset in minutes.
fn parse_offset(s: &str) -> Option<i32> {
    if s == "Z" || s == "z" {
        return Some(0);
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = s[1..].split_once(':')?;
    Some(sign * (digits(h, 2)? as i32 * 60 + digits(m, 2)? as i32))
}

/// Numeric fields of a [`DateTimeOffset`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTimeParts {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
    /// Hour, 0–23.
    pub hour: u32,
    /// Minute.
    pub minute: u32,
    /// Second.
    pub second: u32,
    /// Nanoseconds.
    pub nanosecond: u32,
    /// Offset from UTC in minutes.
    pub offset_minutes: i32,
}

fn parse_date_time(s: &str) -> Option<DateTimeParts> {
    let (date, rest) = s.split_once(['T', 't'])?;
    let (year, month, day) = parse_date(date)?;
    let split = rest.find(['Z', 'z', '+', '-'])?;
    let (time, offset) = rest.split_at(split);
    let (hour, minute, second, nanosecond) = parse_time(time)?;
    let offset_minutes = parse_offset(offset)?;
    Some(DateTimeParts { year, month, day, hour, minute, second, nanosecond, offset_minutes })
}

/// ISO 8601 duration (`P1DT2H`, `PT30M`, `-P3D`).
fn check_duration(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some(rest) = s.strip_prefix('P') else { return false };
    if rest.is_empty() {
        return false;
    }
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let units_ok = |part: &str, units: &str| {
        let mut num = String::new();
        let mut any = false;
        for c in part.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
            } else if units.contains(c) && !num.is_empty() {
                num.clear();
                any = true;
            } else {
                return false;
            }
        }
        num.is_empty() && (any || part.is_empty())
    };
    units_ok(date, "YMWD") && time.is_none_or(|t| !t.is_empty() && units_ok(t, "HMS"))
}

macro_rules! edm_string_type {
    ($(#[$doc:meta])* $name:ident, $edm:literal, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The text as sent or given.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The text, owned.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl FromStr for $name {
            type Err = EdmError;
            fn from_str(s: &str) -> Result<Self, EdmError> {
                let check: fn(&str) -> bool = $check;
                if check(s) {
                    Ok($name(s.to_string()))
                } else {
                    Err(EdmError { expected: $edm, value: s.to_string() })
                }
            }
        }

        impl TryFrom<&str> for $name {
            type Error = EdmError;
            fn try_from(s: &str) -> Result<Self, EdmError> {
                s.parse()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

edm_string_type!(
    /// `Edm.Guid`: `8-4-4-4-12` hexadecimal digits, kept in the case it was sent.
    Guid, "Edm.Guid", check_guid
);
edm_string_type!(
    /// `Edm.DateTimeOffset`: ISO 8601 date and time with an offset (`2025-07-18T09:30:00Z`).
    DateTimeOffset, "Edm.DateTimeOffset", |s| parse_date_time(s).is_some()
);
edm_string_type!(
    /// `Edm.Date`: `YYYY-MM-DD`.
    Date, "Edm.Date", |s| parse_date(s).is_some()
);
edm_string_type!(
    /// `Edm.TimeOfDay`: `hh:mm:ss[.fffffff]`.
    TimeOfDay, "Edm.TimeOfDay", |s| parse_time(s).is_some()
);
edm_string_type!(
    /// `Edm.Duration`: ISO 8601 duration (`PT1H30M`).
    Duration, "Edm.Duration", check_duration
);

impl Guid {
    /// The 16 bytes of the GUID (big-endian text order).
    pub fn bytes(&self) -> [u8; 16] {
        let hex: Vec<u8> = self.0.bytes().filter(|b| *b != b'-').collect();
        let mut out = [0u8; 16];
        for (i, pair) in hex.chunks(2).enumerate() {
            let s = std::str::from_utf8(pair).unwrap_or("00");
            out[i] = u8::from_str_radix(s, 16).unwrap_or(0);
        }
        out
    }
}

impl DateTimeOffset {
    /// Year, month, day, time and offset.
    pub fn parts(&self) -> DateTimeParts {
        parse_date_time(&self.0).expect("validated when constructed")
    }
}

impl Date {
    /// (year, month, day).
    pub fn ymd(&self) -> (i32, u32, u32) {
        parse_date(&self.0).expect("validated when constructed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_keep_their_text() {
        let g: Guid = serde_json::from_str("\"4B9405B0-7788-4568-add1-99614e613b69\"").unwrap();
        assert_eq!(serde_json::to_string(&g).unwrap(), "\"4B9405B0-7788-4568-add1-99614e613b69\"");
        assert_eq!(g.bytes()[0], 0x4b);
        assert!(serde_json::from_str::<Guid>("\"rkocgef3\"").is_err());
        assert!("4b9405b0-7788-4568-add1-99614e613b6".parse::<Guid>().is_err());
    }

    #[test]
    fn date_times_parse_and_round_trip() {
        for ok in ["2014-01-01T00:00:00Z", "2025-07-18T09:30:00.1234567Z", "2025-07-18T09:30:00+05:30", "2025-07-18T09:30Z"] {
            let d: DateTimeOffset = ok.parse().unwrap();
            assert_eq!(d.as_str(), ok);
        }
        let p = "2025-07-18T09:30:15.5-02:00".parse::<DateTimeOffset>().unwrap().parts();
        assert_eq!((p.year, p.month, p.day, p.hour, p.minute, p.second, p.nanosecond, p.offset_minutes), (2025, 7, 18, 9, 30, 15, 500_000_000, -120));
        for bad in ["2025-07-18", "2025-13-01T00:00:00Z", "2025-07-18T25:00:00Z", "2025-07-18T09:30:00", "x"] {
            assert!(bad.parse::<DateTimeOffset>().is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_times_and_durations() {
        assert_eq!("2025-09-30".parse::<Date>().unwrap().ymd(), (2025, 9, 30));
        assert!("2025-09-30T00:00:00Z".parse::<Date>().is_err());
        assert!("09:30:00.5".parse::<TimeOfDay>().is_ok());
        assert!("9:30".parse::<TimeOfDay>().is_err());
        for ok in ["PT1H30M", "P1D", "-P3DT4H", "P1Y2M3W4DT5H6M7.5S"] {
            assert!(ok.parse::<Duration>().is_ok(), "{ok}");
        }
        for bad in ["P", "PT", "1H", "P1H", "PT1D"] {
            assert!(bad.parse::<Duration>().is_err(), "{bad}");
        }
    }
}
