//! Filled-pause precision and recall behind the README's table: transcript only, signal only
//! ([`rehearse::analyze::hesitation`]), both, and plain Whisper on the whole clip.
//!
//! ```sh
//! cargo run --release --example fillers_bench -- score FILE.wav...   # the table
//! cargo run --release --example fillers_bench -- dump  FILE.wav...   # every steady run
//! cargo run --release --example fillers_bench -- sweep FILE.wav...   # thresholds, for tuning
//! ```
//!
//! Truth is the human transcript's filled-pause count (um, uh, er, ah, hm, mm) in `X.json`
//! beside each `X.wav` (the shape of `tests/fixtures/realspeech/*.json`). The references hold
//! counts, not times, so a clip scores `min(found, truth)` true positives, the rest of what
//! was found as false positives and the rest of the truth as misses.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rehearse::analyze::hesitation::{candidates, Candidate, Settings};
use rehearse::analyze::{fillers, vad::SpeechActivity, voice::pitch};
use rehearse::audio::{self, TARGET_RATE};
use rehearse::config::Targets;
use rehearse::pipeline::{EngineSettings, Pipeline};
use rehearse::transcribe::whisper::{dtw_preset, WhisperEngine};
use rehearse::transcribe::{Transcriber, Transcript};

const FILLED: &[&str] = &["um", "uh", "er", "ah", "hm", "mm"];

struct Take {
    name: String,
    truth: usize,
    samples: Vec<f32>,
    vad: SpeechActivity,
    transcript: Transcript,
    pitch: Vec<pitch::PitchFrame>,
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_default();
    let files: Vec<PathBuf> = args.map(PathBuf::from).collect();
    if files.is_empty() || !["score", "dump", "sweep"].contains(&mode.as_str()) {
        bail!("usage: fillers_bench score|dump|sweep FILE.wav...");
    }
    let settings = EngineSettings::resolve(None, None, Some(2), None)?;
    let plain_counts = if mode == "score" {
        Some(plain(&settings, &files)?)
    } else {
        None
    };
    let pipeline = Pipeline::new(
        settings,
        Targets::default(),
        Box::new(indicatif::ProgressBar::hidden),
    );
    let takes = files
        .iter()
        .map(|f| take(&pipeline, f))
        .collect::<Result<Vec<_>>>()?;
    match mode.as_str() {
        "dump" => {
            for t in &takes {
                println!("== {} (truth {})", t.name, t.truth);
                let words: Vec<String> = t
                    .transcript
                    .words
                    .iter()
                    .map(|w| format!("{}@{:.2}-{:.2}", w.text, w.start_s, w.end_s))
                    .collect();
                println!("   {}", words.join(" "));
                println!(
                    "   speech {:?} level {:.1}",
                    t.vad.segments, t.vad.speech_level_db
                );
                for c in runs(t, &Settings::default()) {
                    if c.run.duration_s() >= 0.06 {
                        println!(
                            "   {:6.2}-{:6.2} {:4.2}s sd {:4.2} chg {:4.2} lvl {:6.1} {:?} steady {} conf {:.2}{}",
                            c.run.start_s,
                            c.run.end_s,
                            c.run.duration_s(),
                            c.run.pitch_sd_st,
                            c.run.envelope_change_db,
                            c.run.level_db,
                            c.place,
                            c.steady,
                            c.confidence,
                            if c.is_filler() { "  <== FILLER" } else { "" }
                        );
                    }
                }
            }
        }
        "sweep" => {
            let base = Settings::default();
            for min_run_s in [0.16, 0.2, 0.25, 0.3] {
                for max_pitch_sd_st in [0.6, 0.8, 1.0, 1.3] {
                    for max_envelope_change_db in [2.0, 2.5, 3.0, 3.5] {
                        let s = Settings {
                            min_run_s,
                            max_pitch_sd_st,
                            max_envelope_change_db,
                            ..base
                        };
                        let (tp, fp, fn_) = totals(&takes, &s, true, true);
                        println!(
                            "run {min_run_s:.2} sd {max_pitch_sd_st:.1} chg {max_envelope_change_db:.1}: tp {tp} fp {fp} fn {fn_}  P {:.3} R {:.3}",
                            ratio(tp, tp + fp),
                            ratio(tp, tp + fn_)
                        );
                    }
                }
            }
        }
        _ => {
            let s = Settings::default();
            println!(
                "| clip | truth | plain Whisper | transcript | signal only | both (added by the audio pass) |"
            );
            println!("|---|---|---|---|---|---|");
            let plain_counts = plain_counts.unwrap_or_default();
            let mut sums = [[0usize; 3]; 4];
            for (i, t) in takes.iter().enumerate() {
                let tr = transcript_count(t);
                let au = runs(t, &s).iter().filter(|c| c.is_filler()).count();
                let alone = signal_alone(t, &s);
                let counts = [plain_counts[i], tr, alone, tr + au];
                for (k, c) in counts.iter().enumerate() {
                    let (tp, fp, fn_) = score(*c, t.truth);
                    sums[k][0] += tp;
                    sums[k][1] += fp;
                    sums[k][2] += fn_;
                }
                println!(
                    "| {} | {} | {} | {} | {} | {} ({au}) |",
                    t.name, t.truth, counts[0], tr, alone, counts[3]
                );
            }
            for (k, name) in ["plain Whisper", "transcript", "signal only", "both"]
                .iter()
                .enumerate()
            {
                let [tp, fp, fn_] = sums[k];
                println!(
                    "{name}: tp {tp} fp {fp} fn {fn_}  precision {:.2} recall {:.2}",
                    ratio(tp, tp + fp),
                    ratio(tp, tp + fn_)
                );
            }
        }
    }
    Ok(())
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        f64::NAN
    } else {
        a as f64 / b as f64
    }
}

/// (true positives, false positives, misses) of a count against the truth.
fn score(found: usize, truth: usize) -> (usize, usize, usize) {
    (
        found.min(truth),
        found.saturating_sub(truth),
        truth.saturating_sub(found),
    )
}

fn totals(takes: &[Take], s: &Settings, transcript: bool, signal: bool) -> (usize, usize, usize) {
    let mut sum = (0, 0, 0);
    for t in takes {
        let mut found = 0;
        if transcript {
            found += transcript_count(t);
        }
        if signal {
            found += runs(t, s).iter().filter(|c| c.is_filler()).count();
        }
        let (a, b, c) = score(found, t.truth);
        sum = (sum.0 + a, sum.1 + b, sum.2 + c);
    }
    sum
}

fn transcript_count(t: &Take) -> usize {
    fillers::find(&t.transcript.words)
        .iter()
        .filter(|e| e.kind == fillers::FillerKind::FilledPause)
        .count()
}

fn runs(t: &Take, s: &Settings) -> Vec<Candidate> {
    let transcribed = fillers::find(&t.transcript.words);
    candidates(
        &t.samples,
        TARGET_RATE,
        &t.pitch,
        &t.transcript.words,
        &transcribed,
        t.vad.speech_level_db,
        s,
    )
}

/// The signal alone: steady runs counted as the pass counts them, with the filled pauses
/// Whisper wrote taken out of the transcript (their words neither cover a run nor claim it).
fn signal_alone(t: &Take, s: &Settings) -> usize {
    let words: Vec<_> = t
        .transcript
        .words
        .iter()
        .filter(|w| {
            let norm: String = w
                .text
                .chars()
                .filter(|c| c.is_alphabetic())
                .collect::<String>()
                .to_lowercase();
            fillers::filled_pause(&norm).is_none()
        })
        .cloned()
        .collect();
    candidates(
        &t.samples,
        TARGET_RATE,
        &t.pitch,
        &words,
        &[],
        t.vad.speech_level_db,
        s,
    )
    .iter()
    .filter(|c| c.is_filler())
    .count()
}

fn truth(wav: &Path) -> Result<usize> {
    let json = wav.with_extension("json");
    let text = std::fs::read_to_string(&json).with_context(|| format!("{}", json.display()))?;
    let v: serde_json::Value = serde_json::from_str(&text)?;
    Ok(FILLED
        .iter()
        .map(|k| v["fillers"][*k].as_u64().unwrap_or(0) as usize)
        .sum())
}

fn take(pipeline: &Pipeline, file: &Path) -> Result<Take> {
    let audio = audio::load(file).with_context(|| file.display().to_string())?;
    let (vad, transcript) = listen_cached(pipeline, file, &audio.samples)?;
    let pitch = pitch::track(&audio.samples, TARGET_RATE, &vad.segments);
    Ok(Take {
        name: file
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into()),
        truth: truth(file)?,
        samples: audio.samples,
        vad,
        transcript,
        pitch,
    })
}

/// Filled pauses plain Whisper writes for each whole clip (no speech detection, no pieces).
fn plain(settings: &EngineSettings, files: &[PathBuf]) -> Result<Vec<usize>> {
    let engine = WhisperEngine::load(&settings.model, None, dtw_preset(&settings.model_info))?;
    let mut session = engine.session(settings.threads)?;
    files
        .iter()
        .map(|file| {
            let audio = audio::load(file).with_context(|| file.display().to_string())?;
            let words = session.transcribe(&audio.samples, Box::new(|_| {}))?.words;
            Ok(fillers::find(&words)
                .iter()
                .filter(|e| e.kind == fillers::FillerKind::FilledPause)
                .count())
        })
        .collect()
}

/// The speech regions and transcript, cached in `$FILLERS_BENCH_CACHE` (a folder) when set,
/// so a threshold sweep does not transcribe every clip again.
fn listen_cached(
    pipeline: &Pipeline,
    file: &Path,
    samples: &[f32],
) -> Result<(SpeechActivity, Transcript)> {
    let Some(dir) = std::env::var_os("FILLERS_BENCH_CACHE").map(PathBuf::from) else {
        return pipeline.listen(samples, 2, None);
    };
    let name = file
        .file_name()
        .map_or_else(String::new, |s| s.to_string_lossy().into());
    let path = dir.join(format!("{name}.json"));
    if let Ok(text) = std::fs::read_to_string(&path) {
        let v: serde_json::Value = serde_json::from_str(&text)?;
        let vad = SpeechActivity {
            segments: serde_json::from_value(v["segments"].clone())?,
            duration_s: v["duration_s"].as_f64().unwrap_or(0.0),
            clipped_share: 0.0,
            speech_level_db: v["speech_level_db"].as_f64().unwrap_or(0.0),
        };
        let transcript = Transcript {
            words: serde_json::from_value(v["words"].clone())?,
        };
        return Ok((vad, transcript));
    }
    let (vad, transcript) = pipeline.listen(samples, 2, None)?;
    std::fs::create_dir_all(&dir)?;
    std::fs::write(
        &path,
        serde_json::json!({"segments": vad.segments, "duration_s": vad.duration_s,
            "speech_level_db": vad.speech_level_db, "words": transcript.words})
        .to_string(),
    )?;
    Ok((vad, transcript))
}
