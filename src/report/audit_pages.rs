//! The monthly audit's pages: `index.html` (one self-contained page: inline CSS and SVG, no
//! script) and `audit.md`, both written from the format-neutral [`Section`]s.
//!
//! Owns [`html_page`] and [`markdown`]. Every string from a log or process file reaches the page
//! through [`crate::report::html::escape`] or the table writers; SVG maps and charts are our own
//! output (Graphviz's SVG escapes the labels we gave it). O(size of the report).

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::report::audit::Audit;
use crate::report::audit_sections::{BenchmarkRow, Section};
use crate::report::html::{CSS, escape, inline_svg, page, table};
use crate::report::markdown::write_sheet;

/// The page's header line: month, tickets, conformance and benchmark misses.
fn headline(a: &Audit, benchmarks: &[BenchmarkRow]) -> String {
    let missed = benchmarks.iter().filter(|b| b.passed == Some(false)).count();
    let pct = crate::report::figures::pct(a.conformance_rate());
    if a.zh {
        format!("{} 张工单 · 流程符合率 {pct} · 标杆值未达成 {missed} 项", a.tickets)
    } else {
        format!("{} tickets · conformance {pct} · {missed} benchmark values missed", a.tickets)
    }
}

/// Missed benchmark values stand out: their result cell gets the `miss` class (for the
/// benchmark and monitoring tables, whose result columns hold these words).
fn mark_misses(table: String) -> String {
    ["未达成", "MISSED", "否", "NO"]
        .iter()
        .fold(table, |t, word| t.replace(&format!("<td>{word}</td>"), &format!("<td class=\"miss\">{word}</td>")))
}

/// "What to fix first" as a list, each finding linked to its section.
fn fix_first(a: &Audit, body: &mut String) {
    let findings = a.fix_first();
    if findings.is_empty() {
        return;
    }
    let _ =
        writeln!(body, "<h3>{}</h3>\n<ol class=\"fix-first\">", if a.zh { "优先整改" } else { "What to fix first" });
    for f in &findings {
        let _ = writeln!(body, "<li><a href=\"#{}\">{}</a></li>", escape(&f.section), escape(&f.what));
    }
    body.push_str("</ol>\n");
}

/// `index.html` of the month.
pub fn html_page(a: &Audit, sections: &[Section], benchmarks: &[BenchmarkRow]) -> String {
    let title = if a.zh { format!("{} 流程稽核月报", a.month) } else { format!("Process audit {}", a.month) };
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<header><h1>{}</h1><p class=\"headline\">{}</p>",
        escape(&title),
        escape(&headline(a, benchmarks))
    );
    let _ = writeln!(
        body,
        "<p class=\"sources\">{}: {}</p>",
        if a.zh { "数据来源" } else { "Logs" },
        escape(&a.logs.join(", "))
    );
    body.push_str("<nav><ol>");
    for s in sections {
        let _ = write!(body, "<li><a href=\"#{}\">{}</a></li>", s.id, escape(&s.title));
    }
    body.push_str("</ol></nav></header>\n<main>\n");
    for s in sections {
        let _ = writeln!(body, "<section id=\"{}\">\n<h2>{}</h2>", s.id, escape(&s.title));
        for line in &s.text {
            let _ = writeln!(body, "<p>{}</p>", escape(line));
        }
        if s.id == "overview" {
            fix_first(a, &mut body);
        }
        for sheet in &s.sheets {
            let html = table(sheet);
            body.push_str(&if matches!(sheet.id.as_str(), "benchmarks" | "monitoring") {
                mark_misses(html)
            } else {
                html
            });
            body.push('\n');
        }
        for (caption, svg) in &s.pictures {
            if let Ok(svg) = inline_svg(svg) {
                let _ =
                    writeln!(body, "<figure class=\"map\">{svg}<figcaption>{}</figcaption></figure>", escape(caption));
            }
        }
        body.push_str("</section>\n");
    }
    body.push_str("</main>\n");
    page(&title, if a.zh { "zh-CN" } else { "en" }, CSS, &body)
}

/// `audit.md` of the month (maps are linked, not inlined).
///
/// # Errors
/// When `w` fails.
pub fn markdown(
    a: &Audit,
    sections: &[Section],
    benchmarks: &[BenchmarkRow],
    maps: &[(String, String)],
    mut w: impl Write,
) -> io::Result<()> {
    let title = if a.zh { format!("{} 流程稽核月报", a.month) } else { format!("Process audit {}", a.month) };
    writeln!(
        w,
        "# {}\n\n{}\n",
        crate::report::markdown::escape(&title),
        crate::report::markdown::escape(&headline(a, benchmarks))
    )?;
    for s in sections {
        writeln!(w, "## {}\n", crate::report::markdown::escape(&s.title))?;
        for line in &s.text {
            writeln!(w, "{}\n", crate::report::markdown::escape(line))?;
        }
        for sheet in &s.sheets {
            writeln!(w, "### {}\n", crate::report::markdown::escape(&sheet.title))?;
            write_sheet(sheet, &mut w)?;
            writeln!(w)?;
        }
    }
    if !maps.is_empty() {
        writeln!(w, "## {}\n", if a.zh { "流程图" } else { "Maps" })?;
        for (caption, file) in maps {
            writeln!(w, "- [{}]({file})", crate::report::markdown::escape(caption))?;
        }
    }
    Ok(())
}
