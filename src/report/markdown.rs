//! A [`Sheet`] as a GitHub-flavoured Markdown table for `audit.md`, with every cell inert.
//!
//! Owns [`write_sheet`]. Escaping is [`escape`] (re-exported from
//! [`crate::render::table::markdown_escape`], the one Markdown escaping function): markup
//! characters get a backslash and `<`, `>`, `&` become entities, so `<script>` or `[x](y)` in a
//! step name stays text. Number columns ([`Sheet::numeric_columns`]) are right-aligned. The
//! title is the caller's heading and is not written here. O(cells).

use std::io::{self, Write};

pub use crate::render::table::markdown_escape as escape;
use crate::report::sheet::Sheet;

/// Writes `sheet` as a Markdown table (headings, alignment row, rows of [`Sheet::width`]
/// cells shown by [`Cell::text`](crate::report::sheet::Cell::text)), then its note, if any, as
/// an italic paragraph after a blank line. A sheet without columns writes only its note.
///
/// # Example
/// ```
/// use flowaudit::report::markdown::write_sheet;
/// use flowaudit::report::sheet::{Cell, Sheet};
/// let mut s = Sheet::new("t", "T", &["step", "share"]);
/// s.push(vec![Cell::from("<b>受理</b>"), Cell::Pct(0.5)]);
/// let mut out = Vec::new();
/// write_sheet(&s.with_note("1 row rejected"), &mut out).unwrap();
/// assert_eq!(
///     String::from_utf8(out).unwrap(),
///     "| step | share |\n|---|---:|\n| &lt;b&gt;受理&lt;/b&gt; | 50.00 % |\n\n*1 row rejected*\n"
/// );
/// ```
pub fn write_sheet(sheet: &Sheet, mut w: impl Write) -> io::Result<()> {
    let numeric = sheet.numeric_columns();
    if !numeric.is_empty() {
        let line = |cells: &mut dyn Iterator<Item = String>| {
            let mut out = String::from("|");
            for c in cells {
                out.push(' ');
                out.push_str(&c);
                out.push_str(" |");
            }
            out
        };
        writeln!(w, "{}", line(&mut (0..numeric.len()).map(|col| escape(sheet.header(col)))))?;
        let rule: String = numeric.iter().map(|&n| if n { "---:|" } else { "---|" }).collect();
        writeln!(w, "|{rule}")?;
        for row in &sheet.rows {
            writeln!(w, "{}", line(&mut (0..numeric.len()).map(|col| escape(&Sheet::cell(row, col).text()))))?;
        }
    }
    if let Some(note) = &sheet.note {
        if !numeric.is_empty() {
            writeln!(w)?;
        }
        writeln!(w, "*{}*", escape(note))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{escape, write_sheet};
    use crate::report::sheet::{HOSTILE, Sheet, hostile_sheet};

    #[test]
    fn hostile_strings_are_inert() {
        let mut out = Vec::new();
        write_sheet(&hostile_sheet(), &mut out).unwrap();
        let md = String::from_utf8(out).unwrap();
        let expected = "\
| =HYPERLINK(\"http://x\",\"y\") | n | share |
|---|---:|---:|
| &lt;script&gt;alert(1)&lt;/script&gt; | 0 | 25.00 % |
| =HYPERLINK(\"http://x\",\"y\") | -1 | 25.00 % |
| +1 | -2 | 25.00 % |
| -2+3 | -3 | 25.00 % |
| @SUM(A1) | -4 | 25.00 % |
| ../../x | -5 | 25.00 % |
| 投诉处理\"流程\"\\\\ | -6 | 25.00 % |

*&lt;script&gt;alert(1)&lt;/script&gt;*
";
        assert_eq!(md, expected);
        assert!(!md.contains('<'), "no tag survives");
        assert_eq!(HOSTILE.len(), 7);
    }

    #[test]
    fn a_sheet_without_columns_writes_its_note_only() {
        let mut out = Vec::new();
        write_sheet(&Sheet::new("e", "E", &[]).with_note("nothing"), &mut out).unwrap();
        assert_eq!(out, b"*nothing*\n");
    }

    proptest! {
        #[test]
        fn escaped_text_has_no_tag_no_line_break_and_no_bare_pipe(text in any::<String>()) {
            let e = escape(&text);
            prop_assert!(!e.contains(['<', '>', '\n', '\r']));
            // Every pipe is escaped: preceded by an odd run of backslashes.
            let bytes = e.as_bytes();
            for (i, _) in e.match_indices('|') {
                let run = bytes[..i].iter().rev().take_while(|&&b| b == b'\\').count();
                prop_assert!(run % 2 == 1, "bare pipe in {:?}", e);
            }
        }
    }
}
