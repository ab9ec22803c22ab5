//! Getting results to the user: a report rendered in the chosen format and written to standard
//! output or, atomically, to a file; a page opened in the browser; progress bars on stderr.
//!
//! The commands ([`crate::commands`]) decide *what* to show; this module only knows *how*. It
//! takes plain options ([`Options`], [`Format`]), not clap structs, and uses nothing above it:
//! only the renderers ([`crate::report`]) and the terminal style ([`crate::term`]).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::report::terminal::View;
use crate::report::{self, Report};
use crate::tell;
use crate::term::{printable, printable_line, printable_styled, report_width, ColorChoice, Style};

/// A report's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Terminal,
    Json,
    Markdown,
    Html,
}

impl Format {
    /// The file extension a report in this format gets in an output directory.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Terminal => "txt",
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
        }
    }
}

/// How one report is shown: the format, the colour rule, whether to open it in a browser, and
/// whether the terminal report shows everything or the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub format: Format,
    pub color: ColorChoice,
    pub open: bool,
    pub detail: bool,
}

/// The terminal report's view: `detail` or the summary, wrapped to the terminal's width when
/// it goes to one (`to_terminal`), else to `COLUMNS` or 80 columns.
pub fn view(detail: bool, to_terminal: bool) -> View {
    let width = report_width(to_terminal);
    if detail {
        View::detail(width)
    } else {
        View::summary(width)
    }
}

/// Where a recording's report goes when -o names a directory: `DIR/<file name>.<ext>`.
pub fn report_path(dir: &Path, input: &Path, format: Format) -> PathBuf {
    let name = input
        .file_name()
        .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
    dir.join(format!("{name}.{}", format.extension()))
}

/// A progress bar on stderr, or a hidden one when quiet or stderr is not a terminal.
pub fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(100), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{msg:>12} [{bar:30}] {pos:>3}% {elapsed}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

/// The report as text in `format`; `audio` is the file the HTML page's player embeds.
/// Terminal and Markdown text is made safe for a terminal ([`printable_styled`]): a report's
/// transcript, question and file name can hold anything an imported export put there.
pub fn render(
    report: &Report,
    format: Format,
    style: &Style,
    view: View,
    audio: Option<&Path>,
) -> String {
    match format {
        Format::Terminal => {
            printable_styled(&report::terminal::render(report, style, view)).into_owned()
        }
        Format::Json => report::json::render(report),
        Format::Markdown => printable(&report::markdown::render(report)).into_owned(),
        Format::Html => {
            let embedded = match audio {
                Some(path) => report::html::embed(path),
                None => report::html::Embedded::Missing("this take has no audio file.".into()),
            };
            report::html::render(report, &embedded)
        }
    }
}

/// Render in the chosen format and write to `path` (stdout when None), opening the page in
/// the browser with `open`. `audio` is the take's audio for the HTML player.
pub fn emit(
    report: &Report,
    opts: &Options,
    path: Option<&Path>,
    audio: Option<&Path>,
) -> Result<()> {
    check(opts)?;
    if opts.format == Format::Html {
        return emit_html(report, path, opts.open, audio);
    }
    let style = Style::for_output(opts.color, path.is_none());
    let view = view(opts.detail, path.is_none());
    write_page(
        path,
        opts.open,
        &render(report, opts.format, &style, view, audio),
    )
}

/// A take's HTML report written to the file `path`, its audio embedded from `audio`.
pub fn write_report_page(report: &Report, path: &Path, audio: Option<&Path>) -> Result<()> {
    emit_html(report, Some(path), false, audio)
}

/// Where the audio goes in a page rendered before its audio is written. Rendered text from a
/// report cannot hold it: `<` is always escaped there.
const AUDIO_MARK: &str = "data:audio/wav;base64,<rehearse-audio>";

/// The HTML page streamed to its destination: the page is rendered around a mark, and the
/// take's audio written in its place as base64, a block at a time. Holding the page with the
/// audio in it, as [`render`] does, took 652 MB for a 60-minute take (the decoded samples, the
/// WAV, its base64 and the page at once); this holds the samples and then the WAV only.
fn emit_html(report: &Report, path: Option<&Path>, open: bool, audio: Option<&Path>) -> Result<()> {
    let wav = audio.map(report::html::wav_of);
    let embedded = match &wav {
        Some(Ok(_)) => report::html::Embedded::Wav(AUDIO_MARK.into()),
        Some(Err(why)) => report::html::Embedded::Missing(why.clone()),
        None => report::html::Embedded::Missing("this take has no audio file.".into()),
    };
    let page = report::html::render(report, &embedded);
    let write = |out: &mut dyn Write| -> std::io::Result<()> {
        match (&wav, page.split_once(AUDIO_MARK)) {
            (Some(Ok(bytes)), Some((head, tail))) => {
                out.write_all(head.as_bytes())?;
                out.write_all(b"data:audio/wav;base64,")?;
                report::html::write_base64(out, bytes)?;
                out.write_all(tail.as_bytes())
            }
            _ => out.write_all(page.as_bytes()),
        }
    };
    write_page_with(path, open, &write)
}

/// Options that only make sense together, checked before any slow work.
pub fn check(opts: &Options) -> Result<()> {
    if opts.open && opts.format != Format::Html {
        anyhow::bail!("--open shows an HTML report: add --format html");
    }
    Ok(())
}

/// Write the report, and with `--open` show it in the browser (a temporary file when no
/// `-o FILE` was given).
pub fn write_page(output: Option<&Path>, open: bool, text: &str) -> Result<()> {
    write_page_with(output, open, &|out: &mut dyn Write| {
        out.write_all(text.as_bytes())
    })
}

/// What writes a page's bytes to where they go.
type Writes<'a> = dyn Fn(&mut dyn Write) -> std::io::Result<()> + 'a;

/// [`write_page`] with the text written by `write`.
fn write_page_with(output: Option<&Path>, open: bool, write: &Writes<'_>) -> Result<()> {
    if !open {
        return write_output_with(output, write);
    }
    let path = match output {
        Some(p) => {
            write_output_with(Some(p), write)?;
            p.to_path_buf()
        }
        None => private_page(write)?,
    };
    open_in_browser(&path);
    Ok(())
}

/// Launch the default browser; failing to is a notice, not an error (the file is written).
fn open_in_browser(path: &Path) {
    let shown = printable_line(&path.display().to_string()).into_owned();
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let status = std::process::Command::new(opener)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status();
    match status {
        Ok(s) if s.success() => tell!("rehearse: opened {shown} in the browser"),
        Ok(s) => {
            tell!("rehearse: {opener} could not open a browser ({s}); the report is at {shown}")
        }
        Err(e) => {
            tell!("rehearse: cannot run {opener} to open a browser ({e}); the report is at {shown}")
        }
    }
}

/// What the `--open` pages in the temporary directory are called: `rehearse-report-XXXXXX.html`.
const PAGE_PREFIX: &str = "rehearse-report-";
const PAGE_SUFFIX: &str = ".html";

/// How long an `--open` page is kept for the browser: it embeds the recording, so it must not
/// stay in the temporary directory forever, but a browser tab may reload it for a while.
pub const PAGE_LIFETIME: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// The `--open` page when no `-o` names one: a new file with a random name in the temporary
/// directory, created exclusively (`O_EXCL`) and readable by the user alone (it embeds the
/// recording), kept for the browser to load. Pages older than [`PAGE_LIFETIME`] are removed
/// here and at the start of every command ([`prune_old_pages`]).
fn private_page(write: &Writes<'_>) -> Result<PathBuf> {
    let dir = std::env::temp_dir();
    prune_old_pages_in(&dir, PAGE_LIFETIME);
    let mut file = tempfile::Builder::new()
        .prefix(PAGE_PREFIX)
        .suffix(PAGE_SUFFIX)
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create the report page in {}", dir.display()))?;
    let shown = file.path().display().to_string();
    let mut buffered = std::io::BufWriter::new(file.as_file_mut());
    write(&mut buffered)
        .and_then(|()| buffered.flush())
        .with_context(|| format!("cannot write the report page {shown}"))?;
    drop(buffered);
    let (_, path) = file
        .keep()
        .with_context(|| format!("cannot keep the report page in {}", dir.display()))?;
    Ok(path)
}

/// Remove the user's own `--open` pages older than [`PAGE_LIFETIME`] from the temporary
/// directory. Best effort and quiet: a page that cannot be removed is left.
pub fn prune_old_pages() {
    prune_old_pages_in(&std::env::temp_dir(), PAGE_LIFETIME);
}

fn prune_old_pages_in(dir: &Path, lifetime: std::time::Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(PAGE_PREFIX) && name.ends_with(PAGE_SUFFIX)) {
            continue;
        }
        // Not through a symlink (file_type does not follow it), and only the user's own pages.
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.file_type().is_file() || !is_own(&meta) {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > lifetime);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(unix)]
fn is_own(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    meta.uid() == unsafe { libc::geteuid() }
}

#[cfg(not(unix))]
fn is_own(_meta: &std::fs::Metadata) -> bool {
    true
}

/// Write to stdout, or to a file atomically: a new temporary file in the target's directory
/// (random name, created exclusively, mode 0600, so no planted file or symlink is followed),
/// then renamed over the target. The report is readable by the user alone.
pub fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    write_output_with(path, &|out: &mut dyn Write| out.write_all(text.as_bytes()))
}

/// [`write_output`] with the text written by `write`, through a buffer.
fn write_output_with(path: Option<&Path>, write: &Writes<'_>) -> Result<()> {
    match path {
        None => {
            let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
            write(&mut stdout)?;
            stdout.flush()?;
        }
        Some(path) => {
            let failed = || format!("cannot write the report to {}", path.display());
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let mut tmp = tempfile::Builder::new()
                .prefix(".rehearse-")
                .suffix(".tmp")
                .tempfile_in(dir)
                .with_context(failed)?;
            let mut buffered = std::io::BufWriter::new(tmp.as_file_mut());
            write(&mut buffered)
                .and_then(|()| buffered.flush())
                .with_context(failed)?;
            drop(buffered);
            tmp.as_file().sync_all().with_context(failed)?;
            tmp.persist(path)
                .map_err(|e| e.error)
                .with_context(failed)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_in_a_directory_are_named_after_the_recording() {
        let p = report_path(Path::new("out"), Path::new("takes/a.m4a"), Format::Markdown);
        assert_eq!(p, Path::new("out/a.m4a.md"));
    }

    #[test]
    fn open_needs_html() {
        let opts = Options {
            format: Format::Json,
            color: ColorChoice::Never,
            open: true,
            detail: false,
        };
        assert!(check(&opts).is_err());
        assert!(check(&Options {
            format: Format::Html,
            ..opts
        })
        .is_ok());
    }
}
