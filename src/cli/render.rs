//! `flowaudit render`: a process's designed map as DOT, or drawn by Graphviz's `dot` as SVG, PNG
//! or PDF. The library writes DOT; running `dot` (no shell, DOT on its standard input) happens
//! here, at the edge.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::Context as _;

use crate::cli::args::{Lang, RenderArgs, RenderFormat};
use crate::cli::exit::Exit;
use crate::cli::process_arg;
use crate::render::process_map::designed_map;

/// The format `-o`'s extension names, if it names one.
fn format_of(path: &Path) -> Option<RenderFormat> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "dot" | "gv" => Some(RenderFormat::Dot),
        "svg" => Some(RenderFormat::Svg),
        "png" => Some(RenderFormat::Png),
        "pdf" => Some(RenderFormat::Pdf),
        _ => None,
    }
}

/// `dot -T<format>` of `dot_text`: the drawing, or an error that says how to get Graphviz.
pub fn run_dot(dot_text: &str, format: &str) -> anyhow::Result<Vec<u8>> {
    let mut child = Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot run Graphviz's `dot` ({e}): install it (Debian: `apt-get install graphviz fonts-wqy-microhei`), or write DOT with `--format dot`"
            )
        })?;
    let mut stdin = child.stdin.take().context("no standard input to `dot`")?;
    let text = dot_text.to_owned();
    // Write on a thread of its own so that a large drawing cannot fill both pipes.
    let writer = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().context("`dot` did not finish")?;
    writer.join().map_err(|_| anyhow::anyhow!("writing to `dot` failed"))?.context("writing to `dot`")?;
    if !out.status.success() {
        anyhow::bail!("`dot -T{format}` failed ({}): {}", out.status, String::from_utf8_lossy(&out.stderr).trim());
    }
    Ok(out.stdout)
}

/// Runs `render`.
pub fn run(args: &RenderArgs, out: &mut impl Write) -> anyhow::Result<Exit> {
    let process = process_arg::load(&args.process, &args.processes)?;
    let zh = match args.lang {
        Some(Lang::Zh) => true,
        Some(Lang::En) => false,
        None => process.prefers_zh(),
    };
    let format = args.format.or_else(|| args.output.as_deref().and_then(format_of)).unwrap_or(RenderFormat::Dot);
    let dot_text = designed_map(&process, zh).to_dot();
    let bytes = match format {
        RenderFormat::Dot => dot_text.into_bytes(),
        RenderFormat::Svg => run_dot(&dot_text, "svg")?,
        RenderFormat::Png => run_dot(&dot_text, "png")?,
        RenderFormat::Pdf => run_dot(&dot_text, "pdf")?,
    };
    match &args.output {
        Some(path) => std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?,
        None => out.write_all(&bytes)?,
    }
    Ok(Exit::Ok)
}
