//! What several commands share at the edge: targets and engine settings resolved from flags
//! and the config file, the report options handed to [`crate::output`], the take store opened
//! with its notices printed, saving an analysed take, and one take from the microphone at the
//! terminal (device, countdown, live meter, Enter and Ctrl-C), which `record` and `practice`
//! both make, stored in the history as soon as it is recorded ([`keep_take`]) so that
//! nothing is lost if the program is stopped while it analyses.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::audio::capture::{Microphone, Source};
use crate::cli::{EngineArgs, Format, OutputArgs, SaveArgs, TargetArgs};
use crate::config::Targets;
use crate::live::{self, Live, LiveView};
use crate::output;
use crate::pipeline::EngineSettings;
use crate::record::level::meter_bar;
use crate::record::writer::TakeWriter;
use crate::record::{self as capture_loop, new_take_path, Status, StopReason, StopSignal, Take};
use crate::report::Report;
use crate::store::{self, Keep, Recording, Saved, Store};
use crate::story::coverage::TakeFacts;
use crate::story::{Library, Named};
use crate::term::printable_line;
use crate::{history, paths};
use crate::{tell, tell_part};

/// The targets in force: the config file's, overridden by any flags.
pub fn targets(args: &TargetArgs) -> Result<Targets> {
    let mut t = crate::settings::load()?.targets;
    if let Some(r) = args.pace {
        t.pace_wpm = r;
    }
    if let Some(r) = args.length {
        t.answer_length_s = r;
    }
    if let Some(s) = args.long_pause {
        t.long_pause_s = s;
    }
    if let Some(n) = args.max_fillers_per_minute {
        t.set_fine_filler_rate(n);
    }
    t.validate()?;
    Ok(t)
}

pub fn engine_settings(args: &EngineArgs) -> Result<EngineSettings> {
    let mut settings = EngineSettings::resolve(
        args.model.clone(),
        args.vad_model.clone(),
        args.threads.map(usize::from),
        args.beam,
    )?;
    settings.audio_fillers = !args.no_audio_fillers;
    Ok(settings)
}

pub fn format(f: Format) -> output::Format {
    match f {
        Format::Terminal => output::Format::Terminal,
        Format::Json => output::Format::Json,
        Format::Markdown => output::Format::Markdown,
        Format::Html => output::Format::Html,
    }
}

/// How the report flags say to show a report.
pub fn output_options(args: &OutputArgs) -> output::Options {
    output::Options {
        format: format(args.format),
        color: args.color,
        open: args.open,
        detail: args.detail,
    }
}

/// Show a report as the output flags say, with the HTML player on `audio`.
pub fn emit(report: &Report, args: &OutputArgs, audio: Option<&Path>) -> Result<()> {
    output::emit(report, &output_options(args), args.output.as_deref(), audio)
}

/// Pretty JSON and a newline.
pub fn json_text(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).expect("a Value always serialises") + "\n"
}

pub fn open_store() -> Result<Store> {
    let data = paths::data_dir()?;
    let mut store = Store::open(&data)
        .with_context(|| format!("cannot open the take store in {}", data.display()))?;
    print_notices(&mut store);
    Ok(store)
}

/// What story coverage and practice weighting read of every stored take (question, time,
/// story score), from the take store opened as by [`open_store`].
pub fn stored_take_facts() -> Result<Vec<TakeFacts>> {
    Ok(open_store()?
        .list()?
        .iter()
        .map(|t| {
            TakeFacts::from_report(
                t.meta.created,
                t.meta.question.as_deref(),
                &t.report_value(),
            )
        })
        .collect())
}

/// The store for a command that only reads: it still opens on a read-only or full disk.
pub fn open_store_for_reading() -> Result<Store> {
    let data = paths::data_dir()?;
    let mut store = Store::open_for_reading(&data)
        .with_context(|| format!("cannot open the take store in {}", data.display()))?;
    print_notices(&mut store);
    Ok(store)
}

pub fn print_notices(store: &mut Store) {
    for n in store.take_notices() {
        tell!("rehearse: note: {}", printable_line(&n));
    }
}

/// Print a command's result on standard output. Unlike `println!`, a closed stdout (`| head`)
/// is an error returned to `main`, which ends quietly, not a panic.
pub fn say(text: &str) -> Result<()> {
    output::write_output(None, text)
}

/// Keep the take (unless `--no-save`); returns the line to tell the user, if any. Commands
/// call this *before* writing the report, so a report that cannot be written (a closed pipe,
/// a full disk) never costs the take.
pub fn save_analyzed(
    report: &Report,
    file: &Path,
    save: &SaveArgs,
    question: Option<&str>,
    quiet: bool,
) -> Result<Option<String>> {
    if save.no_save {
        return Ok(None);
    }
    let not_saved = "the take was not saved (--no-save skips saving)";
    let mut store = open_store().context(not_saved)?;
    let saved =
        store::save_take(&mut store, report, file, question, save.force).context(not_saved)?;
    print_notices(&mut store);
    Ok(match saved {
        Saved::Stored(m) if !quiet => Some(format!(
            "rehearse: saved as take {} (`rehearse show {}` prints it again)",
            m.id, m.id
        )),
        Saved::Stored(_) => None,
        Saved::Finished(m) => Some(format!(
            "rehearse: take {} (recorded {}, not analysed until now) has its report \
             (`rehearse show {}` prints it again)",
            m.id,
            history::local_time(m.created),
            m.id
        )),
        Saved::Duplicate(m) => Some(format!(
            "rehearse: not saved again: this recording is already take {} from {}; \
             --force saves another take of it",
            m.id,
            history::local_time(m.created)
        )),
    })
}

/// Whether an error is a closed standard output (`| head` exited): not a failure of the
/// command, but nothing more should be written there.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The story named by `--story`, read and checked before any slow work.
pub fn load_story(name: &str) -> Result<Named> {
    let library = Library::new(&paths::data_dir()?);
    Ok(library.get(name)?)
}

/// One take from the microphone, as `record` and `practice` make it.
pub struct TakeOptions<'a> {
    pub device: Option<&'a str>,
    pub max_seconds: f64,
    /// Seconds counted down before recording starts.
    pub countdown: u32,
    /// Where the WAV goes [default: a new file in the data dir's takes folder].
    pub out: Option<&'a Path>,
    /// Shown once the device is open, even with `quiet`: it is what the user answers.
    pub question: Option<&'a str>,
    pub quiet: bool,
}

/// True while a take is being recorded: Ctrl-C then stops the take instead of the program.
static RECORDING: AtomicBool = AtomicBool::new(false);
/// True while a recorded take is being moved into the history: Ctrl-C then waits for it.
static STORING: AtomicBool = AtomicBool::new(false);
/// Ctrl-C (or SIGTERM) came while [`STORING`]: the program ends once the take is stored.
static STOPPED_WHILE_STORING: AtomicBool = AtomicBool::new(false);
/// What is kept but not finished, by take id or recording path, and the line that says so:
/// printed when the program is interrupted, so the user knows where their answer is.
static UNFINISHED: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

fn set_unfinished(key: &str, line: Option<String>) {
    if let Ok(mut list) = UNFINISHED.lock() {
        list.retain(|(k, _)| k != key);
        list.extend(line.map(|l| (key.to_string(), l)));
    }
}

/// The take is analysed and its report stored: nothing about it to say if interrupted now.
pub fn take_finished(id: &str) {
    set_unfinished(id, None);
}

/// End the program after an interruption, naming what is kept and how to finish it.
fn exit_interrupted() -> ! {
    tell!("\nrehearse: interrupted");
    if let Ok(list) = UNFINISHED.lock() {
        for (_, line) in list.iter() {
            tell!("rehearse: {line}");
        }
    }
    std::process::exit(130);
}

/// A recorded take, stored in the history before it is analysed.
pub struct Kept {
    pub id: String,
    /// The file to analyse: the take's audio in the history, or the user's `--out` file.
    pub audio: PathBuf,
}

/// Store a recorded take in the history right away, marked not analysed: a recording in the
/// data dir's `takes/` is moved into its take folder (one copy); a `--out` file stays where
/// the user asked and the history keeps its own copy. Ctrl-C waits while this runs.
pub fn keep_take(
    take: &Take,
    question: Option<&str>,
    session: Option<&str>,
    user_file: bool,
) -> Result<Kept> {
    STORING.store(true, Ordering::SeqCst);
    let kept = store_recording(take, question, session, user_file);
    if let Ok(k) = &kept {
        set_unfinished(&take.path.display().to_string(), None);
        set_unfinished(
            &k.id,
            Some(format!(
                "take {} is kept in the history, not analysed ({}); `rehearse reanalyze {}` \
                 analyses it",
                k.id,
                printable_line(&k.audio.display().to_string()),
                k.id
            )),
        );
    }
    STORING.store(false, Ordering::SeqCst);
    // The handler may have seen STORING just before it was cleared: whichever of the two
    // takes the flag ends the program.
    if STOPPED_WHILE_STORING.swap(false, Ordering::SeqCst) {
        exit_interrupted();
    }
    kept
}

fn store_recording(
    take: &Take,
    question: Option<&str>,
    session: Option<&str>,
    user_file: bool,
) -> Result<Kept> {
    let not_kept = || {
        format!(
            "the recording could not be added to the history; it is kept in {}",
            take.path.display()
        )
    };
    let mut store = open_store().with_context(not_kept)?;
    let meta = store
        .add_recording(Recording {
            audio: &take.path,
            keep: if user_file { Keep::Copy } else { Keep::Move },
            question: question.map(str::to_string),
            duration_s: take.seconds(),
            session: session.map(str::to_string),
        })
        .with_context(not_kept)?;
    print_notices(&mut store);
    let audio = if user_file {
        take.path.clone()
    } else {
        store
            .get(&meta.id)?
            .and_then(|t| t.audio_path())
            .unwrap_or_else(|| PathBuf::from(&meta.source_path))
    };
    Ok(Kept { id: meta.id, audio })
}
/// The stop signal of the take being recorded, for the Ctrl-C handler and the Enter key.
static CURRENT_STOP: Mutex<Option<StopSignal>> = Mutex::new(None);

/// Open the device, show the question, count down, and record until a stop.
/// Record one take. With `live`, the take is handed to it as it is written and the meter line
/// shows its figures so far.
pub fn capture_take(opts: &TakeOptions<'_>, mut live: Option<&mut Live>) -> Result<Take> {
    let (path, overwrite) = take_destination(opts.out)?;
    let mut mic = Microphone::open(opts.device)?;
    let stop = StopSignal::new();
    install_interrupt_handler()?;
    if let Ok(mut current) = CURRENT_STOP.lock() {
        *current = Some(stop.clone());
    }
    if let Some(q) = opts.question {
        tell!("\nQuestion: {}\n", printable_line(q));
    }
    if !opts.quiet {
        introduce(&mic, opts.max_seconds);
    }
    countdown(opts.countdown, opts.quiet);
    let writer = TakeWriter::create(&path, mic.format(), overwrite)?;
    RECORDING.store(true, Ordering::SeqCst);
    if let Err(e) = mic.start() {
        RECORDING.store(false, Ordering::SeqCst);
        let _ = std::fs::remove_file(writer.path());
        return Err(e.into());
    }
    let _ = enter_presses();
    let meter = LiveMeter::new(opts.quiet);
    let view = live.as_deref().map(Live::view);
    let mut on_audio = |heard: &[f32]| {
        if let Some(l) = live.as_deref_mut() {
            l.feed(heard);
        }
    };
    let take = capture_loop::record(
        &mut mic,
        writer,
        &stop,
        opts.max_seconds,
        &mut on_audio,
        &mut |s| meter.update(s, view.as_ref().map(LiveView::get).as_ref()),
    );
    let take = Take {
        device: mic.name.clone(),
        ..take
    };
    RECORDING.store(false, Ordering::SeqCst);
    meter.finish();
    let path = printable_line(&take.path.display().to_string()).into_owned();
    set_unfinished(
        &take.path.display().to_string(),
        Some(format!(
            "the recording is kept in {path} (`rehearse analyze {path}` analyses it)"
        )),
    );
    Ok(take)
}

/// Where the WAV goes, and whether an existing file there may be replaced.
fn take_destination(out: Option<&Path>) -> Result<(PathBuf, bool)> {
    if let Some(path) = out {
        return Ok((path.to_path_buf(), true));
    }
    let dir = paths::data_dir()?.join(store::RECORDINGS_DIR);
    crate::store::take::create_private_dir_all(&dir)
        .with_context(|| format!("cannot create the takes folder {}", dir.display()))?;
    Ok((new_take_path(&dir, SystemTime::now()), false))
}

/// Ctrl-C (and SIGTERM) stop the take being recorded, and end the program otherwise. The
/// handler is installed once per process and finds the current take's stop signal.
fn install_interrupt_handler() -> Result<()> {
    static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            ctrlc::set_handler(|| {
                let current = CURRENT_STOP.lock().ok().and_then(|c| c.clone());
                match current {
                    Some(stop) if RECORDING.load(Ordering::SeqCst) => stop.interrupt(),
                    _ if STORING.load(Ordering::SeqCst) => {
                        STOPPED_WHILE_STORING.store(true, Ordering::SeqCst);
                        // Stored meanwhile, and `keep_take` may have looked already.
                        if !STORING.load(Ordering::SeqCst)
                            && STOPPED_WHILE_STORING.swap(false, Ordering::SeqCst)
                        {
                            exit_interrupted();
                        }
                    }
                    _ => exit_interrupted(),
                }
            })
            .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| anyhow::anyhow!("cannot watch for Ctrl-C: {e}"))
}

/// Enter presses on a terminal: while a take is recorded, Enter ends it; otherwise each press
/// is sent here (to end the thinking time). None when stdin is not a terminal. One thread
/// reads stdin for the whole run, so no press is lost between takes.
pub fn enter_presses() -> Option<&'static Mutex<Receiver<()>>> {
    static PRESSES: OnceLock<Option<Mutex<Receiver<()>>>> = OnceLock::new();
    PRESSES
        .get_or_init(|| {
            if !std::io::stdin().is_terminal() {
                return None;
            }
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || loop {
                let mut line = String::new();
                match std::io::stdin().read_line(&mut line) {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                let current = CURRENT_STOP.lock().ok().and_then(|c| c.clone());
                match current {
                    Some(stop) if RECORDING.load(Ordering::SeqCst) => stop.enter(),
                    _ => {
                        if tx.send(()).is_err() {
                            return;
                        }
                    }
                }
            });
            Some(Mutex::new(rx))
        })
        .as_ref()
}

fn introduce(mic: &Microphone, max_seconds: f64) {
    let f = mic.format();
    let enter = if std::io::stdin().is_terminal() {
        "Press Enter to stop; "
    } else {
        ""
    };
    tell!(
        "Recording from {} ({} ch, {} Hz, {}). {enter}Ctrl-C also stops and keeps the take; \
         stops by itself after {}.",
        mic.name,
        f.channels,
        f.sample_rate,
        f.kind.describe(),
        clock(max_seconds)
    );
}

fn countdown(seconds: u32, quiet: bool) {
    for n in (1..=seconds).rev() {
        if !quiet {
            tell_part!("{n}... ");
            let _ = std::io::stderr().flush();
        }
        std::thread::sleep(Duration::from_secs(1));
    }
    if seconds > 0 && !quiet {
        tell!("go!");
    }
}

/// Elapsed, time left and level on one stderr line; hidden when quiet or not a terminal.
struct LiveMeter {
    bar: ProgressBar,
}

impl LiveMeter {
    fn new(quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return LiveMeter {
                bar: ProgressBar::hidden(),
            };
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{prefix:.red.bold} {wide_msg}")
                .expect("the template is valid"),
        );
        bar.set_prefix("● REC");
        LiveMeter { bar }
    }

    fn update(&self, s: &Status, live: Option<&live::Progress>) {
        if self.bar.is_hidden() {
            return;
        }
        let warning = s
            .warning
            .map_or(String::new(), |w| format!("  ! {}", w.short()));
        self.bar.set_message(format!(
            "{} / {}{}  [{}] {:>4.0} dBFS{warning}",
            clock(s.seconds),
            clock(s.max_seconds),
            live.map_or(String::new(), live_figures),
            meter_bar(s.level_db, 12),
            s.level_db.max(-99.0),
        ));
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// The live figures on the meter line: calm and short, e.g. `  148 wpm  fillers 3`.
fn live_figures(p: &live::Progress) -> String {
    if p.failed.is_some() {
        return String::new();
    }
    let pace = p
        .wpm
        .map_or_else(|| "-- wpm".to_string(), |w| format!("{w:.0} wpm"));
    format!("  {pace}  fillers {}", p.fillers)
}

/// A take that ended badly is an error, with the path of what was kept; an empty one is removed.
pub fn check_take(take: &Take, quiet: bool) -> Result<()> {
    let problem = match &take.reason {
        StopReason::DeviceLost(e) => Some(e.to_string()),
        StopReason::DiskFailed(e) => Some(e.clone()),
        _ => None,
    };
    if take.frames == 0 {
        let _ = std::fs::remove_file(&take.path);
        bail!(
            "{}",
            problem.unwrap_or_else(|| "nothing was recorded".into())
        );
    }
    if let Some(problem) = problem {
        bail!(
            "{problem}; kept the {:.1} s recorded before it in {} (analyse it with `rehearse analyze`)",
            take.seconds(),
            take.path.display()
        );
    }
    if let (Some(w), false) = (take.level.warning(), quiet) {
        tell!("rehearse: warning: {}", w.message());
    }
    Ok(())
}

/// `m:ss`, rounded down (a clock that counts up).
pub fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0).floor() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_shows_minutes_and_seconds() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(179.9), "2:59");
        assert_eq!(clock(180.0), "3:00");
    }
}
