//! Text formats of Edm primitives (`Guid`, `Date`, `TimeOfDay`, `DateTimeOffset`, `Duration`).


pub(super) fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

pub fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

pub fn is_date(s: &str) -> bool {
    let p: Vec<&str> = s.split('-').collect();
    p.len() == 3 && digits(p[0], 4) && digits(p[1], 2) && digits(p[2], 2)
}

pub fn is_time(s: &str) -> bool {
    let (hms, frac) = s.split_once('.').unwrap_or((s, "0"));
    let p: Vec<&str> = hms.split(':').collect();
    (p.len() == 2 || p.len() == 3) && p.iter().all(|x| digits(x, 2)) && !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit())
}

pub fn is_datetime(s: &str) -> bool {
    let Some((d, t)) = s.split_once(['T', 't']) else { return false };
    if !is_date(d) {
        return false;
    }
    let (time, zone_ok) = if let Some(t) = t.strip_suffix(['Z', 'z']) {
        (t, true)
    } else if let Some(i) = t.rfind(['+', '-']) {
        let z = &t[i + 1..];
        let zp: Vec<&str> = z.split(':').collect();
        (&t[..i], zp.len() == 2 && zp.iter().all(|x| digits(x, 2)))
    } else {
        (t, false)
    };
    zone_ok && is_time(time)
}

pub fn is_duration(s: &str) -> bool {
    let s = s.strip_prefix('-').unwrap_or(s);
    let Some(rest) = s.strip_prefix('P') else { return false };
    !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || matches!(c, 'Y' | 'M' | 'W' | 'D' | 'T' | 'H' | 'S' | '.'))
}

// ---------------------------------------------------------------------------------------------
// A small JSON reader that keeps the line and column of every value and key.
