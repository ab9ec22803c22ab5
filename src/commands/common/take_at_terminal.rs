//! One take from the microphone at the terminal, as `record` and `practice` make it: the
//! device opened, the question shown, a countdown, a live meter line (elapsed, time left,
//! level, the live figures), Enter and Ctrl-C to stop; then the take stored in the history as
//! soon as it is recorded ([`keep_take`]), so that nothing is lost if the program is stopped
//! while it analyses, and what is kept but unfinished named if it is interrupted.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{open_store, print_notices};
use crate::audio::capture::{Microphone, Source};
use crate::live::{self, Live, LiveView};
use crate::paths;
use crate::record::level::meter_bar;
use crate::record::writer::TakeWriter;
use crate::record::{self as capture_loop, new_take_path, Status, StopReason, StopSignal, Take};
use crate::store::{self, Keep, Recording};
use crate::term::printable_line;
use crate::{tell, tell_part};

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
