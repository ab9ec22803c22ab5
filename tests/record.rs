//! `rehearse record` end to end, with a file-backed ALSA device as the microphone.
//!
//! Each test writes an ALSA configuration (named by ALSA_CONFIG_PATH) whose default capture
//! device reads raw PCM from a file made from espeak-ng speech, so the real binary records
//! through cpal and ALSA exactly as from a microphone. That device is not paced in real time
//! (it delivers audio as fast as it is read, then silence), which is why durations here are
//! checked in samples. See docs/record.md.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const SENTENCE: &str = "I led the migration of our billing system to a new database, \
                        and we cut hosting costs by forty percent in three months.";
/// Words of the sentence that Whisper tiny.en reliably hears in this voice.
const KEY_WORDS: &[&str] = &["migration", "database", "hosting", "costs", "months"];
const RATE: u32 = 48_000;
/// Takes are stored at the rate the analysis uses.
const STORED_RATE: u32 = 16_000;

struct FakeMic {
    dir: tempfile::TempDir,
}

impl FakeMic {
    /// A default capture device that "hears" `raw` (48 kHz, stereo, 32-bit float, little end).
    ///
    /// The ALSA `file` plugin sits directly over `null`, and the raw file is already in the
    /// format cpal asks for (f32), so nothing converts: with a `plug` layer converting s16 to
    /// f32 between them, ALSA skips whole periods of the input file.
    fn with_raw(raw: &[u8]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("input.raw");
        std::fs::write(&input, raw).unwrap();
        let conf = format!(
            "</usr/share/alsa/alsa.conf>\n\
             pcm.!default {{\n  type file\n  slave.pcm \"null\"\n  file \"/dev/null\"\n  \
             infile \"{}\"\n  format \"raw\"\n}}\n",
            input.display()
        );
        std::fs::write(dir.path().join("asound.conf"), conf).unwrap();
        FakeMic { dir }
    }

    /// A microphone that hears `text` spoken by espeak-ng.
    fn speaking(text: &str) -> Self {
        let scratch = tempfile::tempdir().unwrap();
        let wav = scratch.path().join("speech.wav");
        let raw = scratch.path().join("speech.raw");
        run_tool(
            "espeak-ng",
            &["-v", "en-us", "-s", "150", "-w", path(&wav), text],
        );
        #[rustfmt::skip]
        run_tool("sox", &[
            path(&wav), "-t", "raw", "-r", "48000", "-c", "2",
            "-e", "floating-point", "-b", "32", "-L", path(&raw),
        ]);
        Self::with_raw(&std::fs::read(raw).unwrap())
    }

    /// The left channel of the input.
    fn input_left(&self) -> Vec<f32> {
        std::fs::read(self.dir.path().join("input.raw"))
            .unwrap()
            .chunks_exact(8)
            .map(|f| f32::from_le_bytes([f[0], f[1], f[2], f[3]]))
            .collect()
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    fn rehearse(&self, args: &[&str]) -> Command {
        rehearse_with(&self.dir.path().join("asound.conf"), &self.home(), args)
    }

    fn takes(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.home().join("takes")) else {
            return Vec::new();
        };
        let mut takes: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        takes.sort();
        takes
    }
}

fn rehearse_with(alsa_conf: &Path, home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rehearse"));
    cmd.args(args)
        .env("ALSA_CONFIG_PATH", alsa_conf)
        .env("REHEARSE_HOME", home)
        .env_remove("REHEARSE_MODEL")
        .stdin(Stdio::null());
    cmd
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn run_tool(tool: &str, args: &[&str]) {
    let status = Command::new(tool)
        .args(args)
        .status()
        .unwrap_or_else(|e| panic!("{tool} is needed for this test: {e}"));
    assert!(status.success(), "{tool} failed");
}

fn run(mut cmd: Command) -> Output {
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The samples of a take as stored (16 kHz mono 16-bit), scaled to -1..1, and its spec.
fn read_take(path: &Path) -> (hound::WavSpec, Vec<f32>) {
    let mut reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    assert_eq!(
        (spec.sample_rate, spec.channels, spec.bits_per_sample),
        (STORED_RATE, 1, 16),
        "takes are stored as 16 kHz mono 16-bit"
    );
    let declared = reader.len() as usize;
    let samples: Vec<f32> = reader
        .samples::<i16>()
        .map(|s| f32::from(s.unwrap()) / 32768.0)
        .collect();
    assert_eq!(samples.len(), declared, "header and data disagree");
    (spec, samples)
}

fn rms_db(samples: &[f32]) -> f64 {
    let ms = samples.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / samples.len() as f64;
    10.0 * ms.log10()
}

#[test]
fn record_saves_the_spoken_answer_as_a_take_and_reports_it() {
    let mic = FakeMic::speaking(SENTENCE);
    let out = run(mic.rehearse(&[
        "record",
        "--question",
        "Tell me about a project you led.",
        "--max-seconds",
        "8",
        "--countdown",
        "0",
        "--format",
        "json",
    ]));
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("Tell me about a project you led."),
        "{stderr}"
    );

    let takes = mic.takes();
    assert_eq!(takes.len(), 1, "one take in the takes folder: {takes:?}");
    let (_, take) = read_take(&takes[0]);
    assert_eq!(
        take.len(),
        8 * STORED_RATE as usize,
        "exactly --max-seconds of samples"
    );
    assert!(
        rms_db(&take[..4 * STORED_RATE as usize]) > -35.0,
        "the take is not silent"
    );
    // What was recorded is the input mixed down and resampled to 16 kHz, sample for sample
    // within 16-bit rounding: nothing dropped or shifted on the way.
    let mut input = mic.input_left();
    input.resize(8 * RATE as usize, 0.0);
    let expected = rehearse::audio::resample::to_rate(&input, RATE, STORED_RATE).unwrap();
    for start in [0, STORED_RATE as usize, 3 * STORED_RATE as usize] {
        let worst = (start..start + 2000)
            .map(|i| (take[i] - expected[i]).abs())
            .fold(0f32, f32::max);
        assert!(
            worst <= 1.5 / 32768.0,
            "recording differs from the input at {start}: by up to {worst}"
        );
    }

    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["audio"]["path"], path(&takes[0]));
    assert_eq!(report["audio"]["duration_s"], 8.0);
    let transcript = report["transcript"]["text"]
        .as_str()
        .unwrap()
        .to_lowercase();
    let heard = KEY_WORDS.iter().filter(|w| transcript.contains(*w)).count();
    assert!(heard >= 3, "transcript {transcript:?} misses the key words");
}

#[test]
fn ctrl_c_stops_the_take_and_keeps_a_valid_wav() {
    let mic = FakeMic::speaking(SENTENCE);
    let (child, take) = start_long_take(&mic, 100_000);
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "Ctrl-C keeps the take: {stderr}");
    assert!(stderr.contains("stopped with Ctrl-C"), "{stderr}");
    assert_eq!(text(&out.stdout).trim(), path(&take));

    let (spec, left) = read_take(&take);
    let seconds = left.len() as f64 / f64::from(spec.sample_rate);
    assert!(seconds > 1.0 && seconds < 3600.0, "kept {seconds} s");
    let data_bytes = left.len() as u64 * 2;
    let on_disk = std::fs::metadata(&take).unwrap().len();
    assert!(
        on_disk - data_bytes < 100,
        "finalised: the header covers every sample on disk ({on_disk} bytes, {data_bytes} of data)"
    );
    assert!(
        rms_db(&left[..STORED_RATE as usize]) > -35.0,
        "the speech is in the take"
    );
}

/// Start a long take and wait until its file on disk is past `bytes`. The caller waits for
/// the child (clippy cannot see that through the return value).
#[allow(clippy::zombie_processes)]
fn start_long_take(mic: &FakeMic, bytes: u64) -> (std::process::Child, PathBuf) {
    // The fake device is far faster than real time, but an hour still takes it many seconds,
    // so whatever the test does next happens mid-recording.
    let mut child = mic
        .rehearse(&[
            "record",
            "--max-seconds",
            "3600",
            "--countdown",
            "0",
            "--no-analyze",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        let grown = mic
            .takes()
            .into_iter()
            .find(|t| std::fs::metadata(t).is_ok_and(|m| m.len() > bytes));
        if let Some(take) = grown {
            return (child, take);
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("the take never grew: {}", text(&out.stderr));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_killed_recording_loses_at_most_a_fraction_of_a_second() {
    let mic = FakeMic::speaking(SENTENCE);
    let (mut child, take) = start_long_take(&mic, 200_000);
    child.kill().unwrap(); // SIGKILL: no chance to finalise
    child.wait().unwrap();
    let on_disk = std::fs::metadata(&take).unwrap().len();
    let (spec, left) = read_take(&take);
    let bytes_per_second = f64::from(spec.sample_rate) * 2.0;
    let declared = left.len() as f64 / f64::from(spec.sample_rate);
    let written = on_disk as f64 / bytes_per_second;
    assert!(declared > 1.0, "the header covers the audio ({declared} s)");
    assert!(
        written - declared < 0.25,
        "{written:.2} s on disk but only {declared:.2} s in the header"
    );
}

#[test]
fn no_analyze_with_out_only_records_to_that_file() {
    let mic = FakeMic::speaking("Short answer.");
    let dest = mic.dir.path().join("answer.wav");
    let out = run(mic.rehearse(&[
        "record",
        "--no-analyze",
        "--out",
        path(&dest),
        "--max-seconds",
        "2",
        "--countdown",
        "0",
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        path(&dest),
        "prints the path, no report"
    );
    let (_, left) = read_take(&dest);
    assert_eq!(left.len(), 2 * STORED_RATE as usize);
    assert!(mic.takes().is_empty(), "--out bypasses the takes folder");
}

#[test]
fn silent_input_is_flagged_as_too_quiet() {
    let mic = FakeMic::with_raw(&vec![0u8; 8 * RATE as usize * 6]);
    let out = run(mic.rehearse(&[
        "record",
        "--no-analyze",
        "--max-seconds",
        "6",
        "--countdown",
        "0",
    ]));
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("too quiet to transcribe"), "{stderr}");
}

fn assert_one_line_error(out: &Output, expected: &str) {
    let stderr = text(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("rehearse: error: "), "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
}

#[test]
fn an_unknown_device_is_a_clear_error() {
    let mic = FakeMic::speaking("Hello.");
    let out = run(mic.rehearse(&["record", "--device", "nonexistent", "--countdown", "0"]));
    assert_one_line_error(&out, "no input device named \"nonexistent\"");
    assert!(text(&out.stderr).contains("default"), "lists what exists");
    assert!(
        mic.takes().is_empty(),
        "no file for a take that never started"
    );
}

#[test]
fn no_usable_default_device_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let conf = dir.path().join("asound.conf");
    std::fs::write(
        &conf,
        "</usr/share/alsa/alsa.conf>\n\
         pcm.!default { type file slave.pcm \"null\" file \"/dev/null\" \
         infile \"/nonexistent/input.raw\" format \"raw\" }\n",
    )
    .unwrap();
    let home = dir.path().join("home");
    let out = run(rehearse_with(
        &conf,
        &home,
        &["record", "--countdown", "0", "--no-analyze"],
    ));
    assert_one_line_error(&out, "input device \"default\" is not available");
    assert!(
        !home.join("takes").exists()
            || std::fs::read_dir(home.join("takes"))
                .unwrap()
                .next()
                .is_none()
    );
}

#[test]
fn devices_lists_the_default_input() {
    let mic = FakeMic::speaking("Hello.");
    let out = run(mic.rehearse(&["devices"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let default = stdout
        .lines()
        .find(|l| l.starts_with("* default"))
        .unwrap_or_else(|| panic!("no default device in {stdout}"));
    assert!(default.contains("2 ch, 48000 Hz"), "{default}");
}
