//! The OData `$filter` reader of the example checker and emitter: text → [`Expr`], and the
//! canonical text of an [`Expr`] exactly as `graph_runtime::filter` renders it.
//!
//! It reads the part of the language typed filters build: `and`, `or`, `not`, comparisons
//! (`eq ne gt ge lt le has`), `in (…)`, `startswith` / `endswith` / `contains`, `any` / `all`
//! lambdas, property paths (`manager/displayName`, `c/planId`) and literals (strings, numbers,
//! `true` / `false` / `null`, GUIDs, dates and times, `duration'…'`, `ns.enumType'member'`).
//! Keywords and function names are read in any case; `+` outside strings is a space (as in
//! form-encoded URLs). Anything else (arithmetic, `cast`, `$count`, placeholders such as
//! `{id}`) is an error naming what was found.

use crate::check::formats::{is_date, is_datetime, is_guid, is_time};

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// `path op literal`.
    Compare { path: Vec<String>, op: CmpOp, lit: Lit },
    /// `path in (a,b,…)`.
    In { path: Vec<String>, items: Vec<Lit> },
    /// `func(path,literal)`.
    Call { func: Func, path: Vec<String>, lit: Lit },
    /// `path/any(var:body)`, `path/all(var:body)`, `path/any()`.
    Lambda { path: Vec<String>, all: bool, var: String, body: Option<Box<Expr>> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Has,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "eq",
            CmpOp::Ne => "ne",
            CmpOp::Gt => "gt",
            CmpOp::Ge => "ge",
            CmpOp::Lt => "lt",
            CmpOp::Le => "le",
            CmpOp::Has => "has",
        }
    }
    fn from_word(w: &str) -> Option<CmpOp> {
        Some(match w.to_ascii_lowercase().as_str() {
            "eq" => CmpOp::Eq,
            "ne" => CmpOp::Ne,
            "gt" => CmpOp::Gt,
            "ge" => CmpOp::Ge,
            "lt" => CmpOp::Lt,
            "le" => CmpOp::Le,
            "has" => CmpOp::Has,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    StartsWith,
    EndsWith,
    Contains,
}

impl Func {
    pub fn as_str(self) -> &'static str {
        match self {
            Func::StartsWith => "startswith",
            Func::EndsWith => "endswith",
            Func::Contains => "contains",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Lit {
    /// `'text'` (unescaped); also the member of a qualified enum literal `ns.type'member'`.
    Str(String),
    /// A number, in the form the runtime writes it (through `i64`, else `f64`: `1.50` is `1.5`).
    Number(String),
    Bool(bool),
    Null,
    Guid(String),
    /// A date, time of day or date-time-offset, as written.
    DateTime(String),
    /// `duration'…'`: the duration text.
    Duration(String),
}

impl Lit {
    /// The literal as `graph_runtime::filter::Literal` writes it (numbers through `i64` /
    /// `f64`, as the typed builders pass them).
    pub fn render(&self) -> String {
        match self {
            Lit::Str(s) => format!("'{}'", s.replace('\'', "''")),
            Lit::Number(n) => n.clone(),
            Lit::Bool(b) => b.to_string(),
            Lit::Null => "null".into(),
            Lit::Guid(s) | Lit::DateTime(s) => s.clone(),
            Lit::Duration(d) => format!("duration'{d}'"),
        }
    }
}

/// The text `graph_runtime` writes for a number literal: an `i64` as is, anything else
/// through `f64`.
fn number_text(v: &str) -> String {
    match v.parse::<i64>() {
        Ok(i) => i.to_string(),
        Err(_) => v.parse::<f64>().map(|x| x.to_string()).unwrap_or_else(|_| v.to_string()),
    }
}

/// A reading error: what was expected and where (character offset in the expression).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub at: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    Comma,
    Colon,
    Slash,
    Str(String),
    /// An identifier or keyword (letters, digits, `_`, `.`, `$`, `@`).
    Word(String),
    /// `word'text'`: a qualified or typed literal (`duration'PT1H'`, `ns.colors'red'`).
    Typed(String, String),
    /// Numbers, GUIDs, dates and times.
    Value(String),
}

fn tokenize(s: &str) -> Result<Vec<(usize, Tok)>, ParseError> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |at: usize, m: String| ParseError { at, message: m };
    let quoted = |i: &mut usize| -> Result<String, ParseError> {
        let start = chars[*i].0;
        *i += 1;
        let mut text = String::new();
        loop {
            match chars.get(*i) {
                None => return Err(err(start, "unterminated string".into())),
                Some((_, '\'')) if chars.get(*i + 1).map(|c| c.1) == Some('\'') => {
                    text.push('\'');
                    *i += 2;
                }
                Some((_, '\'')) => {
                    *i += 1;
                    return Ok(text);
                }
                Some((_, c)) => {
                    text.push(*c);
                    *i += 1;
                }
            }
        }
    };
    while i < chars.len() {
        let (at, c) = chars[i];
        let rest = &s[at..];
        match c {
            c if c.is_whitespace() || c == '+' => i += 1,
            '(' | ')' | ',' | ':' | '/' => {
                out.push((at, match c {
                    '(' => Tok::LParen,
                    ')' => Tok::RParen,
                    ',' => Tok::Comma,
                    ':' => Tok::Colon,
                    _ => Tok::Slash,
                }));
                i += 1;
            }
            '\'' => {
                let t = quoted(&mut i)?;
                out.push((at, Tok::Str(t)));
            }
            _ if rest.len() >= 36 && rest.is_char_boundary(36) && is_guid(&rest[..36])
                && !rest[36..].starts_with(|c: char| c.is_ascii_alphanumeric()) =>
            {
                out.push((at, Tok::Value(rest[..36].to_string())));
                i += 36;
            }
            c if c.is_ascii_digit() || c == '-' => {
                let start = i;
                i += 1;
                // A time zone offset (`+05:30`) belongs to a date-time; elsewhere `+` is a space.
                while i < chars.len()
                    && (chars[i].1.is_ascii_alphanumeric()
                        || matches!(chars[i].1, '.' | ':' | '-')
                        || (chars[i].1 == '+' && s[chars[start].0..chars[i].0].contains('T')))
                {
                    i += 1;
                }
                let end = chars.get(i).map_or(s.len(), |c| c.0);
                out.push((at, Tok::Value(s[chars[start].0..end].to_string())));
            }
            c if c.is_alphabetic() || matches!(c, '_' | '$' | '@') => {
                let start = i;
                while i < chars.len() && (chars[i].1.is_alphanumeric() || matches!(chars[i].1, '_' | '.' | '$' | '@')) {
                    i += 1;
                }
                let end = chars.get(i).map_or(s.len(), |c| c.0);
                let word = s[chars[start].0..end].to_string();
                if chars.get(i).map(|c| c.1) == Some('\'') {
                    let t = quoted(&mut i)?;
                    out.push((at, Tok::Typed(word, t)));
                } else {
                    out.push((at, Tok::Word(word)));
                }
            }
            other => return Err(err(at, format!("unexpected `{other}`"))),
        }
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.1)
    }
    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |t| t.0)
    }
    fn err<T>(&self, m: impl Into<String>) -> Result<T, ParseError> {
        Err(ParseError { at: self.at(), message: m.into() })
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).map(|t| t.1.clone());
        self.pos += 1;
        t
    }
    fn eat(&mut self, t: &Tok) -> bool {
        if self.peek() == Some(t) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, t: Tok, what: &str) -> Result<(), ParseError> {
        if self.eat(&t) {
            Ok(())
        } else {
            self.err(format!("expected {what}, found {}", self.found()))
        }
    }
    fn found(&self) -> String {
        match self.peek() {
            None => "the end".into(),
            Some(Tok::Word(w)) | Some(Tok::Value(w)) => format!("`{w}`"),
            Some(Tok::Str(s)) => format!("'{s}'"),
            Some(Tok::Typed(w, s)) => format!("`{w}'{s}'`"),
            Some(t) => format!("`{}`", match t {
                Tok::LParen => "(",
                Tok::RParen => ")",
                Tok::Comma => ",",
                Tok::Colon => ":",
                _ => "/",
            }),
        }
    }
    fn keyword(&self, k: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w.eq_ignore_ascii_case(k))
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.pos += 1;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.pos += 1;
            let right = self.unary()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.keyword("not") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat(&Tok::LParen) {
            let e = self.or()?;
            self.expect(Tok::RParen, "`)`")?;
            return Ok(e);
        }
        self.condition()
    }

    /// A comparison, `in`, function call or lambda.
    fn condition(&mut self) -> Result<Expr, ParseError> {
        let Some(Tok::Word(first)) = self.peek().cloned() else {
            return self.err(format!("expected a property or function, found {}", self.found()));
        };
        if self.toks.get(self.pos + 1).map(|t| &t.1) == Some(&Tok::LParen) {
            self.pos += 1;
            return self.call(&first);
        }
        let mut path = vec![first];
        self.pos += 1;
        while self.eat(&Tok::Slash) {
            match self.next() {
                Some(Tok::Word(w)) if (w.eq_ignore_ascii_case("any") || w.eq_ignore_ascii_case("all")) && self.peek() == Some(&Tok::LParen) => {
                    return self.lambda(path, w.eq_ignore_ascii_case("all"));
                }
                Some(Tok::Word(w)) => path.push(w),
                _ => {
                    self.pos -= 1;
                    return self.err(format!("expected a property name after `/`, found {}", self.found()));
                }
            }
        }
        let op = match self.peek() {
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("in") => {
                self.pos += 1;
                self.expect(Tok::LParen, "`(` after `in`")?;
                let mut items = vec![self.literal()?];
                while self.eat(&Tok::Comma) {
                    items.push(self.literal()?);
                }
                self.expect(Tok::RParen, "`)` closing the `in` list")?;
                return Ok(Expr::In { path, items });
            }
            Some(Tok::Word(w)) => CmpOp::from_word(w),
            _ => None,
        };
        let Some(op) = op else {
            return self.err(format!("expected an operator after `{}`, found {}", path.join("/"), self.found()));
        };
        self.pos += 1;
        let lit = self.literal()?;
        Ok(Expr::Compare { path, op, lit })
    }

    fn call(&mut self, name: &str) -> Result<Expr, ParseError> {
        let func = match name.to_ascii_lowercase().as_str() {
            "startswith" => Func::StartsWith,
            "endswith" => Func::EndsWith,
            "contains" => Func::Contains,
            _ => return self.err(format!("`{name}(…)` is not a function typed filters build")),
        };
        self.expect(Tok::LParen, "`(`")?;
        let mut path = Vec::new();
        loop {
            match self.next() {
                Some(Tok::Word(w)) => path.push(w),
                _ => {
                    self.pos -= 1;
                    return self.err(format!("expected a property as the first argument of `{name}`, found {}", self.found()));
                }
            }
            if !self.eat(&Tok::Slash) {
                break;
            }
        }
        self.expect(Tok::Comma, "`,`")?;
        let lit = self.literal()?;
        self.expect(Tok::RParen, "`)`")?;
        Ok(Expr::Call { func, path, lit })
    }

    fn lambda(&mut self, path: Vec<String>, all: bool) -> Result<Expr, ParseError> {
        self.expect(Tok::LParen, "`(`")?;
        if self.eat(&Tok::RParen) {
            if all {
                return self.err("`all()` needs a condition");
            }
            return Ok(Expr::Lambda { path, all, var: String::new(), body: None });
        }
        let Some(Tok::Word(var)) = self.next() else {
            self.pos -= 1;
            return self.err(format!("expected a lambda variable, found {}", self.found()));
        };
        self.expect(Tok::Colon, "`:` after the lambda variable")?;
        let body = self.or()?;
        self.expect(Tok::RParen, "`)` closing the lambda")?;
        Ok(Expr::Lambda { path, all, var, body: Some(Box::new(body)) })
    }

    fn literal(&mut self) -> Result<Lit, ParseError> {
        let lit = match self.peek().cloned() {
            Some(Tok::Str(s)) => Lit::Str(s),
            Some(Tok::Typed(w, s)) if w.eq_ignore_ascii_case("duration") => Lit::Duration(s),
            Some(Tok::Typed(w, s)) if w.contains('.') => Lit::Str(s),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("true") => Lit::Bool(true),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("false") => Lit::Bool(false),
            Some(Tok::Word(w)) if w.eq_ignore_ascii_case("null") => Lit::Null,
            Some(Tok::Value(v)) if is_guid(&v) => Lit::Guid(v),
            Some(Tok::Value(v)) if is_datetime(&v) || is_date(&v) || is_time(&v) => Lit::DateTime(v),
            Some(Tok::Value(v)) if v.parse::<f64>().is_ok() && !v.contains(['i', 'I', 'n', 'N']) => Lit::Number(number_text(&v)),
            _ => return self.err(format!("expected a literal, found {}", self.found())),
        };
        self.pos += 1;
        Ok(lit)
    }
}

/// Reads a `$filter` expression (already percent-decoded).
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let toks = tokenize(text)?;
    let mut p = Parser { toks, pos: 0, end: text.len() };
    let e = p.or()?;
    if p.pos < p.toks.len() {
        return p.err(format!("unexpected {} after the expression", p.found()));
    }
    Ok(e)
}

/// Binding strength, lowest first (as in the runtime).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Or,
    And,
    Compare,
    Primary,
}

/// The text `graph_runtime::filter` writes for `e` (minimal parentheses, lower-case
/// keywords and functions, no spaces inside calls and lists).
pub fn render(e: &Expr) -> String {
    render_prec(e).0
}

fn render_prec(e: &Expr) -> (String, Prec) {
    let wrap = |e: &Expr, min: Prec| {
        let (t, p) = render_prec(e);
        if p < min {
            format!("({t})")
        } else {
            t
        }
    };
    match e {
        Expr::And(a, b) => (format!("{} and {}", wrap(a, Prec::And), wrap(b, Prec::Compare)), Prec::And),
        Expr::Or(a, b) => (format!("{} or {}", wrap(a, Prec::Or), wrap(b, Prec::And)), Prec::Or),
        Expr::Not(x) => (format!("not({})", render(x)), Prec::Primary),
        Expr::Compare { path, op, lit } => (format!("{} {} {}", path.join("/"), op.as_str(), lit.render()), Prec::Compare),
        Expr::In { path, items } => {
            let items: Vec<String> = items.iter().map(Lit::render).collect();
            (format!("{} in ({})", path.join("/"), items.join(",")), Prec::Compare)
        }
        Expr::Call { func, path, lit } => (format!("{}({},{})", func.as_str(), path.join("/"), lit.render()), Prec::Primary),
        Expr::Lambda { path, all, var, body } => {
            let kind = if *all { "all" } else { "any" };
            let inner = body.as_ref().map(|b| format!("{var}:{}", render(b))).unwrap_or_default();
            (format!("{}/{kind}({inner})", path.join("/")), Prec::Primary)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_doc_filters_and_renders_them_canonically() {
        let cases = [
            ("skuId in (639dec6b-bb19-468b-871c-c5c441c4b0cb, a403ebcc-fae0-4ca2-8c8c-7a907fd6c235)", "skuId in (639dec6b-bb19-468b-871c-c5c441c4b0cb,a403ebcc-fae0-4ca2-8c8c-7a907fd6c235)"),
            ("services/any(c:c/planId eq 113feb6c-3fe4-4440-bddc-54d774bf0318)", "services/any(c:c/planId eq 113feb6c-3fe4-4440-bddc-54d774bf0318)"),
            ("groupTypes/any(c:c+eq+'Unified')", "groupTypes/any(c:c eq 'Unified')"),
            ("singleValueExtendedProperties/Any(ep: ep/id eq 'x' and startsWith(ep/value, 'y'))", "singleValueExtendedProperties/any(ep:ep/id eq 'x' and startswith(ep/value,'y'))"),
            ("NOT (a eq 1) and (b eq 'it''s' or c ge 2019-03-11T00:00:00.000Z)", "not(a eq 1) and (b eq 'it''s' or c ge 2019-03-11T00:00:00.000Z)"),
            ("x eq 1.50 or y eq -3 or z eq null or d eq duration'PT1H' or e eq microsoft.graph.colors'red'", "x eq 1.5 or y eq -3 or z eq null or d eq duration'PT1H' or e eq 'red'"),
            ("members/any()", "members/any()"),
        ];
        for (input, want) in cases {
            let e = parse(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
            assert_eq!(render(&e), want, "{input}");
            assert_eq!(parse(&render(&e)).unwrap(), e, "{input}");
        }
    }

    #[test]
    fn reports_what_it_cannot_read() {
        for bad in ["{property} eq 'x'", "id eq", "cast(ep/value, Edm.Guid) eq 1", "a eq 'x", "a add 1 eq 2", "(a eq 1", "a eq 1)", ""] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
