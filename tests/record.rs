//! `rehearse record` end to end, with a file-backed ALSA device as the microphone.
//!
//! Each test writes an ALSA configuration (named by ALSA_CONFIG_PATH) whose default capture
//! device reads raw PCM from a file made from espeak-ng speech, so the real binary records
//! through cpal and ALSA exactly as from a microphone. That device is not paced in real time
//! (it delivers audio as fast as it is read, then silence), which is why durations here are
//! checked in samples. See docs/record.md.

mod common;

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
    /// A default capture device that "hears" `raw`, in [`common::MIC_RAW_FORMAT`] (48 kHz,
    /// stereo, 32-bit float, little end: what cpal asks for, so nothing converts).
    fn with_raw(raw: &[u8]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("input.raw");
        std::fs::write(&input, raw).unwrap();
        let conf = common::file_mic_alsa_conf(&input);
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
        common::sox_to_mic_raw(&[&wav], &raw, &[]);
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

    /// The recordings in the data dir's `takes/` folder (where a take is written while it
    /// is recorded, and stays with `--no-save`).
    fn takes(&self) -> Vec<PathBuf> {
        files_in(&self.home().join("takes"))
    }

    /// The audio of each take in the history.
    fn kept(&self) -> Vec<PathBuf> {
        files_in(&self.home().join("history/takes"))
            .into_iter()
            .filter_map(|folder| files_in(&folder).into_iter().find(|f| is_audio(f)))
            .collect()
    }
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    files
}

fn is_audio(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("audio."))
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

    assert!(
        mic.takes().is_empty(),
        "the recording was moved into the history"
    );
    let takes = mic.kept();
    assert_eq!(takes.len(), 1, "one take in the history: {takes:?}");
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
    // The recording moved into the history, as a take not analysed yet.
    assert!(!take.exists());
    let kept = mic.kept();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let take = kept[0].clone();
    assert_eq!(text(&out.stdout).trim(), path(&take));
    assert!(
        stderr.contains("not analysed; `rehearse reanalyze"),
        "{stderr}"
    );

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
        common::file_mic_alsa_conf(Path::new("/nonexistent/input.raw")),
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

/// Every file under `dir`, relative, sorted.
fn all_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for p in files_in(&d) {
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

fn history_json(mic: &FakeMic) -> serde_json::Value {
    let out = run(mic.rehearse(&["history", "--json"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Record a take with the test hook holding the process at `stage` for `pause_ms`
/// (`analysing`: the take is stored and its analysis starts; `recording-staged`: the
/// recording is moved into a staging folder), send `signal` there, and return how it ended and
/// its stderr lines. The hook makes the signal land at that point however fast the machine is.
fn signal_at(
    mic: &FakeMic,
    (stage, pause_ms): (&str, u32),
    signal: &str,
) -> (std::process::ExitStatus, Vec<String>) {
    use std::io::{BufRead, BufReader};
    let mut child = mic
        .rehearse(&["record", "--max-seconds", "8", "--countdown", "0"])
        .env("REHEARSE_TEST_PAUSE", format!("{stage}:{pause_ms}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut seen = Vec::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap();
        let paused = line.contains(&format!("test pause at {stage}"));
        seen.push(line);
        if paused {
            let sent = Command::new("kill")
                .args([signal, &child.id().to_string()])
                .status()
                .unwrap();
            assert!(sent.success());
        }
    }
    (child.wait().unwrap(), seen)
}

#[test]
fn a_signal_or_a_kill_while_a_take_is_stored_or_analysed_loses_nothing() {
    let mic = FakeMic::speaking(SENTENCE);
    for (n, (stage, signal)) in [
        (("analysing", 60_000), "-TERM"),
        (("analysing", 60_000), "-KILL"),
        (("recording-staged", 60_000), "-KILL"),
        // Ctrl-C while the take is being stored waits for it, then ends the program.
        (("recording-staged", 1_000), "-INT"),
    ]
    .into_iter()
    .enumerate()
    {
        let (status, seen) = signal_at(&mic, stage, signal);
        let stage = stage.0;
        let stderr = seen.join("\n");
        if signal != "-KILL" {
            assert_eq!(status.code(), Some(130), "{stderr}");
            assert!(stderr.contains("`rehearse reanalyze "), "{stderr}");
        } else {
            assert_eq!(status.code(), None, "killed: {stderr}");
        }
        // The next command finds the take (a half-stored one is recovered), not analysed.
        let out = run(mic.rehearse(&["history", "--json"]));
        let notes = text(&out.stderr);
        let history: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let takes = history["takes"].as_array().unwrap();
        assert_eq!(takes.len(), n + 1, "{stage} {signal}: {history} {notes}");
        assert_eq!(takes[n]["analysed"], false, "{history}");
        assert_eq!(takes[n]["audio"], "ok", "{history}");
        if stage == "recording-staged" && signal == "-KILL" {
            assert!(notes.contains("recovered take"), "{notes}");
        }
    }
    assert!(mic.takes().is_empty(), "every recording is in the history");
    assert_eq!(mic.kept().len(), 4);
}

#[test]
fn ctrl_c_during_analysis_keeps_the_take_and_reanalyze_finishes_it() {
    let mic = FakeMic::speaking(SENTENCE);
    let (status, seen) = signal_at(&mic, ("analysing", 60_000), "-INT");
    let stderr = seen.join("\n");
    assert_eq!(status.code(), Some(130), "{stderr}");
    let kept = mic.kept();
    assert_eq!(kept.len(), 1, "the take is in the history: {kept:?}");
    let history = history_json(&mic);
    let take = &history["takes"][0];
    let id = take["id"].as_str().unwrap().to_string();
    assert_eq!(take["analysed"], false, "{history}");
    assert_eq!(take["wpm"], serde_json::Value::Null);
    // On screen: which take is kept, where its audio is, and how to finish it.
    let last = seen.last().unwrap();
    assert!(
        last.contains(&format!("take {id} is kept in the history, not analysed"))
            && last.contains(path(&kept[0]))
            && last.contains(&format!("`rehearse reanalyze {id}`")),
        "{stderr}"
    );
    let table = text(&run(mic.rehearse(&["history"])).stdout);
    assert!(
        table.contains("not done") && table.contains(&format!("take {id} is not analysed")),
        "{table}"
    );
    let shown = run(mic.rehearse(&["show", &id]));
    assert!(!shown.status.success());
    assert!(
        text(&shown.stderr).contains("not analysed"),
        "{}",
        text(&shown.stderr)
    );

    let out = run(mic.rehearse(&["reanalyze", &id, "--format", "json"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["audio"]["path"], path(&kept[0]));
    let transcript = report["transcript"]["text"]
        .as_str()
        .unwrap()
        .to_lowercase();
    let heard = KEY_WORDS.iter().filter(|w| transcript.contains(*w)).count();
    assert!(heard >= 3, "transcript {transcript:?} misses the key words");
    let history = history_json(&mic);
    let take = &history["takes"][0];
    assert_eq!(take["id"], id.as_str());
    assert_eq!(take["analysed"], true);
    // Figures that need no minimum of speech are stored (pace needs 20 s: this take has 8).
    assert!(
        take["answer_s"].as_f64().is_some_and(|s| s > 5.0),
        "{history}"
    );
    assert!(take["long_pauses"].as_u64().is_some(), "{history}");

    // delete asks first; with no terminal to ask on, it refuses and keeps the take.
    let out = run(mic.rehearse(&["delete", &id]));
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("--yes"), "{}", text(&out.stderr));
    assert_eq!(mic.kept().len(), 1);
    let out = run(mic.rehearse(&["delete", "--yes", &id]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Nothing of the take is left: only the (empty) index remains in the data dir.
    let left = all_files(&mic.home());
    assert!(
        left.iter().all(|f| f.starts_with("history/index.sqlite3")),
        "{left:?}"
    );
}

#[test]
fn a_90_second_take_is_stored_once_in_a_quarter_of_the_old_space() {
    let mic = FakeMic::speaking(SENTENCE);
    let out = run(mic.rehearse(&[
        "record",
        "--no-analyze",
        "--max-seconds",
        "90",
        "--countdown",
        "0",
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let files = all_files(&mic.home());
    let audio: Vec<&String> = files.iter().filter(|f| f.ends_with(".wav")).collect();
    assert_eq!(audio.len(), 1, "one copy of the recording: {files:?}");
    assert!(audio[0].starts_with("history/takes/"), "{audio:?}");
    let history = history_json(&mic);
    let used = history["disk"]["history_bytes"].as_u64().unwrap();
    let wav = std::fs::metadata(&mic.kept()[0]).unwrap().len();
    assert!(
        used < wav + 200_000,
        "history {used} bytes for a {wav}-byte take"
    );
    eprintln!("a 90 s take: {used} bytes in the history ({wav} of audio)");
    // Before: 48 kHz stereo 32-bit float, twice (34.56 MB each for 90 s).
    assert!(
        used <= 34_560_000 / 4,
        "a 90 s take uses {used} bytes, more than a quarter of 34.5 MB"
    );
    let table = text(&run(mic.rehearse(&["history"])).stdout);
    let footer = table.lines().last().unwrap();
    assert!(
        footer.starts_with("Disk use: ") && footer.contains(" MB for 1 take in "),
        "{table}"
    );
}

#[test]
fn a_history_that_cannot_take_the_recording_leaves_it_in_the_takes_folder() {
    let mic = FakeMic::speaking("Short answer.");
    std::fs::create_dir_all(mic.home()).unwrap();
    // A file where the history folder should be: the store cannot be opened.
    std::fs::write(mic.home().join("history"), b"not a folder").unwrap();
    let out = run(mic.rehearse(&[
        "record",
        "--no-analyze",
        "--max-seconds",
        "2",
        "--countdown",
        "0",
    ]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let takes = mic.takes();
    assert_eq!(takes.len(), 1, "{takes:?}");
    assert_eq!(text(&out.stdout).trim(), path(&takes[0]));
    assert!(
        stderr.contains("could not be added to the history; it is kept in")
            && stderr.contains(path(&takes[0])),
        "{stderr}"
    );
    let wav = hound::WavReader::open(&takes[0]).unwrap();
    let seconds = f64::from(wav.duration()) / f64::from(wav.spec().sample_rate);
    assert_eq!(seconds, 2.0, "the whole take is there");
}

#[test]
fn delete_on_a_terminal_asks_and_only_yes_deletes() {
    let mic = FakeMic::speaking("Short answer.");
    let out = run(mic.rehearse(&[
        "record",
        "--no-analyze",
        "--max-seconds",
        "1",
        "--countdown",
        "0",
    ]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    // `script` (util-linux) gives the command a terminal; what is written to its stdin is
    // typed there.
    let on_terminal = |answer: &str| {
        let mut child = Command::new("script")
            .args([
                "-qec",
                &format!("{} delete last", env!("CARGO_BIN_EXE_rehearse")),
            ])
            .arg("/dev/null")
            .env("REHEARSE_HOME", mic.home())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("script (util-linux) runs the command on a terminal");
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(answer.as_bytes()).unwrap();
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        (out.status.success(), text(&out.stdout))
    };
    let (ok, screen) = on_terminal("n\n");
    assert!(ok, "{screen}");
    assert!(screen.contains("Delete 1 take? [y/N]"), "{screen}");
    assert!(screen.contains("nothing deleted"), "{screen}");
    assert_eq!(mic.kept().len(), 1, "no is no");
    let (ok, screen) = on_terminal("y\n");
    assert!(ok, "{screen}");
    assert!(screen.contains("deleted take "), "{screen}");
    assert!(mic.kept().is_empty(), "{screen}");
}

#[test]
fn two_records_started_in_the_same_second_both_keep_their_take() {
    let mic = FakeMic::speaking("Short answer.");
    // Start both just after a second begins, so both name their take in that second; the
    // one-second countdown lies between choosing the name and creating the file.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    std::thread::sleep(Duration::from_nanos(
        1_000_000_000 - u64::from(now.subsec_nanos()),
    ));
    let start = || {
        mic.rehearse(&[
            "record",
            "--no-analyze",
            "--max-seconds",
            "1",
            "--countdown",
            "1",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
    };
    let (a, b) = (start(), start());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let mut audio = mic.takes();
    audio.extend(mic.kept());
    assert_eq!(audio.len(), 2, "two takes kept: {audio:?}");
    for take in &audio {
        let (_, samples) = read_take(take);
        assert_eq!(samples.len(), STORED_RATE as usize, "{}", take.display());
    }
}
