//! Recording a take: audio from a [`Source`] to a WAV file until something says stop.
//!
//! The loop ([`record`]) knows nothing of terminals or signals: it reads blocks, writes them
//! ([`writer`]), meters them ([`level`]), and stops on the first of: the time limit (counted in
//! captured samples, never wall-clock time, so a device faster or slower than real time still
//! yields exactly the asked-for length), a stop request ([`StopSignal`], set by Enter or
//! Ctrl-C at the command edge), a device failure, or a disk failure. Every path finalises the
//! WAV. The command edge ([`crate::commands::record`]) adds the question, countdown, meter and
//! analysis.

pub mod level;
pub mod writer;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::audio::capture::{CaptureError, Source};
use level::{LevelMeter, LevelSummary, Warning};
use writer::TakeWriter;

/// Why a take ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// `--max-seconds` of audio were captured.
    TimeLimit,
    /// The user pressed Enter.
    Enter,
    /// Ctrl-C (SIGINT) or SIGTERM.
    Interrupted,
    /// The device failed or vanished.
    DeviceLost(CaptureError),
    /// The disk refused more audio.
    DiskFailed(String),
}

impl StopReason {
    pub fn describe(&self) -> &'static str {
        match self {
            StopReason::TimeLimit => "time limit reached",
            StopReason::Enter => "stopped with Enter",
            StopReason::Interrupted => "stopped with Ctrl-C",
            StopReason::DeviceLost(_) => "the input device failed",
            StopReason::DiskFailed(_) => "writing the file failed",
        }
    }

    /// A take that ended this way is complete as far as the user is concerned.
    pub fn is_normal(&self) -> bool {
        matches!(
            self,
            StopReason::TimeLimit | StopReason::Enter | StopReason::Interrupted
        )
    }
}

/// A stop request shared with whatever watches the keyboard and signals.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<AtomicU8>);

const RUNNING: u8 = 0;
const BY_ENTER: u8 = 1;
const BY_INTERRUPT: u8 = 2;

impl StopSignal {
    pub fn new() -> Self {
        Self::default()
    }

    /// Ask the take to end because of Enter.
    pub fn enter(&self) {
        let _ = self
            .0
            .compare_exchange(RUNNING, BY_ENTER, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// Ask the take to end because of a signal.
    pub fn interrupt(&self) {
        let _ = self
            .0
            .compare_exchange(RUNNING, BY_INTERRUPT, Ordering::SeqCst, Ordering::SeqCst);
    }

    fn requested(&self) -> Option<StopReason> {
        match self.0.load(Ordering::SeqCst) {
            BY_ENTER => Some(StopReason::Enter),
            BY_INTERRUPT => Some(StopReason::Interrupted),
            _ => None,
        }
    }
}

/// What the live display gets after each block.
#[derive(Debug, Clone, Copy)]
pub struct Status {
    pub seconds: f64,
    pub max_seconds: f64,
    /// Latest 100 ms RMS level, dBFS.
    pub level_db: f64,
    pub warning: Option<Warning>,
}

/// A finished take: the file is finalised (or as complete as the disk allowed).
#[derive(Debug)]
pub struct Take {
    pub path: PathBuf,
    /// Device frames captured, at the device's `sample_rate`.
    pub frames: u64,
    pub sample_rate: u32,
    pub reason: StopReason,
    pub level: LevelSummary,
    /// The input device's name (set by whoever opened it).
    pub device: String,
    /// When the first block was asked for, and when the take ended (UTC).
    pub started_at: jiff::Timestamp,
    pub stopped_at: jiff::Timestamp,
    /// The moment the take ended, for measuring what comes after.
    pub ended: std::time::Instant,
}

impl Take {
    /// Duration from captured samples.
    pub fn seconds(&self) -> f64 {
        self.frames as f64 / f64::from(self.sample_rate.max(1))
    }
}

/// How long to wait for a block before looking at the stop signal again.
const POLL: Duration = Duration::from_millis(50);

/// Record from a started `source` into `out` until the first stop condition; finalise the file.
/// After each block, `on_audio` gets every sample written so far (mono, 16 kHz, as the file
/// reads back) and `on_status` what the live display shows.
pub fn record(
    source: &mut dyn Source,
    mut out: TakeWriter,
    stop: &StopSignal,
    max_seconds: f64,
    on_audio: &mut dyn FnMut(&[f32]),
    on_status: &mut dyn FnMut(&Status),
) -> Take {
    let format = source.format();
    let channels = usize::from(format.channels.max(1));
    let max_frames = (max_seconds * f64::from(format.sample_rate)).round() as u64;
    let mut meter = LevelMeter::new(format.sample_rate, format.channels);
    let started_at = jiff::Timestamp::now();
    let reason = loop {
        if let Some(reason) = stop.requested() {
            break reason;
        }
        if out.frames() >= max_frames {
            break StopReason::TimeLimit;
        }
        let mut block = match source.next_block(POLL) {
            Ok(Some(block)) => block,
            Ok(None) => continue,
            Err(e) => break StopReason::DeviceLost(e),
        };
        let room = (max_frames - out.frames()) as usize * channels;
        if block.len() > room {
            block.truncate(room);
        }
        if let Err(e) = out.write(&block) {
            break StopReason::DiskFailed(e.to_string());
        }
        on_audio(out.heard());
        meter.push(&block.to_f32());
        on_status(&Status {
            seconds: out.frames() as f64 / f64::from(format.sample_rate.max(1)),
            max_seconds,
            level_db: meter.current().map_or(level::FLOOR_DB, |b| b.rms_db),
            warning: meter.warning(),
        });
    };
    let (ended, stopped_at) = (std::time::Instant::now(), jiff::Timestamp::now());
    let frames = out.frames();
    let path = out.path().to_path_buf();
    let reason = match (out.finalize().map(|(_, heard)| on_audio(&heard)), reason) {
        (Err(e), StopReason::TimeLimit | StopReason::Enter | StopReason::Interrupted) => {
            StopReason::DiskFailed(e.to_string())
        }
        (_, reason) => reason,
    };
    Take {
        path,
        frames,
        sample_rate: format.sample_rate,
        reason,
        level: meter.summary(),
        device: String::new(),
        started_at,
        stopped_at,
        ended,
    }
}

/// A new, unused path for a take in `dir`: `YYYY-MM-DD-HHMMSS.wav` (UTC), with a counter
/// appended when that second already has a take.
pub fn new_take_path(dir: &Path, now: SystemTime) -> PathBuf {
    let stamp = utc_stamp(now);
    let mut path = dir.join(format!("{stamp}.wav"));
    let mut n = 2;
    while path.exists() {
        path = dir.join(format!("{stamp}-{n}.wav"));
        n += 1;
    }
    path
}

/// `YYYY-MM-DD-HHMMSS` in UTC.
fn utc_stamp(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}-{:02}{:02}{:02}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::capture::{InputFormat, SampleKind, Samples};

    /// Plays back fixed blocks, then reports nothing more.
    struct ScriptedSource {
        format: InputFormat,
        blocks: std::collections::VecDeque<Result<Samples, CaptureError>>,
    }

    impl Source for ScriptedSource {
        fn format(&self) -> InputFormat {
            self.format
        }
        fn start(&mut self) -> Result<(), CaptureError> {
            Ok(())
        }
        fn next_block(&mut self, _timeout: Duration) -> Result<Option<Samples>, CaptureError> {
            self.blocks.pop_front().transpose()
        }
    }

    fn source(blocks: Vec<Result<Samples, CaptureError>>) -> ScriptedSource {
        ScriptedSource {
            format: InputFormat {
                sample_rate: 1000,
                channels: 2,
                kind: SampleKind::F32,
            },
            blocks: blocks.into(),
        }
    }

    fn block(frames: usize) -> Result<Samples, CaptureError> {
        Ok(Samples::F32(vec![0.1; frames * 2]))
    }

    fn run(src: &mut ScriptedSource, stop: &StopSignal, max_s: f64) -> (Take, usize) {
        let dir = tempfile::tempdir().unwrap().keep();
        let out = TakeWriter::create(&dir.join("t.wav"), src.format, false).unwrap();
        let mut updates = 0;
        let take = record(src, out, stop, max_s, &mut |_| {}, &mut |_| updates += 1);
        (take, updates)
    }

    /// Frames in the file, in the source's 1 kHz frames (the file is at 16 kHz).
    fn frames_on_disk(path: &Path) -> u32 {
        hound::WavReader::open(path).unwrap().duration() / 16
    }

    #[test]
    fn the_time_limit_is_counted_in_samples_and_cuts_mid_block() {
        let mut src = source((0..10).map(|_| block(300)).collect());
        let (take, updates) = run(&mut src, &StopSignal::new(), 1.0);
        assert_eq!(take.reason, StopReason::TimeLimit);
        assert_eq!(take.frames, 1000);
        assert_eq!(frames_on_disk(&take.path), 1000);
        assert_eq!(updates, 4);
        assert_eq!(src.blocks.len(), 6, "no block read after the limit");
    }

    #[test]
    fn a_stop_request_ends_the_take_and_keeps_what_was_captured() {
        let mut src = source(vec![block(100), block(100)]);
        let stop = StopSignal::new();
        let dir = tempfile::tempdir().unwrap();
        let out = TakeWriter::create(&dir.path().join("t.wav"), src.format, false).unwrap();
        let signal = stop.clone();
        let take = record(&mut src, out, &stop, 10.0, &mut |_| {}, &mut |_| {
            signal.interrupt()
        });
        assert_eq!(take.reason, StopReason::Interrupted);
        assert_eq!(frames_on_disk(&take.path), 100);
        stop.enter();
        assert_eq!(
            stop.requested(),
            Some(StopReason::Interrupted),
            "first reason wins"
        );
    }

    #[test]
    fn a_device_failure_mid_take_keeps_a_finalised_file() {
        let lost = CaptureError::Lost {
            reason: "unplugged".into(),
        };
        let mut src = source(vec![block(250), block(250), Err(lost.clone())]);
        let (take, _) = run(&mut src, &StopSignal::new(), 10.0);
        assert_eq!(take.reason, StopReason::DeviceLost(lost));
        assert!(!take.reason.is_normal());
        assert_eq!(frames_on_disk(&take.path), 500);
        assert!((take.seconds() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn take_names_are_utc_stamps_and_never_collide() {
        let dir = tempfile::tempdir().unwrap();
        // 2024-02-29 13:05:09 UTC
        let t = UNIX_EPOCH + Duration::from_secs(1_709_211_909);
        let first = new_take_path(dir.path(), t);
        assert_eq!(first.file_name().unwrap(), "2024-02-29-130509.wav");
        std::fs::write(&first, b"").unwrap();
        let second = new_take_path(dir.path(), t);
        assert_eq!(second.file_name().unwrap(), "2024-02-29-130509-2.wav");
        assert_eq!(utc_stamp(UNIX_EPOCH), "1970-01-01-000000");
    }
}
