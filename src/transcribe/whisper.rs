//! The real engine: whisper.cpp through whisper-rs, confined to this one file.
//!
//! Settings follow what was measured on this engine (see the README): English, greedy decoding
//! unless a beam is asked for, one word per segment (`max_len = 1`, `split_on_word`) for word
//! timestamps, and a short disfluent initial prompt so that Whisper is less inclined to clean
//! "um" and "uh" out of the transcript. The prompt is never allowed to leak into the output.
//! A quiet piece is raised to one speech level before it is decoded ([`super::level`]).

use std::path::Path;

use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext,
    WhisperContextParameters, WhisperState, WhisperTokenId,
};

use super::level;
use super::model::ModelInfo;
use super::{TranscribeError, Transcriber, Transcript, Word};

/// DTW times run late by about this much, seconds: fitted on the first half of the words of
/// a forced-aligned real recording (mfa_acoustic_corpus) and checked on the second half (start
/// error median 0.124 -> 0.050 s there; README, "Word times").
const DTW_LAG_S: f64 = 0.08;

/// Short on purpose: long prompts make Whisper drop text or loop.
pub const FILLER_PROMPT: &str = "Um, uh, so, like, you know, I was, uh, thinking.";

/// How word start times are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordTiming {
    /// whisper.cpp's token timestamps alone: poor at the start of a window, where several
    /// words can collapse onto one time.
    Tokens,
    /// Dynamic time warping over the cross-attention of the model's alignment heads
    /// (whisper.cpp's DTW token timestamps): one start time per word from the audio itself.
    Dtw,
}

pub struct WhisperEngine {
    /// The loaded model, shared by every [`Session`] (one per job in a parallel batch).
    ctx: WhisperContext,
    beam: Option<u16>,
    timing: WordTiming,
    eot: WhisperTokenId,
    /// The encoder window each new [`Session`] starts with.
    window: Window,
}

/// The alignment-head preset for DTW word times, when the model is one whose heads
/// whisper.cpp knows (by its layer counts, vocabulary and mel bands).
pub fn dtw_preset(info: &ModelInfo) -> Option<DtwModelPreset> {
    use DtwModelPreset as P;
    let en = !info.multilingual;
    Some(
        match (info.n_audio_layer, info.n_text_layer, info.n_mels, en) {
            (4, 4, 80, true) => P::TinyEn,
            (4, 4, 80, false) => P::Tiny,
            (6, 6, 80, true) => P::BaseEn,
            (6, 6, 80, false) => P::Base,
            (12, 12, 80, true) => P::SmallEn,
            (12, 12, 80, false) => P::Small,
            (24, 24, 80, true) => P::MediumEn,
            (24, 24, 80, false) => P::Medium,
            (32, 32, 80, false) => P::LargeV2,
            (32, 32, 128, false) => P::LargeV3,
            (32, 4, 128, false) => P::LargeV3Turbo,
            _ => return None,
        },
    )
}

impl WhisperEngine {
    /// Load a ggml model. Call [`super::model::validate`] first: whisper.cpp is not forgiving.
    /// Word times come from DTW when `dtw` names the model's alignment heads, from token
    /// timestamps otherwise. Threads are chosen per [`Session`].
    pub fn load(
        path: &Path,
        beam: Option<u16>,
        dtw: Option<DtwModelPreset>,
    ) -> Result<Self, TranscribeError> {
        crate::speech::silero::silence_engine_logs();
        let path_str = path.to_str().ok_or_else(|| TranscribeError::ModelLoad {
            path: path.display().to_string(),
            reason: "the path is not valid UTF-8".into(),
        })?;
        let timing = if dtw.is_some() {
            WordTiming::Dtw
        } else {
            WordTiming::Tokens
        };
        let mut params = WhisperContextParameters::default();
        // DTW needs flash attention off (the default).
        params.flash_attn(false);
        if let Some(model_preset) = dtw {
            params.dtw_parameters(DtwParameters {
                mode: DtwMode::ModelPreset { model_preset },
                ..DtwParameters::default()
            });
        }
        let ctx = WhisperContext::new_with_params(path_str, params).map_err(|e| {
            TranscribeError::ModelLoad {
                path: path.display().to_string(),
                reason: format!("{e:?}"),
            }
        })?;
        let eot = ctx.token_eot();
        Ok(WhisperEngine {
            ctx,
            beam,
            timing,
            eot,
            window: Window::Full,
        })
    }

    /// The same engine, its sessions starting with `window` (the default is [`Window::Full`]).
    pub fn with_window(mut self, window: Window) -> Self {
        self.window = window;
        self
    }

    /// Whether the model knows other languages than English (and can name them).
    pub fn is_multilingual(&self) -> bool {
        self.ctx.is_multilingual()
    }

    /// How this engine times words.
    pub fn timing(&self) -> WordTiming {
        self.timing
    }

    /// A transcription session with its own whisper state, using `threads` threads. Several
    /// sessions of one engine may run at once, one per thread: the model is shared.
    pub fn session(&self, threads: usize) -> Result<Session<'_>, TranscribeError> {
        let state = self
            .ctx
            .create_state()
            .map_err(|e| TranscribeError::Engine(format!("{e:?}")))?;
        Ok(Session {
            engine: self,
            state: Some(state),
            threads: threads.clamp(1, 64) as i32,
            window: self.window,
        })
    }

    fn params(&self, threads: i32) -> FullParams<'static, 'static> {
        decode_params(threads, self.beam)
    }
}

/// The settings every piece is decoded with (see the module docs): greedy unless `beam`
/// asks for a beam search of that width, on `threads` threads. Public so that measurements
/// of the engine (examples/engine_split.rs) decode exactly as `analyze` does.
pub fn decode_params(threads: i32, beam: Option<u16>) -> FullParams<'static, 'static> {
    decode_params_with(threads, beam, Some(FILLER_PROMPT))
}

/// Beam width of the second opinion on a suspect piece ([`Transcriber::second_opinion`]).
pub const SECOND_OPINION_BEAM: u16 = 5;

/// The settings of a second opinion: beam search with the same filler prompt. A beam of 5
/// wrote every word of the clean read piece whose first 6 s greedy decoding skipped; without
/// the prompt it also cleaned the speaker's "um" and repeated "I like" out of a real answer
/// (tests/realspeech.rs, batchalign2_test under noise), so the prompt stays.
pub fn second_opinion_params(threads: i32) -> FullParams<'static, 'static> {
    decode_params_with(threads, Some(SECOND_OPINION_BEAM), Some(FILLER_PROMPT))
}

fn decode_params_with(
    threads: i32,
    beam: Option<u16>,
    prompt: Option<&str>,
) -> FullParams<'static, 'static> {
    let strategy = match beam {
        Some(beam_size) => SamplingStrategy::BeamSearch {
            beam_size: i32::from(beam_size),
            patience: -1.0,
        },
        None => SamplingStrategy::Greedy { best_of: 1 },
    };
    let mut p = FullParams::new(strategy);
    p.set_n_threads(threads);
    p.set_language(Some("en"));
    p.set_translate(false);
    p.set_no_context(true);
    p.set_token_timestamps(true);
    p.set_max_len(1);
    p.set_split_on_word(true);
    p.set_suppress_blank(true);
    if let Some(prompt) = prompt {
        p.set_initial_prompt(prompt);
    }
    p.set_print_special(false);
    p.set_print_progress(false);
    p.set_print_realtime(false);
    p.set_print_timestamps(false);
    p
}

/// How much of Whisper's 30 s encoder window a piece of audio pays for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Always the whole 30 s window (1500 encoder frames), as the model was trained.
    Full,
    /// The audio given plus [`WINDOW_MARGIN_FRAMES`] (whisper.cpp's `audio_ctx`), and never
    /// fewer than `min_frames` encoder frames (20 ms each): a 6 s piece costs the encoder
    /// about a third of a full window when `min_frames` is 0. Input that would need more than
    /// the full window gets the full window.
    Fitted { min_frames: usize },
}

impl std::str::FromStr for Window {
    type Err = String;

    /// `full`, `fitted`, or `fitted:FRAMES` (a floor in 20 ms encoder frames).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("unknown encoder window {s:?}: full, fitted or fitted:FRAMES");
        match s.trim() {
            "full" => Ok(Window::Full),
            "fitted" => Ok(Window::Fitted { min_frames: 0 }),
            other => {
                let frames = other.strip_prefix("fitted:").ok_or_else(bad)?;
                let min_frames = frames.parse::<usize>().map_err(|_| bad())?;
                Ok(Window::Fitted {
                    min_frames: min_frames.min(FULL_WINDOW_FRAMES),
                })
            }
        }
    }
}

/// Encoder frames (20 ms each) added after the audio when the window is fitted to it: 5.1 s.
/// Measured on 47 pieces of the samples and real clips against the full window: a margin of
/// 64 frames changed 21 % of the words (lost endings, loops), 256 frames 11 %, mostly
/// different spellings of the same sounds; [`super::suspect`] catches the rest.
pub const WINDOW_MARGIN_FRAMES: usize = 256;

/// Encoder frames in Whisper's whole window (30 s).
pub const FULL_WINDOW_FRAMES: usize = 1500;

/// Samples per encoder frame: 16 kHz audio, 10 ms mel hop, the encoder's stride of 2.
const SAMPLES_PER_FRAME: usize = 320;

/// whisper.cpp's encoder context for `n_samples` of audio under `window`; 0 means the full
/// window. Never shorter than the audio: whisper.cpp's DTW aborts the process when the audio
/// outlasts the context.
pub fn audio_ctx(window: Window, n_samples: usize) -> i32 {
    match window {
        Window::Full => 0,
        Window::Fitted { min_frames } => {
            let frames =
                (n_samples.div_ceil(SAMPLES_PER_FRAME) + WINDOW_MARGIN_FRAMES).max(min_frames);
            if frames >= FULL_WINDOW_FRAMES {
                0
            } else {
                frames as i32
            }
        }
    }
}

/// Seconds of speech language identification hears: with Whisper base (8-bit), 10 s named
/// espeak-ng German 96 % sure and kept English on every clean and damaged real clip tried
/// (docs/accuracy.md); with the 5 s margin of a fitted window the encoder costs about half of
/// a full 30 s window.
pub const LANGUAGE_WINDOW_S: usize = 10;

/// What language identification hears of `samples` (16 kHz mono speech): its first
/// [`LANGUAGE_WINDOW_S`] seconds. Two inputs that agree here get the same language.
pub fn language_input(samples: &[f32]) -> &[f32] {
    &samples[..samples.len().min(LANGUAGE_WINDOW_S * SAMPLES_PER_S)]
}

const SAMPLES_PER_S: usize = 16_000;

/// An encoder-begin callback that stops `whisper_full` before it encodes anything.
unsafe extern "C" fn stop_before_encoding(
    _: *mut whisper_rs_sys::whisper_context,
    _: *mut whisper_rs_sys::whisper_state,
    _: *mut std::ffi::c_void,
) -> bool {
    false
}

/// Transcribes one piece of audio at a time on a shared engine.
///
/// Every piece gets a whisper state of its own (5 ms to make, measured): whisper.cpp seeds
/// the random generator it samples with on a temperature fallback once per state, so on a
/// state that decoded other pieces before, a piece that falls back could come out
/// differently. With a fresh state a piece's words depend on its samples and settings only,
/// which is what lets a piece transcribed while recording stand for the saved take's
/// ([`super::cache`]).
pub struct Session<'e> {
    engine: &'e WhisperEngine,
    /// The state for the next piece; `None` once it decoded one (it is freed at once, so
    /// two states never live side by side).
    state: Option<WhisperState>,
    threads: i32,
    window: Window,
}

impl Session<'_> {
    /// Use `window` for what [`Transcriber::transcribe`] decodes from now on (default
    /// [`Window::Full`]).
    pub fn set_window(&mut self, window: Window) {
        self.window = window;
    }

    fn decode(&mut self, samples: &[f32], window: Window) -> Result<Transcript, TranscribeError> {
        let mut params = self.engine.params(self.threads);
        params.set_audio_ctx(audio_ctx(window, samples.len()));
        let engine = self.engine;
        let mut state = self.fresh_state()?;
        run(engine, &mut state, params, samples, Box::new(|_| {}))
    }

    /// The language of the speech in `samples` (16 kHz mono; the first
    /// [`LANGUAGE_WINDOW_S`] seconds are heard) and the model's probability for it, when the
    /// model is multilingual; `None` for an English-only model, which cannot tell one language
    /// from another.
    ///
    /// whisper.cpp's language identification runs the encoder over the whole 30 s window
    /// unless the state was told a shorter one, which only `whisper_full` does. So the state is
    /// primed first: `whisper_full` computes the spectrogram and sets the window fitted to the
    /// speech heard, and the encoder-begin callback stops it before anything is encoded.
    pub fn language(&mut self, samples: &[f32]) -> Result<Option<(String, f32)>, TranscribeError> {
        if !self.engine.ctx.is_multilingual() || samples.is_empty() {
            return Ok(None);
        }
        let err = |e: whisper_rs::WhisperError| TranscribeError::Engine(format!("{e:?}"));
        let mut state = self.fresh_state()?;
        let threads = self.threads.max(1);
        let heard = level::normalise(language_input(samples));
        // whisper_full refuses input under 100 ms before it sets the window.
        if heard.len() < SAMPLES_PER_S / 5 {
            return Ok(None);
        }
        let mut prime = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        prime.set_language(Some("en"));
        prime.set_n_threads(threads);
        prime.set_audio_ctx(audio_ctx(Window::Fitted { min_frames: 0 }, heard.len()));
        prime.set_print_progress(false);
        prime.set_print_realtime(false);
        prime.set_print_special(false);
        prime.set_print_timestamps(false);
        // SAFETY: the callback is a plain function that reads nothing and returns false;
        // it needs no user data.
        unsafe { prime.set_start_encoder_callback(Some(stop_before_encoding)) };
        state.full(prime, &heard).map_err(err)?;
        let (id, probs) = state.lang_detect(0, threads as usize).map_err(err)?;
        let p = probs.get(id.max(0) as usize).copied().unwrap_or(0.0);
        Ok(whisper_rs::get_lang_str(id).map(|code| (code.to_string(), p)))
    }

    /// A state that has decoded nothing yet, for one piece.
    fn fresh_state(&mut self) -> Result<WhisperState, TranscribeError> {
        match self.state.take() {
            Some(state) => Ok(state),
            None => self
                .engine
                .ctx
                .create_state()
                .map_err(|e| TranscribeError::Engine(format!("{e:?}"))),
        }
    }
}

impl Transcriber for Session<'_> {
    fn transcribe(
        &mut self,
        samples: &[f32],
        progress: Box<dyn FnMut(i32) + 'static>,
    ) -> Result<Transcript, TranscribeError> {
        let mut params = self.engine.params(self.threads);
        params.set_audio_ctx(audio_ctx(self.window, samples.len()));
        let engine = self.engine;
        let mut state = self.fresh_state()?;
        run(engine, &mut state, params, samples, progress)
    }

    fn transcribe_full_window(&mut self, samples: &[f32]) -> Result<Transcript, TranscribeError> {
        self.decode(samples, Window::Full)
    }

    fn second_opinion(&mut self, samples: &[f32]) -> Result<Transcript, TranscribeError> {
        let params = second_opinion_params(self.threads);
        let engine = self.engine;
        let mut state = self.fresh_state()?;
        run(engine, &mut state, params, samples, Box::new(|_| {}))
    }

    fn encoder_frames(&self, n_samples: usize) -> i32 {
        audio_ctx(self.window, n_samples)
    }
}

fn run(
    engine_: &WhisperEngine,
    state: &mut WhisperState,
    mut params: FullParams<'static, 'static>,
    samples: &[f32],
    progress: Box<dyn FnMut(i32) + 'static>,
) -> Result<Transcript, TranscribeError> {
    if samples.is_empty() {
        return Ok(Transcript::default());
    }
    let engine = |e: whisper_rs::WhisperError| TranscribeError::Engine(format!("{e:?}"));
    params.set_progress_callback_safe(progress);
    // A quiet piece is heard at one level, however quiet the microphone (super::level).
    state
        .full(params, &level::normalise(samples))
        .map_err(engine)?;

    let mut words = Vec::new();
    // DTW: the end of the previous word in this piece, where the next one starts.
    let mut prev_end: Option<f64> = None;
    for segment in state.as_iter() {
        let text = segment.to_str_lossy().map_err(engine)?;
        // Timestamps are in centiseconds.
        let t0 = segment.start_timestamp() as f64 / 100.0;
        let t1 = segment.end_timestamp() as f64 / 100.0;
        let (start, end) = match engine_.timing {
            WordTiming::Tokens => (t0, t1),
            WordTiming::Dtw => {
                // whisper.cpp gives each text token the time its successor starts (the
                // cross-attention of a decoder position looks at the token it predicts next),
                // measured here against forced alignments: so the last token's time is where
                // the word ends, and a word starts where the word before it ended.
                let dtw_end = (0..segment.n_tokens())
                    .filter_map(|j| segment.get_token(j))
                    .map(|t| t.token_data())
                    .filter(|d| d.id < engine_.eot && d.t_dtw >= 0)
                    .map(|d| d.t_dtw as f64 / 100.0 - DTW_LAG_S)
                    .next_back();
                match dtw_end {
                    Some(e) => {
                        let s = prev_end.unwrap_or(t0).min(e);
                        prev_end = Some(e);
                        (s, e)
                    }
                    None => (t0, t1),
                }
            }
        };
        words.push(
            Word::new(text.trim(), start, end.max(start)).with_confidence(confidence(&segment)),
        );
    }
    Ok(Transcript {
        words: clean_words(words),
    })
}

/// The lowest probability of the segment's text tokens (special and timestamp tokens, and
/// punctuation, left out); `None` when it has no such token.
fn confidence(segment: &whisper_rs::WhisperSegment<'_>) -> Option<f32> {
    (0..segment.n_tokens())
        .filter_map(|i| segment.get_token(i))
        .filter(|t| {
            t.to_str_lossy().is_ok_and(|text| {
                !text.starts_with("[_")
                    && !text.starts_with("<|")
                    && text.chars().any(char::is_alphanumeric)
            })
        })
        .map(|t| t.token_probability())
        .reduce(f32::min)
}

/// Drop empty words and non-speech annotations such as `[BLANK_AUDIO]` or `(music)`, merge
/// punctuation-only pieces into the word before them, and strip an echoed initial prompt.
pub fn clean_words(raw: Vec<Word>) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::with_capacity(raw.len());
    for w in raw {
        let t = w.text.trim();
        if t.is_empty() || is_annotation(t) {
            continue;
        }
        if !t.chars().any(char::is_alphanumeric) {
            // Punctuation takes no time: the word keeps its own end.
            if let Some(prev) = words.last_mut() {
                prev.text.push_str(t);
            }
            continue;
        }
        words.push(Word::new(t, w.start_s, w.end_s).with_confidence(w.confidence));
    }
    strip_echoed_prompt(words)
}

fn is_annotation(t: &str) -> bool {
    (t.starts_with('[') && t.ends_with(']')) || (t.starts_with('(') && t.ends_with(')'))
}

fn normalise(t: &str) -> String {
    t.chars()
        .filter(|c| c.is_alphanumeric() || *c == '\'')
        .flat_map(char::to_lowercase)
        .collect()
}

/// If the transcript starts with the whole initial prompt, word for word, remove it.
fn strip_echoed_prompt(words: Vec<Word>) -> Vec<Word> {
    let prompt: Vec<String> = FILLER_PROMPT.split_whitespace().map(normalise).collect();
    let echoed = words.len() >= prompt.len()
        && words
            .iter()
            .zip(&prompt)
            .all(|(w, p)| normalise(&w.text) == *p);
    if echoed {
        words.into_iter().skip(prompt.len()).collect()
    } else {
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(t: &str, s: f64) -> Word {
        Word::new(t, s, s + 0.3)
    }

    #[test]
    fn annotations_and_blanks_are_dropped() {
        let out = clean_words(vec![w("[BLANK_AUDIO]", 0.0), w(" ", 0.1), w("Hello", 0.5)]);
        assert_eq!(out, vec![w("Hello", 0.5)]);
    }

    #[test]
    fn punctuation_only_pieces_join_the_previous_word() {
        let out = clean_words(vec![
            w("Hello", 0.0),
            Word::new(",", 0.3, 0.4),
            w("there", 0.5),
        ]);
        assert_eq!(out[0].text, "Hello,");
        assert_eq!(out[0].end_s, 0.3);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn an_echoed_prompt_is_stripped() {
        let mut raw: Vec<Word> = FILLER_PROMPT
            .split_whitespace()
            .enumerate()
            .map(|(i, t)| w(t, i as f64 * 0.1))
            .collect();
        raw.push(w("Hello", 2.0));
        assert_eq!(clean_words(raw), vec![w("Hello", 2.0)]);
    }

    #[test]
    fn windows_are_named_full_fitted_or_fitted_with_a_floor() {
        assert_eq!("full".parse(), Ok(Window::Full));
        assert_eq!("fitted".parse(), Ok(Window::Fitted { min_frames: 0 }));
        assert_eq!("fitted:750".parse(), Ok(Window::Fitted { min_frames: 750 }));
        for bad in ["", "half", "fitted:", "fitted:-1", "fitted:x"] {
            assert!(bad.parse::<Window>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_fitted_window_covers_the_audio_and_never_exceeds_the_full_one() {
        // 6.6 s = 330 encoder frames, plus the margin.
        let fitted = Window::Fitted { min_frames: 0 };
        assert_eq!(
            audio_ctx(fitted, 105_600),
            330 + WINDOW_MARGIN_FRAMES as i32
        );
        assert_eq!(
            audio_ctx(fitted, 105_601),
            331 + WINDOW_MARGIN_FRAMES as i32
        );
        assert_eq!(audio_ctx(fitted, 16_000 * 29), 0, "full window");
        assert_eq!(audio_ctx(Window::Full, 16_000), 0);
        // A floor: a short piece gets at least `min_frames`, a long one its own length.
        let floor = Window::Fitted { min_frames: 750 };
        assert_eq!(audio_ctx(floor, 16_000), 750);
        assert_eq!(
            audio_ctx(floor, 16_000 * 12),
            600 + WINDOW_MARGIN_FRAMES as i32
        );
        assert_eq!(audio_ctx(Window::Fitted { min_frames: 1500 }, 16_000), 0);
    }

    #[test]
    fn a_speaker_who_starts_with_um_keeps_it() {
        let out = clean_words(vec![w("Um,", 0.0), w("so", 0.4), w("at", 0.8)]);
        assert_eq!(out.len(), 3);
    }
}
