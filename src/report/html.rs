//! The building blocks of the audit's `index.html`: escaping, tables of [`Sheet`]s, inline SVG
//! maps and a self-contained page shell.
//!
//! Owns [`escape`], [`table`], [`inline_svg`], [`page`] and [`CSS`]. A page is one file: the
//! style is inline, there is no script and no external asset, and a Content-Security-Policy
//! meta tag forbids both, so a hostile string that slipped past escaping could still neither run
//! nor fetch anything. Everything from data goes through [`escape`] (one table of escapes,
//! [`crate::render::dot::push_html`], shared with the DOT writer). Each function is O(size of
//! its output) and allocates that output once.

use std::fmt::Write as _;

use thiserror::Error;

use crate::render::dot::push_html;
use crate::report::sheet::Sheet;

/// A style for report pages: readable on a laptop screen (a measure of about 80 characters, a
/// system font with CJK fallbacks, tabular figures) and printable on A4 (smaller type, repeated
/// table headings, no rows split across pages, maps shrunk to the page).
pub const CSS: &str = r#"
:root { color-scheme: light; --rule: #d0d7de; --muted: #57606a; --stripe: #f6f8fa; }
body {
  margin: 2rem auto; max-width: 72rem; padding: 0 1.5rem; color: #1f2328; background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB",
    "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
}
h1, h2, h3 { line-height: 1.25; margin: 1.6em 0 0.5em; }
h1 { font-size: 1.8rem; } h2 { font-size: 1.35rem; border-bottom: 1px solid var(--rule); }
p, li { max-width: 48rem; }
.muted, .note { color: var(--muted); }
table.sheet { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9rem; }
table.sheet caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
table.sheet th, table.sheet td {
  border: 1px solid var(--rule); padding: 0.25rem 0.6rem; vertical-align: top; white-space: pre-line;
}
table.sheet thead th { background: var(--stripe); text-align: left; }
table.sheet tbody tr:nth-child(even) { background: var(--stripe); }
table.sheet .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
p.note { font-size: 0.85rem; margin: 0.25rem 0 1rem; }
table.sheet td.miss { color: #b42318; font-weight: 600; }
figure.map { margin: 1rem 0; overflow-x: auto; }
figure.map svg { max-width: 100%; height: auto; }
@media print {
  @page { size: A4; margin: 15mm 12mm; }
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  table.sheet { font-size: 8.5pt; }
  table.sheet thead { display: table-header-group; }
  table.sheet tr, figure.map { break-inside: avoid; }
  table.sheet tbody tr:nth-child(even) { background: none; }
  figure.map { overflow: visible; }
  figure.map svg { max-height: 250mm; }
}
"#;

/// `text` escaped for HTML text and attribute values: `&`, `<`, `>`, `"` and `'` become
/// entities. O(len).
///
/// # Example
/// ```
/// use flowaudit::report::html::escape;
/// assert_eq!(escape("<script>alert('1')</script> & \"投诉\""),
///            "&lt;script&gt;alert(&#39;1&#39;)&lt;/script&gt; &amp; &quot;投诉&quot;");
/// ```
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_html(&mut out, c);
    }
    out
}

/// `sheet` as an HTML table: `class="sheet"`, its id as the element id, its title as the
/// caption, the headings in `<thead>`, and number cells (and the headings of number columns)
/// with `class="num"`, which [`CSS`] right-aligns. The note, if any, follows as
/// `<p class="note">`. Cells show [`Cell::text`](crate::report::sheet::Cell::text); line breaks
/// in text show as line breaks (CSS `pre-line`).
///
/// # Example
/// ```
/// use flowaudit::report::html::table;
/// use flowaudit::report::sheet::{Cell, Sheet};
/// let mut s = Sheet::new("t", "Steps", &["step", "n"]);
/// s.push(vec![Cell::from("受理"), Cell::Int(3)]);
/// assert_eq!(table(&s), "<table class=\"sheet\" id=\"t\">\n<caption>Steps</caption>\n\
///     <thead><tr><th>step</th><th class=\"num\">n</th></tr></thead>\n<tbody>\n\
///     <tr><td>受理</td><td class=\"num\">3</td></tr>\n</tbody>\n</table>\n");
/// ```
pub fn table(sheet: &Sheet) -> String {
    let numeric = sheet.numeric_columns();
    let mut out = String::with_capacity(64 + sheet.rows.len() * numeric.len() * 24);
    let _ = writeln!(out, "<table class=\"sheet\" id=\"{}\">", escape(&sheet.id));
    if !sheet.title.is_empty() {
        let _ = writeln!(out, "<caption>{}</caption>", escape(&sheet.title));
    }
    out.push_str("<thead><tr>");
    for (col, &num) in numeric.iter().enumerate() {
        let _ = write!(out, "<th{}>{}</th>", class(num), escape(sheet.header(col)));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &sheet.rows {
        out.push_str("<tr>");
        for col in 0..numeric.len() {
            let cell = Sheet::cell(row, col);
            let _ = write!(out, "<td{}>{}</td>", class(cell.is_number()), escape(&cell.text()));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if let Some(note) = &sheet.note {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", escape(note));
    }
    out
}

/// ` class="num"` for numbers.
fn class(number: bool) -> &'static str {
    if number { " class=\"num\"" } else { "" }
}

/// Text given as SVG that is not an SVG document.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("not an SVG document: after its prolog it begins with {start:?}, not `<svg`")]
pub struct NotSvg {
    /// The first characters after the prolog.
    pub start: String,
}

/// The `<svg>` element of an SVG document, ready to sit inline in HTML: a byte-order mark, the
/// XML declaration, a DOCTYPE (with or without an internal subset), comments and processing
/// instructions before the root are stripped, as is trailing white space. Graphviz's SVG starts
/// with `<?xml ...?>`, `<!DOCTYPE svg ...>` and comments. Returns a slice of `svg`, no copy.
///
/// The element itself is trusted to be Graphviz's output (labels escaped by Graphviz); should a
/// `<script>` be in it, the page's Content-Security-Policy keeps it from running.
///
/// # Example
/// ```
/// use flowaudit::report::html::inline_svg;
/// let dot_svg = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n\
///     <!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\"\n \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n\
///     <!-- Generated by graphviz -->\n<svg width=\"8pt\"><g/></svg>\n";
/// assert_eq!(inline_svg(dot_svg).unwrap(), "<svg width=\"8pt\"><g/></svg>");
/// assert!(inline_svg("<html>").is_err());
/// ```
pub fn inline_svg(svg: &str) -> Result<&str, NotSvg> {
    let mut rest = svg.strip_prefix('\u{feff}').unwrap_or(svg);
    loop {
        rest = rest.trim_start();
        let skipped = if rest.starts_with("<?") {
            rest.find("?>").map(|i| i + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|i| i + 3)
        } else if rest.starts_with("<!DOCTYPE") || rest.starts_with("<!doctype") {
            doctype_end(rest)
        } else {
            break;
        };
        match skipped {
            Some(n) => rest = &rest[n..],
            None => break,
        }
    }
    let is_root = rest.strip_prefix("<svg").is_some_and(|r| r.starts_with(|c: char| c.is_whitespace() || c == '>'));
    if is_root { Ok(rest.trim_end()) } else { Err(NotSvg { start: rest.chars().take(20).collect() }) }
}

/// The length of the DOCTYPE at the start of `text`, through its closing `>`, stepping over an
/// internal subset in `[...]` and quoted identifiers.
fn doctype_end(text: &str) -> Option<usize> {
    let mut quote = None;
    let mut subset = false;
    for (i, c) in text.char_indices() {
        if quote.is_some() {
            if quote == Some(c) {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '[' => subset = true,
            ']' => subset = false,
            '>' if !subset => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// A self-contained HTML5 page: `<!DOCTYPE html>`, `lang`, `<meta charset="utf-8">`, a
/// viewport, a Content-Security-Policy that allows inline style and `data:` images and nothing
/// else (no script, no fetch), the escaped `title`, `css` inline in `<style>`, and `body` as it
/// is (built from [`table`], [`inline_svg`] and [`escape`]d text).
///
/// `css` is our own (usually [`CSS`]); a `</` in it is written `<\/` so it cannot close the
/// style element early.
///
/// # Example
/// ```
/// use flowaudit::report::html::{CSS, page};
/// let html = page("2026-10 <audit>", "zh-CN", CSS, "<h1>审计</h1>\n");
/// assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
/// assert!(html.contains("<title>2026-10 &lt;audit&gt;</title>"));
/// assert!(html.contains("@media print") && !html.contains("<script"));
/// ```
pub fn page(title: &str, lang: &str, css: &str, body: &str) -> String {
    let mut out = String::with_capacity(css.len() + body.len() + 512);
    out.push_str("<!DOCTYPE html>\n");
    let _ = writeln!(out, "<html lang=\"{}\">", escape(lang));
    out.push_str("<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n",
    );
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    out.push_str("<style>");
    out.push_str(&css.replace("</", "<\\/"));
    if !css.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("</style>\n</head>\n<body>\n");
    out.push_str(body);
    if !body.is_empty() && !body.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{CSS, NotSvg, escape, inline_svg, page, table};
    use crate::report::sheet::{HOSTILE, hostile_sheet};

    #[test]
    fn hostile_sheet_is_escaped() {
        let html = table(&hostile_sheet());
        assert!(html.starts_with("<table class=\"sheet\" id=\"../hostile:[1]\">\n"));
        assert!(html.contains("<caption>&lt;b&gt;Hostile&lt;/b&gt; &amp; &quot;co&quot;</caption>"));
        assert!(html.contains(
            "<thead><tr><th>=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)</th><th class=\"num\">n</th>\
             <th class=\"num\">share</th></tr></thead>"
        ));
        assert!(html.contains("<tr><td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td class=\"num\">0</td>"));
        assert!(
            html.contains("<td>投诉处理&quot;流程&quot;\\</td><td class=\"num\">-6</td><td class=\"num\">25.00 %</td>")
        );
        assert!(html.ends_with("</table>\n<p class=\"note\">&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"));
        assert!(!html.contains("<script") && !html.contains("\"y\""));
        for h in HOSTILE {
            assert!(html.contains(&escape(h)), "{h}");
        }
    }

    #[test]
    fn page_is_self_contained_and_printable() {
        let body = table(&hostile_sheet());
        let html = page("<script>alert(1)</script>", "en\" onload=\"x", CSS, &body);
        assert!(html.contains("<html lang=\"en&quot; onload=&quot;x\">"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("@media print") && html.contains("size: A4"));
        assert!(!html.contains("<script") && !html.contains("src=\"") && !html.contains("href="));
        let evil_css = page("t", "en", "p{}</style><script>x</script>", "");
        assert!(evil_css.contains("<style>p{}<\\/style><script>x<\\/script>\n</style>"));
        assert_eq!(evil_css.matches("</style>").count(), 1);
    }

    #[test]
    fn svg_prologs_are_stripped() {
        let bom = "\u{feff}<?xml version=\"1.0\"?>\n<!DOCTYPE svg [ <!ENTITY a \"<svg>\"> ]>\n<svg\nwidth=\"1\"/>\n\n";
        assert_eq!(inline_svg(bom), Ok("<svg\nwidth=\"1\"/>"));
        assert_eq!(inline_svg("<svg>x</svg>"), Ok("<svg>x</svg>"));
        assert_eq!(inline_svg("<?xml unterminated"), Err(NotSvg { start: "<?xml unterminated".into() }));
        assert!(inline_svg("<svgfoo/>").is_err());
        assert!(inline_svg("").is_err());
    }

    #[test]
    fn a_real_graphviz_svg_inlines() {
        let svg =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/maps/complaint-linear.svg")).unwrap();
        let inline = inline_svg(&svg).unwrap();
        assert!(inline.starts_with("<svg ") && inline.ends_with("</svg>"));
        assert!(!inline.contains("<!DOCTYPE") && !inline.contains("<?xml"));
    }

    proptest! {
        #[test]
        fn escape_leaves_no_markup_and_reverses(text in any::<String>()) {
            let e = escape(&text);
            prop_assert!(!e.contains(['<', '>', '"', '\'']));
            let back = e.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
            prop_assert_eq!(back, text);
        }
    }
}
