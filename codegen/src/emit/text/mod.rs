//! The small text writer of the emitters that write Rust already formatted (`tables`,
//! `models_text`, `builders_text`): prettyplease's line width, string literals as the tokens
//! spell them, `///` lines, `#[cfg(…)]`, and the fallback to prettyplease for one item (or one
//! member of a struct or impl) whose layout is not written here. What is written must be
//! byte-identical to prettyplease's formatting of the token emitters (the reference; see the
//! `*_text.rs` tests of `codegen/tests`).

use proc_macro2::TokenStream;
use quote::quote;
use std::fmt::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod layout;

/// prettyplease's line width.
pub const MARGIN: usize = 89;

/// A string literal as the tokens spell it (proc-macro2's escaping).
pub fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_lit(&mut out, s);
    out
}

/// [`lit`] appended to `out`.
pub fn push_lit(out: &mut String, s: &str) {
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\0' if chars.peek().is_some_and(|n| ('0'..='7').contains(n)) => out.push_str("\\x00"),
            '\0' => out.push_str("\\0"),
            '\'' => out.push('\''),
            c => out.extend(c.escape_debug()),
        }
    }
    out.push('"');
}

/// `///` lines of a doc text at `indent`, as `doc_attr` + prettyplease write them.
pub fn doc_lines(out: &mut String, indent: usize, text: &str) {
    for l in text.lines() {
        let l = l.trim_end().trim_end_matches(' ');
        pad(out, indent);
        out.push_str("///");
        if !l.is_empty() {
            out.push(' ');
            out.push_str(l);
        }
        out.push('\n');
    }
}

/// `indent` spaces.
pub fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// One line at `indent`.
pub fn line(out: &mut String, indent: usize, text: &str) {
    pad(out, indent);
    out.push_str(text);
    out.push('\n');
}

/// A top-level macro item with one argument, `{path}!({arg});`, as prettyplease lays it
/// out: on one line when it fits, else the argument alone on the next line, 4 in.
pub fn macro_item(out: &mut String, path: &str, arg: &str) {
    if path.len() + arg.len() + 4 <= MARGIN {
        let _ = writeln!(out, "{path}!({arg});");
    } else {
        let _ = writeln!(out, "{path}!(\n    {arg}\n);");
    }
}

/// `{head} for {ty} {` of an impl with items, broken before `for` when the line does not
/// fit, as prettyplease breaks an impl's header.
pub fn impl_header(out: &mut String, head: &str, ty: &str) {
    out.push_str(head);
    out.push(if head.len() + ty.len() + 7 <= MARGIN { ' ' } else { '\n' });
    out.push_str("for ");
    out.push_str(ty);
    out.push_str(" {\n");
}

/// One match arm at `indent`: `pat => body,` when it fits, else `pat => {` with the body on
/// a line of its own (which [`fits`] then checks: a longer body breaks in ways not written
/// here).
pub fn arm(out: &mut String, indent: usize, pat: &str, body: &str) {
    if indent + pat.len() + 4 + body.len() <= MARGIN {
        let _ = writeln!(out, "{:indent$}{pat} => {body},", "");
    } else {
        let _ = writeln!(out, "{:indent$}{pat} => {{\n{:w$}{body}\n{:indent$}}}", "", "", "", w = indent + 4);
    }
}

/// Whether every line of `text` is within the margin (doc comments aside: prettyplease
/// never breaks them, and each ends with a line break of its own).
pub fn fits(text: &str) -> bool {
    text.lines().all(|l| l.len() <= MARGIN || l.trim_start().starts_with("///"))
}

/// The inside of `cfg(…)` for a gate (see `super::cfg_attr`), or `None` when ungated.
pub fn cfg_inner(gate: Option<&Vec<String>>) -> Option<(Vec<String>, bool)> {
    match gate {
        None => None,
        Some(g) if g.is_empty() => Some((vec![format!("feature = {}", lit("full"))], false)),
        Some(g) if g.len() == 1 => Some((vec![format!("feature = {}", lit(&g[0]))], false)),
        Some(g) => Some((g.iter().map(|f| format!("feature = {}", lit(f))).collect(), true)),
    }
}

/// A `#[cfg(…)]` at `indent`, without its last newline: the text and whether it is one line.
pub fn cfg_text(indent: usize, inner: &(Vec<String>, bool)) -> (String, bool) {
    let (items, any) = inner;
    let flat = if *any { format!("any({})", items.join(", ")) } else { items[0].clone() };
    let line = format!("{:indent$}#[cfg({flat})]", "");
    if line.len() <= MARGIN {
        return (line, true);
    }
    let mut out = format!("{:indent$}#[cfg(\n", "");
    let inner_indent = indent + 4;
    if !any || inner_indent + flat.len() <= MARGIN {
        let _ = writeln!(out, "{:inner_indent$}{flat}", "");
    } else {
        let _ = writeln!(out, "{:inner_indent$}any(", "");
        for (i, f) in items.iter().enumerate() {
            let comma = if i + 1 < items.len() { "," } else { "" };
            let _ = writeln!(out, "{:w$}{f}{comma}", "", w = inner_indent + 4);
        }
        let _ = writeln!(out, "{:inner_indent$})", "");
    }
    let _ = write!(out, "{:indent$})]", "");
    (out, false)
}

/// The `#[cfg(…)]` lines of a gate at `indent` (nothing when ungated).
pub fn cfg_lines(out: &mut String, indent: usize, gate: Option<&Vec<String>>) {
    if let Some(inner) = cfg_inner(gate) {
        out.push_str(&cfg_text(indent, &inner).0);
        out.push('\n');
    }
}

/// How many items were written as text and how many formatted by prettyplease instead
/// (since the process started): the fallback must stay rare to pay.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub text_items: usize,
    pub text_bytes: usize,
    pub fallback_items: usize,
    pub fallback_bytes: usize,
}

static TEXT_ITEMS: AtomicUsize = AtomicUsize::new(0);
static TEXT_BYTES: AtomicUsize = AtomicUsize::new(0);
static FALLBACK_ITEMS: AtomicUsize = AtomicUsize::new(0);
static FALLBACK_BYTES: AtomicUsize = AtomicUsize::new(0);

/// The counts so far.
pub fn counts() -> Counts {
    Counts {
        text_items: TEXT_ITEMS.load(Ordering::Relaxed),
        text_bytes: TEXT_BYTES.load(Ordering::Relaxed),
        fallback_items: FALLBACK_ITEMS.load(Ordering::Relaxed),
        fallback_bytes: FALLBACK_BYTES.load(Ordering::Relaxed),
    }
}

/// Counts one item written as text.
pub fn count_text(text: &str) {
    TEXT_ITEMS.fetch_add(1, Ordering::Relaxed);
    TEXT_BYTES.fetch_add(text.len(), Ordering::Relaxed);
}

fn count_fallback(text: &str) {
    FALLBACK_ITEMS.fetch_add(1, Ordering::Relaxed);
    FALLBACK_BYTES.fetch_add(text.len(), Ordering::Relaxed);
}

/// prettyplease's text of items (as in a file, without the header).
pub fn unparse(tokens: TokenStream) -> Result<String, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("emitted tokens do not parse: {e}"))?;
    let text = prettyplease::unparse(&file);
    count_fallback(&text);
    Ok(text)
}

/// Where members formatted by [`unparse_members`] live.
#[derive(Clone, Copy)]
pub enum Within {
    /// Fields of a struct with named fields.
    Struct,
    /// Items of an inherent impl.
    Impl,
}

/// prettyplease's text of struct fields or impl items at indent 4 (each is laid out on its
/// own, so one can be formatted apart from its neighbours): the lines between `… {` and `}`.
pub fn unparse_members(within: Within, tokens: TokenStream) -> Result<String, String> {
    let wrapped = match within {
        Within::Struct => quote!(struct S { #tokens }),
        Within::Impl => quote!(impl S { #tokens }),
    };
    let file: syn::File = syn::parse2(wrapped).map_err(|e| format!("emitted tokens do not parse: {e}"))?;
    let text = prettyplease::unparse(&file);
    let start = text.find('\n').map(|i| i + 1).unwrap_or(0);
    let end = text.trim_end_matches('\n').rfind('\n').map(|i| i + 1).unwrap_or(text.len());
    let inner = text[start..end.max(start)].to_string();
    count_fallback(&inner);
    Ok(inner)
}

/// `text` when every line fits, else prettyplease's text of `tokens` (the same item).
pub fn or_unparse(text: String, tokens: impl FnOnce() -> TokenStream) -> Result<String, String> {
    if fits(&text) {
        count_text(&text);
        Ok(text)
    } else {
        unparse(tokens())
    }
}
