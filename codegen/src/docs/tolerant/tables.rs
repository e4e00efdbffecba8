//! The tolerant reader's tables: pipe tables written back to back, flattened permission
//! tables (one scheme per line) and flattened property or header tables, rebuilt as the
//! markdown reader gives them.

use super::*;

impl Tolerant<'_> {
    pub(super) fn pipe_table(&mut self, i: usize) -> usize {
        let n = self.lines.len();
        let mut j = i;
        while j < n && self.lines[j].trim_start().starts_with('|') {
            // Tables written back to back (no blank line): a row followed by a delimiter row
            // is the header of the next table.
            let next_is_delimiter =
                j + 1 < n && self.lines[j + 1].trim_start().starts_with('|') && is_delimiter_row(&split_raw_cells(self.lines[j + 1]));
            if j > i && next_is_delimiter {
                break;
            }
            j += 1;
        }
        let header_cells: Vec<String> = split_raw_cells(self.lines[i]).iter().map(|c| inline_plain(c).0).collect();
        let mut rows = Vec::new();
        for k in i + 1..j {
            let raw = split_raw_cells(self.lines[k]);
            if k == i + 1 && is_delimiter_row(&raw) {
                continue;
            }
            let line = (k + 1) as u32;
            let count = count_raw_cells(self.lines[k]);
            if count != header_cells.len() {
                self.diags.push(Diagnostic::warning(
                    "doc-table-cells",
                    Origin::new(self.file, line, 1),
                    format!("table row has {count} cells, header has {}", header_cells.len()),
                ));
            }
            let cells = raw
                .iter()
                .map(|c| {
                    let (text, links) = inline_plain(c);
                    Cell { text, links }
                })
                .collect();
            rows.push(Row { cells, line });
        }
        self.blocks.push(Block::Table(Table {
            kind: classify_table(&header_cells),
            header: header_cells,
            rows,
            line: (i + 1) as u32,
            section: self.section.clone(),
            annotation: None,
            include: None,
        }));
        j
    }

    pub(super) fn permission_table(&mut self, i: usize) -> usize {
        let t = self.lines[i].trim();
        let rest = t.get("Permission type".len()..).unwrap_or("").trim();
        let (least, higher) = match rest.find("Higher privileged") {
            Some(p) => (rest[..p].trim(), rest[p..].trim()),
            None => (rest, ""),
        };
        let header = vec!["Permission type".to_string(), least.to_string(), higher.to_string()];
        let mut rows = Vec::new();
        let mut j = i + 1;
        while j < self.lines.len() {
            let l = self.lines[j].trim();
            let Some(scheme) = SCHEMES.iter().find(|s| l.starts_with(**s)) else { break };
            let (least, higher) = split_permissions(&l[scheme.len()..]);
            let cell = |s: &str| Cell { text: s.to_string(), links: Vec::new() };
            rows.push(Row { cells: vec![cell(scheme), cell(&least), cell(&higher)], line: (j + 1) as u32 });
            j += 1;
        }
        self.perm_tables += 1;
        let name = if self.perm_tables == 1 {
            format!("{}-permissions", self.stem)
        } else {
            format!("{}-{}-permissions", self.stem, self.perm_tables)
        };
        let line = (i + 1) as u32;
        self.blocks.push(Block::Table(Table {
            kind: TableKind::Permissions,
            header,
            rows,
            line,
            section: self.section.clone(),
            annotation: Some(Annotation { value: json!({"blockType": "permissions", "name": name}), line }),
            include: None,
        }));
        j
    }

    /// A table flattened to lines of whitespace-separated words: `name rest…` (2 columns) or
    /// `name type [collection] rest…` (3 columns). Ends at a blank line or a recognised line.
    pub(super) fn flat_table(&mut self, i: usize, header: Vec<String>, typed: usize) -> usize {
        let mut rows = Vec::new();
        let mut j = i + 1;
        while j < self.lines.len() {
            let l = self.lines[j].trim();
            if l.is_empty()
                || section_level(l, self.in_examples).is_some()
                || is_request_line(l)
                || is_status_line(l)
                || starts_json(l)
            {
                break;
            }
            let mut words = l.splitn(2, char::is_whitespace);
            let name = words.next().unwrap_or("").to_string();
            let mut rest = words.next().unwrap_or("").trim().to_string();
            let mut cells = vec![name];
            if typed == 2 {
                let mut w = rest.splitn(2, char::is_whitespace);
                let mut ty = w.next().unwrap_or("").to_string();
                let mut after = w.next().unwrap_or("").trim().to_string();
                if let Some(a) = after.strip_prefix("collection") {
                    ty.push_str(" collection");
                    after = a.trim().to_string();
                }
                cells.push(ty);
                rest = after;
            }
            cells.push(rest);
            let cells = cells
                .into_iter()
                .map(|c| {
                    let (text, links) = inline_plain(&c);
                    Cell { text, links }
                })
                .collect();
            rows.push(Row { cells, line: (j + 1) as u32 });
            j += 1;
        }
        self.blocks.push(Block::Table(Table {
            kind: classify_table(&header),
            header,
            rows,
            line: (i + 1) as u32,
            section: self.section.clone(),
            annotation: None,
            include: None,
        }));
        j
    }
}

/// `CloudLicensing.Read CloudLicensing.Read.All, Directory.Read.All` -> least and higher;
/// `Not supported. Not supported.` -> both "Not supported.".
fn split_permissions(rest: &str) -> (String, String) {
    let rest = rest.trim();
    for phrase in ["Not supported.", "Not available.", "None."] {
        if let Some(after) = rest.strip_prefix(phrase) {
            return (phrase.to_string(), after.trim().to_string());
        }
    }
    let mut parts = rest.splitn(2, char::is_whitespace);
    let least = parts.next().unwrap_or("").trim_end_matches(',').to_string();
    let higher = parts.next().unwrap_or("").trim().to_string();
    (least, higher)
}
