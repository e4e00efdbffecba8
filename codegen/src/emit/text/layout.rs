//! Line breaking of the few expression and type shapes the emitters write, as prettyplease
//! breaks them. prettyplease is a Wadler/Oppen printer: each bracketed list (generic
//! arguments, call arguments, fn parameters) and each method chain is a "consistent" box that
//! is either on one line or broken at every one of its break points, one item per line,
//! indented 4 past the enclosing broken box; a box stays on one line when everything from its
//! start up to the next break point outside it (its `trailer`: `>`, `)`, ` {`, ` = `, …)
//! fits in the margin. A trailing comma appears only when a list is broken and is not counted.
//! [`Node::Flat`] marks text that has break points of its own not modelled here: when it does
//! not fit, the layout gives up ([`Printer::ok`] is false) and the caller formats that item
//! with prettyplease instead.

use super::MARGIN;

/// A piece of Rust text and how it may break.
#[derive(Debug, Clone)]
pub enum Node {
    /// Text prettyplease never breaks (a path, a literal, `&self`, `id: &str`).
    Atom(String),
    /// Text prettyplease could break somewhere: it must fit where it lands.
    Flat(String),
    /// `head<args>`: a path with generic arguments (also `x: impl Into<…>`).
    Generic(String, Vec<Node>),
    /// `func(args)`: a call (or, with a leading `.`, a method call in a chain).
    Call(String, Vec<Node>),
    /// `receiver.a(…).b(…)` at the start of a statement: the receiver and the method calls.
    Chain(Box<Node>, Vec<Node>),
}

impl Node {
    pub fn atom(s: impl Into<String>) -> Node {
        Node::Atom(s.into())
    }

    /// A type written as text by the emitters (`Option<Vec<crate::a::B>>`, `H<L, ft::Ops<…>>`):
    /// paths with generic arguments separated by `, `.
    pub fn ty(text: &str) -> Node {
        fn parse(s: &str, i: &mut usize) -> Node {
            let b = s.as_bytes();
            let start = *i;
            while *i < b.len() && !matches!(b[*i], b'<' | b'>' | b',') {
                *i += 1;
            }
            let head = s[start..*i].to_string();
            if *i < b.len() && b[*i] == b'<' {
                *i += 1;
                let mut args = Vec::new();
                loop {
                    args.push(parse(s, i));
                    match b.get(*i) {
                        Some(b',') => *i += 2,
                        Some(b'>') => {
                            *i += 1;
                            break;
                        }
                        _ => break,
                    }
                }
                return Node::Generic(head, args);
            }
            Node::Atom(head)
        }
        parse(text, &mut 0)
    }

    /// The text on one line.
    pub fn flat(&self) -> String {
        let mut s = String::new();
        self.push_flat(&mut s);
        s
    }

    fn push_flat(&self, s: &mut String) {
        match self {
            Node::Atom(t) | Node::Flat(t) => s.push_str(t),
            Node::Generic(head, args) => {
                s.push_str(head);
                if !args.is_empty() {
                    s.push('<');
                    push_list(s, args);
                    s.push('>');
                }
            }
            Node::Call(func, args) => {
                s.push_str(func);
                s.push('(');
                push_list(s, args);
                s.push(')');
            }
            Node::Chain(recv, calls) => {
                recv.push_flat(s);
                for c in calls {
                    c.push_flat(s);
                }
            }
        }
    }

    fn flat_len(&self) -> usize {
        match self {
            Node::Atom(t) | Node::Flat(t) => t.len(),
            Node::Generic(head, args) => head.len() + if args.is_empty() { 0 } else { 2 + list_len(args) },
            Node::Call(func, args) => func.len() + 2 + list_len(args),
            Node::Chain(recv, calls) => recv.flat_len() + calls.iter().map(Node::flat_len).sum::<usize>(),
        }
    }
}

fn push_list(s: &mut String, items: &[Node]) {
    for (i, a) in items.iter().enumerate() {
        if i > 0 {
            s.push_str(", ");
        }
        a.push_flat(s);
    }
}

fn list_len(items: &[Node]) -> usize {
    items.iter().map(Node::flat_len).sum::<usize>() + 2 * items.len().saturating_sub(1)
}

/// Writes lines, keeping the column; `ok` turns false when a [`Node::Flat`] did not fit.
pub struct Printer {
    pub out: String,
    col: usize,
    pub ok: bool,
}

impl Printer {
    /// A printer whose first line starts at `indent`.
    pub fn new(indent: usize) -> Printer {
        let mut p = Printer { out: String::with_capacity(256), col: 0, ok: true };
        p.pad(indent);
        p
    }

    fn pad(&mut self, indent: usize) {
        super::pad(&mut self.out, indent);
        self.col = indent;
    }

    /// Text on the current line.
    pub fn word(&mut self, s: &str) {
        self.out.push_str(s);
        self.col += s.len();
    }

    /// Ends the line and starts the next at `indent`.
    pub fn newline(&mut self, indent: usize) {
        self.out.push('\n');
        self.pad(indent);
    }

    /// Whether `width` more columns (up to the next break point) fit on this line.
    pub fn fits(&self, width: usize) -> bool {
        self.col + width <= MARGIN
    }

    /// `n` at the current column; `indent`: the indentation of the enclosing broken box;
    /// `trailer`: the width of what follows `n` up to the next break point outside it.
    pub fn node(&mut self, n: &Node, indent: usize, trailer: usize) {
        match n {
            Node::Atom(t) => self.word(t),
            Node::Flat(t) => {
                if !self.fits(t.len() + trailer) {
                    self.ok = false;
                }
                self.word(t);
            }
            Node::Generic(head, args) => {
                self.word(head);
                if !args.is_empty() {
                    self.bracketed("<", args, ">", indent, trailer);
                }
            }
            Node::Call(func, args) => {
                self.word(func);
                self.bracketed("(", args, ")", indent, trailer);
            }
            Node::Chain(recv, calls) => {
                if self.fits(n.flat_len() + trailer) {
                    return self.word(&n.flat());
                }
                // Broken: each `.call` on a line of its own, 4 in; the receiver's own
                // arguments are measured up to the first `.`.
                let inner = indent + 4;
                self.node(recv, inner, 0);
                for (i, c) in calls.iter().enumerate() {
                    self.newline(inner);
                    self.node(c, inner, if i + 1 == calls.len() { trailer } else { 0 });
                }
            }
        }
    }

    /// `open items close`: on one line when it fits, else one item per line with a
    /// trailing comma.
    fn bracketed(&mut self, open: &str, items: &[Node], close: &str, indent: usize, trailer: usize) {
        self.word(open);
        let flat = items.is_empty() || self.fits(list_len(items) + close.len() + trailer);
        self.items(items, indent, flat);
        self.word(close);
    }

    /// `items` on this line, `, `-separated, when `flat` (nothing inside breaks then: the
    /// whole list fits); else one per line at `indent + 4`, each followed by a comma, and a
    /// new line at `indent`.
    fn items(&mut self, items: &[Node], indent: usize, flat: bool) {
        if flat {
            for (i, a) in items.iter().enumerate() {
                if i > 0 {
                    self.word(", ");
                }
                self.node(a, indent, 0);
            }
            return;
        }
        for (i, a) in items.iter().enumerate() {
            self.newline(indent + 4);
            // The comma after an item before the last is text; after the last, the
            // broken list's own mark, not counted.
            self.node(a, indent + 4, if i + 1 == items.len() { 0 } else { 1 });
            self.word(",");
        }
        self.newline(indent);
    }

    /// A fn signature at the current column (after attributes, at `indent`, the member's
    /// indentation): `prefix(params) -> ret {`, its parameters broken one per line when it
    /// does not fit, then its return type broken as a generic type when that does not fit.
    pub fn signature(&mut self, prefix: &str, params: &[Node], ret: Option<&Node>, indent: usize) {
        self.word(prefix);
        self.word("(");
        let ret_len = ret.map(|r| 4 + r.flat_len()).unwrap_or(0);
        let flat = params.is_empty() || self.fits(list_len(params) + 1 + ret_len + 2);
        self.items(params, indent, flat);
        self.word(")");
        if let Some(r) = ret {
            self.word(" -> ");
            self.node(r, indent, 2);
        }
        self.word(" {");
    }

    /// The text, ending with a newline.
    pub fn finish(mut self) -> (String, bool) {
        self.out.push('\n');
        (self.out, self.ok)
    }
}
