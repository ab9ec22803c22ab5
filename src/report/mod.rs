//! The per-take report: one [`Report`] value, rendered by one module per format.
//!
//! The JSON form is the stable, scriptable one (`schema_version`); the terminal and Markdown
//! forms are for people. Every figure travels with its target and a note on how it was
//! measured ([`Methods`]), so no renderer has to invent an explanation.

pub mod evidence;
pub mod html;
pub mod json;
pub mod markdown;
pub mod scorecard;
pub mod session;
pub mod story;
pub mod summary;
pub mod terminal;
pub mod voice;

use serde::{Deserialize, Serialize};

use crate::analyze::questions::QuestionReport;
use crate::analyze::voice::VoiceStats;
use crate::analyze::{flags::Flag, pace::PaceStats, pauses::PauseStats, star::StarAnalysis};
use crate::analyze::{Analysis, FillerStats, LengthStats};
use crate::config::Targets;
use crate::transcribe::Transcript;

/// Bump on any change that could break a consumer of the JSON (renamed or removed fields).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: ToolInfo,
    /// The overall verdict and the top fixes (absent in reports from before it existed: see
    /// [`Report::summary`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<summary::Summary>,
    pub audio: AudioInfo,
    pub model: EngineInfo,
    pub targets: Targets,
    pub speech_found: bool,
    pub transcript: TranscriptOut,
    pub length: LengthStats,
    pub pace: PaceStats,
    pub fillers: FillerStats,
    pub pauses: PauseStats,
    /// STAR structure, sentence by sentence (absent in reports from before it existed).
    #[serde(default)]
    pub star: StarAnalysis,
    /// Content red flags: blame, hedge, no_weakness, jargon, repetition.
    #[serde(default)]
    pub flags: Vec<Flag>,
    /// The question the take answers, when one was given (`--question`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<QuestionReport>,
    /// The answer checked against a prepared story (`--story NAME`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story: Option<crate::story::StoryCheck>,
    /// Pitch variation, loudness and trailing off; absent without speech (and in reports from
    /// before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<VoiceStats>,
    /// How a take recorded with `rehearse record` was captured and how soon its report came
    /// (absent for files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording: Option<RecordingInfo>,
    /// Verdicts withheld for too little evidence or an untrusted transcript, and why
    /// ([`evidence`]); absent when every verdict stands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cant_tell: Vec<evidence::Withheld>,
    pub methods: Methods,
    pub warnings: Vec<String>,
}

/// A recorded take: the device, when it started and stopped, and how long the report took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordingInfo {
    pub device: String,
    /// When recording started ("go"; the countdown is not recorded) and stopped, UTC.
    pub started_at: jiff::Timestamp,
    pub stopped_at: jiff::Timestamp,
    pub stop_reason: String,
    /// Pieces of the report transcribed while the speaker was still talking (or in the
    /// silence before the stop); the rest were transcribed after the stop.
    pub pieces_while_recording: usize,
    /// Pieces the report needed that were transcribed after the stop (usually the last one,
    /// or none when the speaker paused before stopping).
    #[serde(default)]
    pub pieces_after_stop: usize,
    /// The language was named while the speaker was still talking (once the first 10 s of
    /// speech were settled), not after the stop; false for a take with less speech than that,
    /// or when the language is not checked.
    #[serde(default)]
    pub language_named_while_recording: bool,
    /// Blocks of the pitch track (the speech cut at silences into blocks of at most 20 s)
    /// the report took from those tracked while the speaker was talking; the rest were
    /// tracked after the stop.
    #[serde(default)]
    pub pitch_blocks_while_recording: usize,
    /// Seconds from the end of the take to the report being ready (analysis of what was not
    /// transcribed yet, and every measure), measured on this machine.
    pub report_after_stop_s: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ToolInfo {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AudioInfo {
    pub path: String,
    pub duration_s: f64,
    pub source_sample_rate: u32,
    pub source_channels: u16,
    pub source_encoding: String,
    /// The container recognised from the content: "WAV", "MP4/M4A", "Ogg", ...
    #[serde(default)]
    pub source_container: String,
    /// Level of the loud speech frames, dBFS.
    pub speech_level_db: f64,
    /// Share of samples at full scale.
    pub clipped_share: f64,
    /// Signal-to-noise ratio: the speech's level over the noise between words, dB; absent
    /// without speech to measure (and in reports from before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snr_db: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EngineInfo {
    pub engine: String,
    pub path: String,
    pub threads: usize,
    /// Beam width, or None for greedy decoding.
    pub beam: Option<u16>,
    pub initial_prompt: String,
    /// Seconds spent transcribing, and that as a share of the audio's duration.
    pub transcribe_s: f64,
    pub real_time_factor: f64,
    /// The speech detector's model file (Silero VAD); absent in older reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speech_detector: Option<String>,
    /// How word start times were found: `dtw` or `token_timestamps`; absent in older reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub word_times: Option<String>,
    /// The multilingual model that named the language of the speech when the transcription
    /// model is English-only; absent when the transcription model did it itself, when no
    /// such model was on disk (the language was not checked: a warning says so), and in older
    /// reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language_model: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TranscriptOut {
    pub text: String,
    pub words: Vec<WordOut>,
    /// Whether the words can be trusted, and why not (trusted in reports from before it
    /// existed).
    #[serde(default)]
    pub quality: crate::transcribe::quality::TranscriptQuality,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WordOut {
    pub text: String,
    pub start_s: f64,
    pub end_s: f64,
    /// Part of a filler (both words of "you know" are marked).
    pub filler: bool,
    /// Whisper's confidence in the word, 0-1 (its weakest token); absent in older reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
    /// The confidence is under the doubtful threshold: evidence in this word earns no points.
    #[serde(default)]
    pub doubtful: bool,
}

impl crate::analyze::pauses::Timed for WordOut {
    fn start(&self) -> f64 {
        self.start_s
    }
}

/// How each metric was measured, in one sentence each, plus what the engine cannot know.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Methods {
    pub length: String,
    pub pace: String,
    pub fillers: String,
    pub pauses: String,
    #[serde(default)]
    pub star: String,
    #[serde(default)]
    pub flags: String,
    pub caveats: Vec<String>,
}

impl Methods {
    /// Say how the filled pauses the transcript left out were found in the audio.
    fn heard_fillers(&mut self) {
        self.fillers.push_str(
            " Filled pauses Whisper left out are also looked for in the audio (source \"audio\"): \
             voiced sound between words, or a word \"a\" Whisper wrote for it, whose pitch \
             (pYIN) and spectral envelope stay steady for 0.2-1.5 s; long vowels inside words \
             are not counted. On real clips it raised recall with few false alarms (see the \
             README); each has a confidence and can be played.",
        );
        if let Some(c) = self
            .caveats
            .iter_mut()
            .find(|c| c.starts_with("Whisper often leaves out um and uh"))
        {
            *c = "Whisper often leaves out um and uh; the audio pass finds some of them, not \
                  all, and never counts one it is unsure of."
                .into();
        }
    }

    fn standard() -> Self {
        Methods {
            length: "Answer length runs from the first to the last speech detected in the signal; \
                     duration is the whole recording."
                .into(),
            pace: "Words per minute = transcribed words / answer length; articulation rate leaves \
                   out pauses; windows count words by start time, and a last window shorter than half \
                   a window is too short to judge."
                .into(),
            fillers:
                "Counted in the transcript: um/uh/er/ah/hmm always, discourse words (like, you \
                      know, so, ...) only where context rules say they are fillers."
                    .into(),
            pauses: "Silences between the stretches a trained speech detector (Silero VAD, 32 ms \
                     frames, hearing the take with its level evened out) is sure are speech, \
                     edges refined on 10 ms energy; not on word timestamps."
                .into(),
            star: "Sentences split at Whisper's punctuation and at silences of 1.2 s or more; \
                   each labelled Situation/Task/Action/Result/none from cue phrases, who acts \
                   in which tense, numbers and position, then chosen together in S-T-A-R order."
                .into(),
            flags: "Blame, hedging, weakness dodges, unexplained acronyms and repeated words \
                    are found in the transcript with word lists and context rules; hedges, \
                    jargon and repetition are flagged only when they pile up."
                .into(),
            caveats: [
                "Whisper often leaves out um and uh, so filled pauses can be under-counted; \
                 they are never guessed.",
                "Word counts and timings come from a speech recogniser and can be off by a few \
                 words or a tenth of a second.",
                "STAR labels come from a learned model beside the rules, right for about 4 \
                 sentences in 5 on spoken answers it was not trained on; check the sentence \
                 list before acting on a label.",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// Everything the pipeline learned about one take.
pub struct TakeFacts<'a> {
    pub audio_path: String,
    pub audio: &'a crate::audio::Audio,
    pub vad: &'a crate::analyze::vad::SpeechActivity,
    pub engine: EngineInfo,
    pub targets: &'a Targets,
    pub transcript: &'a Transcript,
    /// Whether the transcript can be trusted (see [`crate::transcribe::quality`]).
    pub quality: crate::transcribe::quality::TranscriptQuality,
    /// The take's signal-to-noise ratio, dB, when it could be measured.
    pub snr_db: Option<f64>,
    pub analysis: Analysis,
}

impl Report {
    pub fn build(facts: TakeFacts<'_>) -> Report {
        let TakeFacts {
            audio_path,
            audio,
            vad,
            engine,
            targets,
            transcript,
            quality,
            snr_db,
            analysis,
        } = facts;
        let mut filler_word = vec![false; transcript.words.len()];
        for e in &analysis.fillers.events {
            for flag in filler_word.iter_mut().skip(e.word_index).take(e.word_count) {
                *flag = true;
            }
        }
        let words = transcript
            .words
            .iter()
            .zip(filler_word)
            .map(|(w, filler)| WordOut {
                text: w.text.clone(),
                start_s: w.start_s,
                end_s: w.end_s,
                filler,
                confidence: w.confidence,
                doubtful: crate::analyze::doubt::is_doubtful(w),
            })
            .collect();
        let mut warnings = audio.warnings.clone();
        // Speech the decoder could not write as English words is still speech.
        let heard = analysis.speech_found || (!quality.trusted && vad.has_speech());
        warnings.extend(signal_warnings(vad, heard));
        let mut report = Report {
            recording: None,
            summary: None,
            schema_version: SCHEMA_VERSION,
            tool: ToolInfo {
                name: env!("CARGO_PKG_NAME").to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            audio: AudioInfo {
                path: audio_path,
                duration_s: audio.duration_s(),
                source_sample_rate: audio.source.sample_rate,
                source_channels: audio.source.channels,
                source_encoding: audio.source.encoding.clone(),
                source_container: audio.source.container.clone(),
                speech_level_db: vad.speech_level_db,
                clipped_share: vad.clipped_share,
                snr_db,
            },
            model: engine,
            targets: targets.clone(),
            speech_found: analysis.speech_found,
            transcript: TranscriptOut {
                text: transcript.text(),
                words,
                quality,
            },
            length: analysis.length,
            pace: analysis.pace,
            fillers: analysis.fillers,
            pauses: analysis.pauses,
            star: analysis.star,
            flags: analysis.flags,
            question: analysis.question,
            story: None,
            voice: None,
            cant_tell: Vec::new(),
            methods: Methods::standard(),
            warnings,
        };
        if report.fillers.audio_pass {
            report.methods.heard_fillers();
        }
        evidence::apply(&mut report);
        report.summary = Some(summary::of(&report));
        report
    }

    /// The overall verdict and top fixes: as stored, or worked out for an older report.
    pub fn summary(&self) -> summary::Summary {
        self.summary.clone().unwrap_or_else(|| summary::of(self))
    }
}

/// Warnings about the recording itself: no speech, clipping, very quiet input.
fn signal_warnings(vad: &crate::analyze::vad::SpeechActivity, speech_found: bool) -> Vec<String> {
    let mut out = Vec::new();
    if !speech_found {
        out.push(
            "No speech was found in this recording: check the microphone or the file.".to_string(),
        );
    }
    if vad.clipped_share > 0.001 {
        out.push(format!(
            "{:.1}% of samples are at full scale: the recording is clipped; lower the input gain.",
            vad.clipped_share * 100.0
        ));
    }
    if speech_found && vad.speech_level_db < -40.0 {
        out.push(format!(
            "The speech is very quiet ({:.0} dBFS); transcription may miss words. Move closer to \
             the microphone or raise the gain.",
            vad.speech_level_db
        ));
    }
    out
}

/// `m:ss` for a number of seconds.
pub fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::analyze::questions::Asked;
    use crate::analyze::vad::SpeechActivity;
    use crate::audio::{Audio, SourceFormat};

    /// A report on a hand-written 20 s answer with no Result and a blaming sentence.
    pub(crate) fn sample_report() -> Report {
        report_on(
            "At my last job our deploys kept failing. The previous team was useless. \
             I needed to make them reliable. So I added smoke tests and we added a \
             staging server and we trained everyone.",
            0.6,
            Default::default(),
        )
    }

    /// A report on `text` spoken one word every `word_s` seconds, its transcript judged
    /// `quality`.
    pub(crate) fn report_on(
        text: &str,
        word_s: f64,
        quality: crate::transcribe::quality::TranscriptQuality,
    ) -> Report {
        let transcript = Transcript::evenly_timed(text, word_s);
        let end = transcript.words.last().unwrap().end_s;
        let vad = SpeechActivity {
            segments: vec![(0.0, end)],
            duration_s: end + 1.0,
            clipped_share: 0.0,
            speech_level_db: -20.0,
        };
        let audio = Audio {
            samples: vec![0.0; ((end + 1.0) * 16_000.0) as usize],
            source: SourceFormat {
                sample_rate: 16_000,
                channels: 1,
                encoding: "16-bit integer".into(),
                container: "WAV".into(),
            },
            warnings: Vec::new(),
        };
        let targets = Targets::default();
        let asked = Asked::parse("improve_process").unwrap();
        let analysis = crate::analyze::analyze_answer(&transcript, &vad, &targets, Some(&asked));
        Report::build(TakeFacts {
            audio_path: "take.wav".into(),
            audio: &audio,
            vad: &vad,
            engine: EngineInfo {
                engine: "whisper.cpp".into(),
                path: "model.bin".into(),
                threads: 1,
                beam: None,
                initial_prompt: String::new(),
                transcribe_s: 1.0,
                real_time_factor: 0.05,
                speech_detector: None,
                word_times: None,
                language_model: None,
            },
            targets: &targets,
            transcript: &transcript,
            quality,
            snr_db: None,
            analysis,
        })
    }

    #[test]
    fn the_star_section_is_in_the_json_with_the_documented_names() {
        let json: serde_json::Value =
            serde_json::from_str(&json::render(&sample_report())).unwrap();
        let star = &json["star"];
        for part in ["situation", "task", "action", "result"] {
            for field in ["present", "word_share", "time_share", "sentences"] {
                assert!(!star[part][field].is_null(), "star.{part}.{field}");
            }
        }
        assert_eq!(star["result"]["present"], false);
        assert_eq!(star["result_quantified"], false);
        assert_eq!(star["order_ok"], true);
        assert_eq!(star["i_we_ratio"], 0.333);
        assert_eq!(json["flags"][0]["kind"], "blame");
        assert_eq!(json["flags"][0]["quote"], "The previous team was useless.");
        assert_eq!(json["flags"][0]["start_s"], 4.8);
        assert_eq!(json["question"]["id"], "improve_process");
    }

    #[test]
    fn reports_without_star_fields_still_load() {
        let mut v = serde_json::to_value(sample_report()).unwrap();
        let obj = v.as_object_mut().unwrap();
        for key in ["star", "flags", "question"] {
            obj.remove(key);
        }
        let methods = obj["methods"].as_object_mut().unwrap();
        methods.remove("star");
        methods.remove("flags");
        let r: Report = serde_json::from_value(v).unwrap();
        assert!(r.star.sentences.is_empty() && r.flags.is_empty() && r.question.is_none());
    }

    #[test]
    fn the_fix_list_leads_only_with_a_part_it_is_sure_is_missing() {
        let mut r = sample_report();
        assert_eq!(
            r.star.result.verdict,
            crate::analyze::star::Presence::Missing
        );
        let areas = |r: &Report| -> Vec<String> {
            summary::of(r)
                .top_fixes
                .into_iter()
                .map(|f| f.area)
                .collect()
        };
        assert!(
            areas(&r).contains(&"star_result".to_string()),
            "{:?}",
            areas(&r)
        );
        // The same answer, had the labeller been unsure the Result is absent.
        r.star.result.verdict = crate::analyze::star::Presence::CantTell;
        assert!(
            !areas(&r).contains(&"star_result".to_string()),
            "{:?}",
            areas(&r)
        );
    }

    #[test]
    fn every_format_shows_the_structure_and_the_flags() {
        let r = sample_report();
        let style = crate::term::Style::for_output(crate::term::ColorChoice::Never, true);
        let text = terminal::render(&r, &style, terminal::View::detail(88));
        assert!(text.contains("Structure (STAR)"));
        assert!(text.contains("  Result     missing"));
        // Said once, as a fix, not again on the STAR row or in its section.
        assert!(text.contains("    2. No Result: end with what changed, ideally a number."));
        assert!(!text.contains("-> No Result"), "{text}");
        assert!(text.contains("  blame\n    0:05 \"The previous team was useless.\""));
        assert!(text.contains("Question: Tell me about a time you improved a process."));
        assert!(text.contains("  STAR     "));
        // The summary comes first: a blame flag keeps the take off target.
        let overall = text.find("  Overall needs work: it blames others").unwrap();
        assert!(overall < text.find("  Length").unwrap());
        assert!(text.contains("    1. Take out the blame (\"The previous team was useless.\")"));
        assert!(text.contains("Your answer, restructured\n  Situation\n"));
        assert!(text.contains("  Result\n    missing: what changed because of it"));
        let md = markdown::render(&r);
        assert!(md.contains("## Summary\n\n**Needs work: it blames others"));
        assert!(md.contains("## Structure (STAR): "));
        assert!(md.contains("| Result | missing |"));
        assert!(md.contains("- **blame**: \"useless\" puts the fault"));
        assert!(md.contains("  - 0:05 \"The previous team was useless.\""));
        assert!(md.contains("- [ ] **no** Put a number on the result"));
        assert!(md.contains("## Your answer, restructured"));
        let json: serde_json::Value = serde_json::from_str(&json::render(&r)).unwrap();
        assert_eq!(json["summary"]["verdict"], "needs_work");
        assert_eq!(json["summary"]["top_fixes"][0]["area"], "blame");
        assert!(json["summary"]["top_fixes"].as_array().unwrap().len() <= 3);
        assert_eq!(json["question"]["checks"][0]["check"], "on_topic");
        assert_eq!(json["question"]["checks"][0]["answer"], "yes");
        assert_eq!(json["star"]["outline"][3]["part"], "result");
        assert!(json["star"]["outline"][3]["missing"].is_string());
    }

    #[test]
    fn an_older_report_gets_its_summary_when_shown() {
        let mut v = serde_json::to_value(sample_report()).unwrap();
        v.as_object_mut().unwrap().remove("summary");
        let r: Report = serde_json::from_value(v).unwrap();
        assert!(r.summary.is_none());
        assert_eq!(r.summary().verdict, crate::analyze::Verdict::NeedsWork);
        let json: serde_json::Value = serde_json::from_str(&json::render(&r)).unwrap();
        assert_eq!(json["summary"]["verdict"], "needs_work");
    }

    #[test]
    fn clock_formats_minutes_and_seconds() {
        assert_eq!(clock(0.0), "0:00");
        assert_eq!(clock(92.4), "1:32");
        assert_eq!(clock(600.0), "10:00");
    }
}
