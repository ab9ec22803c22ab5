//! `rehearse record` with a microphone that speaks in real time: the take is transcribed while
//! it is spoken, the live line shows figures, the report equals `analyze` on the saved file,
//! and the countdown is not recorded.
//!
//! The microphone is ALSA's `file` device reading from a FIFO that a thread here writes at
//! real-time pace, the way a microphone delivers audio whether or not anyone listens: a block
//! that finds the FIFO full is dropped. The speech is a real recording
//! (`tests/fixtures/realspeech`). The binary runs under `script`, so stderr is a terminal and
//! the live line is drawn as a user would see it.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const RATE: usize = 48_000;
/// Bytes per second of 48 kHz stereo 32-bit float.
const BYTES_PER_S: usize = RATE * 2 * 4;

/// A real-time microphone for one run: its ALSA configuration and the thread feeding it.
struct LiveMic {
    dir: tempfile::TempDir,
    feeder: Option<std::thread::JoinHandle<()>>,
}

impl LiveMic {
    /// A microphone that hears `audio` (any file sox reads) from the moment the device is
    /// opened, then silence for `then_silence_s`.
    fn hearing(audio: &[&Path], then_silence_s: f64) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let raw = dir.path().join("speech.raw");
        common::sox_to_mic_raw(audio, &raw, &["pad", "0", &then_silence_s.to_string()]);
        let fifo = dir.path().join("mic.fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo reads a NUL-terminated path; no other effects.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo");
        let conf = common::file_mic_alsa_conf(&fifo);
        std::fs::write(dir.path().join("asound.conf"), conf).unwrap();
        let bytes = std::fs::read(&raw).unwrap();
        let feeder = std::thread::spawn(move || feed(&fifo, &bytes));
        LiveMic {
            dir,
            feeder: Some(feeder),
        }
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// Run `rehearse ARGS` under a pseudo-terminal; returns what the terminal showed.
    fn run(&mut self, args: &[&str]) -> Output {
        let mut line = env!("CARGO_BIN_EXE_rehearse").to_string();
        for a in args {
            line.push(' ');
            line.push_str(a);
        }
        let out = Command::new("script")
            .args(["-qfec", &line, "/dev/null"])
            .current_dir(common::root())
            .env("ALSA_CONFIG_PATH", self.dir.path().join("asound.conf"))
            .env("REHEARSE_HOME", self.home())
            .env("NO_COLOR", "1")
            .env_remove("REHEARSE_MODEL")
            .stdin(Stdio::null())
            .output()
            .expect("script (util-linux) runs");
        if let Some(f) = self.feeder.take() {
            let _ = f.join();
        }
        out
    }
}

/// Write `bytes` into the FIFO in 20 ms blocks at real-time pace, dropping blocks the reader
/// is not there for, until the audio ends. When the reader closes (a device opened only to be
/// probed), wait for the next one; the audio goes on meanwhile.
fn feed(fifo: &Path, bytes: &[u8]) {
    // Opening for writing without blocking fails until a reader (the device) has the FIFO
    // open; wait for one, but not for ever (the program may be gone).
    let connect = |within: Duration| -> Option<std::fs::File> {
        use std::os::unix::fs::OpenOptionsExt;
        let deadline = Instant::now() + within;
        loop {
            let opened = std::fs::OpenOptions::new()
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(fifo);
            match opened {
                Ok(f) => return Some(f),
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(_) => return None,
            }
        }
    };
    let Some(mut f) = connect(Duration::from_secs(120)) else {
        return;
    };
    let block = BYTES_PER_S / 50;
    let start = Instant::now();
    for (i, chunk) in bytes.chunks(block).enumerate() {
        match f.write(chunk) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                match connect(Duration::from_secs(5)) {
                    Some(again) => f = again,
                    None => return,
                }
            }
            Err(_) => return,
        }
        let due = start + Duration::from_secs_f64((i + 1) as f64 / 50.0);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
}

fn fixture(name: &str) -> PathBuf {
    common::root()
        .join("tests/fixtures/realspeech")
        .join(format!("{name}.wav"))
}

/// The report without what differs between runs by nature: paths, timings, the recording.
fn comparable(mut r: Value) -> Value {
    let o = r.as_object_mut().unwrap();
    o.remove("recording");
    o["audio"].as_object_mut().unwrap().remove("path");
    common::without_timings(r)
}

#[test]
fn a_take_transcribed_while_spoken_reports_what_analyze_reports_on_the_saved_file() {
    let clip = fixture("batchalign2_test");
    let mut mic = LiveMic::hearing(&[&clip], 10.0);
    let report_path = mic.dir.path().join("report.json");
    let take = mic.dir.path().join("take.wav");
    // One thread for both runs: the default follows the machine's load, and the report names
    // the thread count.
    let out = mic.run(&[
        "record",
        "--threads",
        "1",
        "--countdown",
        "0",
        "--max-seconds",
        "31",
        "--no-save",
        "--format",
        "json",
        "--out",
        take.to_str().unwrap(),
        "-o",
        report_path.to_str().unwrap(),
    ]);
    let screen = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{screen}");

    // The live line was drawn again and again, and showed figures from the pieces done.
    let lines: Vec<&str> = screen
        .split(['\r', '\n'])
        .filter(|l| l.contains("REC") && l.contains("/ 0:31"))
        .collect();
    assert!(lines.len() >= 20, "{} live lines:\n{screen}", lines.len());
    let paced: Vec<&&str> = lines
        .iter()
        .filter(|l| l.contains(" wpm") && !l.contains("-- wpm"))
        .collect();
    assert!(
        !paced.is_empty() && lines.iter().any(|l| l.contains("-- wpm")),
        "the pace appears once enough words are in:\n{screen}"
    );
    assert!(lines.iter().any(|l| l.contains(" 0:2")), "{screen}");

    // The streamed report is the one `analyze` gives on the saved file.
    let streamed: Value = serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap();
    let recording = streamed["recording"].clone();
    assert!(
        recording["pieces_while_recording"].as_u64().unwrap() >= 2,
        "{recording}"
    );
    assert_eq!(recording["device"], "default");
    // 28 s of speech is two blocks of the pitch track at least: the first was closed and
    // settled while the speaker talked, and taken from the live tracker's memory.
    assert!(
        recording["pitch_blocks_while_recording"].as_u64().unwrap() >= 1,
        "{recording}"
    );
    // 28 s of speech: its first 10 s were settled long before the stop, so the language was
    // named while the speaker talked, and the report after the stop did not wait for it.
    assert_eq!(
        recording["language_named_while_recording"], true,
        "{recording}"
    );
    eprintln!(
        "report {:.2} s after the stop (not asserted: timing on a shared machine)",
        recording["report_after_stop_s"].as_f64().unwrap()
    );
    let again = common::rehearse()
        .args([
            "analyze",
            "--threads",
            "1",
            "--format",
            "json",
            "--no-save",
            "-q",
        ])
        .arg(&take)
        .output()
        .unwrap();
    assert!(again.status.success());
    let analysed: Value = serde_json::from_slice(&again.stdout).unwrap();
    let words = analysed["transcript"]["words"].as_array().unwrap().len();
    assert!(words >= 50, "{words} words");
    assert_eq!(comparable(streamed), comparable(analysed));

    // Stored once, compactly: 16 kHz mono 16-bit.
    let spec = hound::WavReader::open(&take).unwrap().spec();
    assert_eq!(
        (spec.sample_rate, spec.channels, spec.bits_per_sample),
        (16_000, 1, 16)
    );
}

#[test]
fn what_is_said_during_the_countdown_is_not_recorded() {
    // The microphone hears a phrase from the moment the device opens (during a 3 s
    // countdown), then the answer.
    let scratch = tempfile::tempdir().unwrap();
    let early = scratch.path().join("early.wav");
    let status = Command::new("espeak-ng")
        .args(["-v", "en-us", "-s", "150", "-w", early.to_str().unwrap()])
        .arg("Let me think about the elephant in the room.")
        .status()
        .expect("espeak-ng runs");
    assert!(status.success());
    let padded = scratch.path().join("early-3s.wav");
    let status = Command::new("sox")
        .args([
            early.to_str().unwrap(),
            "-r",
            "16000",
            padded.to_str().unwrap(),
        ])
        .args(["pad", "0", "4", "trim", "0", "3.5"])
        .status()
        .unwrap();
    assert!(status.success());
    let answer = fixture("mfa_acoustic_corpus");
    let mut mic = LiveMic::hearing(&[&padded, &answer], 1.0);
    let report_path = mic.dir.path().join("report.json");
    let out = mic.run(&[
        "record",
        "--countdown",
        "3",
        "--max-seconds",
        "8",
        "--no-save",
        "--format",
        "json",
        "-o",
        report_path.to_str().unwrap(),
    ]);
    let screen = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{screen}");
    let report: Value = serde_json::from_slice(&std::fs::read(&report_path).unwrap()).unwrap();
    let text = report["transcript"]["text"]
        .as_str()
        .unwrap()
        .to_lowercase();
    assert!(
        !text.contains("elephant"),
        "countdown speech recorded: {text}"
    );
    assert!(
        report["transcript"]["words"].as_array().unwrap().len() >= 3,
        "the answer itself was recorded: {text}"
    );
    // The take is as long as asked: the countdown did not eat into it.
    let seconds = report["audio"]["duration_s"].as_f64().unwrap();
    assert!((seconds - 8.0).abs() < 0.1, "{seconds}");
}
