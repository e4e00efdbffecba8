//! A small JSON reader that keeps the line and column of every value, so a diagnostic about an
//! example points at the value itself.


/// (line, col), 1-based, within the parsed text.
pub type Pos = (u32, u32);

#[derive(Debug, Clone, PartialEq)]
pub enum JVal {
    Null,
    Bool(bool),
    /// The number as written.
    Num(String),
    Str(String),
    Arr(Vec<JNode>),
    /// Members in order: (key, key position, value).
    Obj(Vec<(String, Pos, JNode)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct JNode {
    pub v: JVal,
    pub line: u32,
    pub col: u32,
}

impl JNode {
    pub(super) fn describe(&self) -> String {
        match &self.v {
            JVal::Null => "null".into(),
            JVal::Bool(b) => format!("the boolean {b}"),
            JVal::Num(n) => format!("the number {n}"),
            JVal::Str(s) => format!("the string \"{s}\""),
            JVal::Arr(_) => "an array".into(),
            JVal::Obj(_) => "an object".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct JsonError {
    pub line: u32,
    pub col: u32,
    pub msg: String,
}

/// Parses strict JSON, keeping positions.
pub fn parse_json(text: &str) -> Result<JNode, JsonError> {
    let mut p = Parser { c: text.chars().collect(), i: 0, line: 1, col: 1 };
    p.ws();
    let v = p.value(0)?;
    p.ws();
    if p.i < p.c.len() {
        return Err(p.err("unexpected text after the end of the JSON value"));
    }
    Ok(v)
}

pub(super) struct Parser {
    c: Vec<char>,
    i: usize,
    line: u32,
    col: u32,
}

impl Parser {
    fn err(&self, msg: &str) -> JsonError {
        JsonError { line: self.line, col: self.col, msg: msg.to_string() }
    }
    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }
    fn bump(&mut self) -> Option<char> {
        let ch = self.c.get(self.i).copied()?;
        self.i += 1;
        if ch == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(ch)
    }
    fn ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }
    fn expect(&mut self, ch: char, what: &str) -> Result<(), JsonError> {
        self.ws();
        match self.peek() {
            Some(c) if c == ch => {
                self.bump();
                Ok(())
            }
            None => Err(self.err(&format!("the JSON ends early: expected {what}"))),
            Some(c) => Err(self.err(&format!("expected {what}, found `{c}`"))),
        }
    }
    fn value(&mut self, depth: usize) -> Result<JNode, JsonError> {
        if depth > 200 {
            return Err(self.err("nesting too deep"));
        }
        self.ws();
        let (line, col) = (self.line, self.col);
        let v = match self.peek() {
            None => return Err(self.err("the JSON ends early: expected a value")),
            Some('{') => {
                self.bump();
                let mut members = Vec::new();
                self.ws();
                if self.peek() == Some('}') {
                    self.bump();
                } else {
                    loop {
                        self.ws();
                        let kpos = (self.line, self.col);
                        if self.peek() != Some('"') {
                            return Err(match self.peek() {
                                None => self.err("the JSON ends early: expected a member name"),
                                Some(c) => self.err(&format!("expected a member name in double quotes, found `{c}`")),
                            });
                        }
                        let k = self.string()?;
                        self.expect(':', "`:`")?;
                        let v = self.value(depth + 1)?;
                        members.push((k, kpos, v));
                        self.ws();
                        match self.bump() {
                            Some(',') => continue,
                            Some('}') => break,
                            None => return Err(self.err("the JSON ends early: expected `,` or `}`")),
                            Some(c) => return Err(self.err(&format!("expected `,` or `}}`, found `{c}`"))),
                        }
                    }
                }
                JVal::Obj(members)
            }
            Some('[') => {
                self.bump();
                let mut items = Vec::new();
                self.ws();
                if self.peek() == Some(']') {
                    self.bump();
                } else {
                    loop {
                        items.push(self.value(depth + 1)?);
                        self.ws();
                        match self.bump() {
                            Some(',') => continue,
                            Some(']') => break,
                            None => return Err(self.err("the JSON ends early: expected `,` or `]`")),
                            Some(c) => return Err(self.err(&format!("expected `,` or `]`, found `{c}`"))),
                        }
                    }
                }
                JVal::Arr(items)
            }
            Some('"') => JVal::Str(self.string()?),
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let mut s = String::new();
                while let Some(c) = self.peek() {
                    if c.is_ascii_digit() || matches!(c, '-' | '+' | '.' | 'e' | 'E') {
                        s.push(c);
                        self.bump();
                    } else {
                        break;
                    }
                }
                if s.parse::<f64>().is_err() {
                    return Err(JsonError { line, col, msg: format!("`{s}` is not a number") });
                }
                JVal::Num(s)
            }
            Some(_) => {
                let mut w = String::new();
                while let Some(c) = self.peek() {
                    if c.is_ascii_alphabetic() {
                        w.push(c);
                        self.bump();
                    } else {
                        break;
                    }
                }
                match w.as_str() {
                    "true" => JVal::Bool(true),
                    "false" => JVal::Bool(false),
                    "null" => JVal::Null,
                    _ => {
                        let found = if w.is_empty() { self.peek().map(String::from).unwrap_or_default() } else { w };
                        return Err(JsonError { line, col, msg: format!("expected a value, found `{found}`") });
                    }
                }
            }
        };
        Ok(JNode { v, line, col })
    }
    fn string(&mut self) -> Result<String, JsonError> {
        self.bump(); // opening quote
        let mut s = String::new();
        loop {
            match self.bump() {
                None => return Err(self.err("the JSON ends early: unterminated string")),
                Some('"') => return Ok(s),
                Some('\\') => match self.bump() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => s.push('\r'),
                    Some('b') => s.push('\u{8}'),
                    Some('f') => s.push('\u{c}'),
                    Some('u') => {
                        let hex: String = (0..4).filter_map(|_| self.bump()).collect();
                        match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                            Some(c) => s.push(c),
                            None => s.push('\u{fffd}'),
                        }
                    }
                    Some(c) => s.push(c),
                    None => return Err(self.err("the JSON ends early: unterminated string")),
                },
                Some('\n') => return Err(self.err("unterminated string (line break inside a string)")),
                Some(c) => s.push(c),
            }
        }
    }
}
