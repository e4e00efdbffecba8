//! A small reader for OData query strings as written in doc examples
//! (`$expand=a($expand=b($select=x,y);$top=1)&$select=…`): the example emitter turns them into
//! typed builder calls, the example checker validates them against the target type.

/// One system query option (`$select`, …) or custom parameter, with nested options for
/// `$expand` items.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryItem {
    pub name: String,
    pub value: String,
}

/// Splits on `sep` at parenthesis depth 0 and outside single-quoted strings.
pub fn split_top(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quoted = false;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth -= 1,
            _ => {}
        }
        if c == sep && depth == 0 && !quoted {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out.into_iter().filter(|x| !x.trim().is_empty()).collect()
}

/// Percent-decodes (`%20` → space; `+` is kept, as Graph does; malformed escapes stay as text).
pub fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// `$a=x&$b=y` (top level, `&`-separated, percent-decoded) or `$a=x;$b=y` (nested,
/// `;`-separated: the text of an `$expand` item, decoded once already with its `$expand`
/// value, so a `%` it holds is literal).
pub fn parse(q: &str, sep: char) -> Vec<QueryItem> {
    split_top(q, sep)
        .into_iter()
        .map(|part| {
            let part = if sep == '&' { decode(&part) } else { part };
            match part.split_once('=') {
                Some((k, v)) => QueryItem { name: k.trim().to_string(), value: v.trim().to_string() },
                None => QueryItem { name: part.trim().to_string(), value: String::new() },
            }
        })
        .collect()
}

/// `assignments($expand=…;$top=0)` → (`assignments`, Some(`$expand=…;$top=0`)).
pub fn expand_item(s: &str) -> (String, Option<String>) {
    let s = s.trim();
    match s.find('(') {
        Some(i) if s.ends_with(')') => (s[..i].trim().to_string(), Some(s[i + 1..s.len() - 1].to_string())),
        _ => (s.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn nested_options_are_decoded_once() {
        let top = super::parse("$expand=a($filter=x%20eq%20'%2541')", '&');
        assert_eq!(top[0].value, "a($filter=x eq '%41')");
        let (_, inner) = super::expand_item(&top[0].value);
        assert_eq!(super::parse(&inner.unwrap(), ';')[0].value, "x eq '%41'");
    }

    #[test]
    fn decode_keeps_plus_and_malformed_escapes() {
        assert_eq!(super::decode("a%20b+c%2Fd"), "a b+c/d");
        assert_eq!(super::decode("100%"), "100%");
        assert_eq!(super::decode("%zz%4"), "%zz%4");
        assert_eq!(super::decode("%C3%A9%FF"), "é\u{FFFD}");
    }
}
