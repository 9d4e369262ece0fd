//! Plain tables written as aligned text, Markdown or CSV.
//!
//! Owns column alignment that counts display width (a Chinese character takes two columns),
//! [`markdown_escape`] (the one Markdown escaping function, which the audit's Markdown shares) and
//! CSV quoting (via the csv crate). Cost: O(cells) with one pass to measure.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

/// A table: a header row and data rows of the same length.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    /// Column headings.
    pub headers: Vec<String>,
    /// Rows; each has `headers.len()` cells.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Writes the table as text with columns padded to their widest cell and a rule under the header.
    pub fn write_text(&self, w: &mut impl Write) -> io::Result<()> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                widths[i] = widths[i].max(cell.width());
            }
        }
        let line = |w: &mut dyn Write, cells: &[String]| -> io::Result<()> {
            let mut out = String::new();
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    out.push_str("  ");
                }
                out.push_str(cell);
                if i + 1 < cells.len() {
                    out.push_str(&" ".repeat(widths[i] - cell.width()));
                }
            }
            writeln!(w, "{}", out.trim_end())
        };
        line(w, &self.headers)?;
        let rule: Vec<String> = widths.iter().map(|n| "-".repeat(*n)).collect();
        line(w, &rule)?;
        for row in &self.rows {
            line(w, row)?;
        }
        Ok(())
    }

    /// Writes the table as a GitHub-flavoured Markdown table.
    pub fn write_markdown(&self, w: &mut impl Write) -> io::Result<()> {
        let row = |cells: &[String]| {
            format!("| {} |", cells.iter().map(|c| markdown_escape(c)).collect::<Vec<_>>().join(" | "))
        };
        writeln!(w, "{}", row(&self.headers))?;
        writeln!(w, "|{}", "---|".repeat(self.headers.len()))?;
        for r in &self.rows {
            writeln!(w, "{}", row(r))?;
        }
        Ok(())
    }

    /// Writes the table as CSV (RFC 4180 quoting).
    pub fn write_csv(&self, w: &mut impl Write) -> io::Result<()> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(&self.headers)?;
        for r in &self.rows {
            out.write_record(r)?;
        }
        out.flush()
    }
}

/// `text` as inert Markdown inline text, for a table cell or a paragraph: the characters that
/// start markup (`\`, `` ` ``, `*`, `_`, `[`, `]`, `~`, `|`) get a backslash, the HTML-significant
/// `<`, `>` and `&` become entities (so `<script>` stays text on every renderer), a line break
/// becomes a space (a cell is one line) and carriage returns are dropped. O(len).
///
/// # Example
/// ```
/// use flowaudit::render::table::markdown_escape;
/// assert_eq!(markdown_escape("<b>a|b</b>"), "&lt;b&gt;a\\|b&lt;/b&gt;");
/// assert_eq!(markdown_escape(r"投诉\_1"), r"投诉\\\_1");
/// ```
pub fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '~' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' => out.push(' '),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Table, markdown_escape};

    #[test]
    fn markdown_cells_are_inert() {
        let t = Table { headers: vec!["a|b".into()], rows: vec![vec!["<script>x</script>\nA&B".into()]] };
        let mut out = Vec::new();
        t.write_markdown(&mut out).unwrap();
        let md = String::from_utf8(out).unwrap();
        assert_eq!(md, "| a\\|b |\n|---|\n| &lt;script&gt;x&lt;/script&gt; A&amp;B |\n");
        assert_eq!(markdown_escape("*x* [l](u) `c` ~~s~~"), r"\*x\* \[l\](u) \`c\` \~\~s\~\~");
    }

    #[test]
    fn aligns_wide_characters() {
        let t = Table {
            headers: vec!["业务".into(), "phone".into()],
            rows: vec![vec!["bill".into(), "query".into()], vec!["话费查询".into(), "-".into()]],
        };
        let mut out = Vec::new();
        t.write_text(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text, "业务      phone\n--------  -----\nbill      query\n话费查询  -\n");
    }
}
