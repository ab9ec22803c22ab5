//! Speech to timed words.
//!
//! The analysis only ever sees a [`Transcript`]: words with start and end times. Whisper sits
//! behind the [`Transcriber`] trait so the analysis can be tested on hand-written transcripts,
//! while the real engine ([`whisper::WhisperEngine`]) is exercised end to end on real audio.
//!
//! A take is transcribed in short pieces ([`chunks`], to keep the fillers), each with an
//! encoder window fitted to it ([`whisper::Window::Fitted`], the default since 2026-12-07:
//! about half the work of Whisper's full 30 s window at the same word error rate and
//! filled-pause F1 against the truth, docs/speed.md), and [`suspect`] sends a piece whose
//! words do not fit its speech back to the full window. A take with at most [`SHORT_TAKE_S`]
//! to transcribe gets the full window outright. A piece that had the full window already is
//! never decoded twice. A quiet piece is raised to one speech level before Whisper hears it
//! ([`level`]): Whisper's reading of it should not depend on the microphone's gain.

pub mod cache;
pub mod chunks;
pub mod download;
pub mod level;
pub mod model;
pub mod quality;
pub mod running;
pub mod threads;
pub mod whisper;

use serde::{Deserialize, Serialize};

use crate::speech::SpeechMap;

/// One transcribed word as the engine wrote it (with its punctuation), and when it was said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    pub text: String,
    pub start_s: f64,
    pub end_s: f64,
    /// How sure the engine was of this word, 0-1: the lowest probability Whisper gave any of
    /// its text tokens. `None` when the engine gives none (hand-written transcripts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
}

impl Word {
    pub fn new(text: impl Into<String>, start_s: f64, end_s: f64) -> Self {
        Word {
            text: text.into(),
            start_s,
            end_s,
            confidence: None,
        }
    }

    /// The same word with the engine's confidence in it.
    pub fn with_confidence(mut self, confidence: Option<f32>) -> Self {
        self.confidence = confidence;
        self
    }
}

/// The engine's output for one take: timed words in order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub words: Vec<Word>,
}

/// Words joined into readable text, as the engine wrote them.
pub fn join_words(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.text.trim())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Transcript {
    /// The words joined into readable text.
    pub fn text(&self) -> String {
        join_words(&self.words)
    }

    /// Build a transcript from `(text, start, end)` triples; handy in tests.
    pub fn from_triples(words: &[(&str, f64, f64)]) -> Self {
        Transcript {
            words: words.iter().map(|&(t, s, e)| Word::new(t, s, e)).collect(),
        }
    }

    /// The words of `text`, one starting every `step_s` seconds from 0 and lasting 80% of
    /// that: a written answer read at an even pace (tests, the STAR corpus evaluation).
    /// The same words with these confidences, in order (tests).
    pub fn with_confidences(mut self, confidences: &[f32]) -> Self {
        for (w, c) in self.words.iter_mut().zip(confidences) {
            w.confidence = Some(*c);
        }
        self
    }

    pub fn evenly_timed(text: &str, step_s: f64) -> Self {
        Transcript {
            words: text
                .split_whitespace()
                .enumerate()
                .map(|(i, w)| {
                    let start = i as f64 * step_s;
                    Word::new(w, start, start + 0.8 * step_s)
                })
                .collect(),
        }
    }
}

/// Anything that turns 16 kHz mono audio into a timed transcript.
pub trait Transcriber {
    /// Transcribe `samples` (16 kHz mono f32). `progress` receives 0..=100.
    fn transcribe(
        &mut self,
        samples: &[f32],
        progress: Box<dyn FnMut(i32) + 'static>,
    ) -> Result<Transcript, TranscribeError>;

    /// Transcribe `samples` with the engine's whole input window, for a piece that
    /// [`transcribe`](Self::transcribe) (which may shorten the window to the audio) appears to
    /// have cut short. Engines with one window size just transcribe again.
    fn transcribe_full_window(&mut self, samples: &[f32]) -> Result<Transcript, TranscribeError> {
        self.transcribe(samples, Box::new(|_| {}))
    }

    /// The encoder context [`transcribe`](Self::transcribe) uses for `n_samples`, in encoder
    /// frames; 0 for the whole window. Decodes with the same samples and context agree.
    fn encoder_frames(&self, _n_samples: usize) -> i32 {
        0
    }

    /// A second opinion on a piece whose words did not cover its speech ([`suspect`]): decoded
    /// another way than [`transcribe_full_window`](Self::transcribe_full_window) (the real
    /// engine: beam search, where greedy decoding can skip the start of a piece). Engines with
    /// one way of decoding just transcribe again.
    fn second_opinion(&mut self, samples: &[f32]) -> Result<Transcript, TranscribeError> {
        self.transcribe_full_window(samples)
    }
}

/// Silence added before and after each piece: Whisper mishears words that start right at the
/// edge of its input.
const LEAD_IN_S: f64 = 0.3;

/// Takes with at most this much audio to transcribe get the full window for every piece,
/// seconds: the acted disfluencies of the real clips (5-13 s) changed most with a fitted one.
pub const SHORT_TAKE_S: f64 = 15.0;

/// What [`transcribe_chunks`] did: the transcript, and how many pieces it decoded twice.
/// A short take ([`SHORT_TAKE_S`]) is decoded once per piece, with the full window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chunked {
    pub transcript: Transcript,
    pub pieces: usize,
    /// Pieces whose first (short-window) transcript looked cut short or looped
    /// ([`suspect`]), so they were decoded again with the full window.
    pub redecoded: usize,
    /// Pieces that looked suspect but had the full window already: kept as decoded, since
    /// the same window again would spend the time again for the same words.
    pub suspect_full: usize,
    /// Pieces still suspect with the full window, decoded a second way
    /// ([`Transcriber::second_opinion`]) ...
    pub second_opinions: usize,
    /// ... and of those, the pieces whose second transcript covered the speech better and
    /// replaced the first ([`better_fit`]).
    pub replaced: usize,
}

/// Transcribe `samples` (mono, `rate` Hz) piece by piece, with word times relative to the
/// whole take. `speech` is where someone is surely speaking (take timeline): a piece whose
/// transcript does not fit the speech in it ([`suspect`]) is decoded again with the engine's
/// full window, when it had a shorter one ([`Transcriber::encoder_frames`]). `progress`
/// receives the share of audio done, 0.0..=1.0.
pub fn transcribe_chunks(
    engine: &mut dyn Transcriber,
    samples: &[f32],
    rate: u32,
    plan: &[chunks::Chunk],
    speech: &[(f64, f64)],
    progress: &dyn Fn(f64),
) -> Result<Chunked, TranscribeError> {
    let short_take = is_short_take(plan);
    transcribe_pieces(engine, samples, rate, plan, speech, progress, short_take)
}

/// Whether a take planned as `plan` has at most [`SHORT_TAKE_S`] to transcribe, so that every
/// piece gets the full window.
pub fn is_short_take(plan: &[chunks::Chunk]) -> bool {
    plan.iter().map(chunks::Chunk::len_s).sum::<f64>() <= SHORT_TAKE_S
}

/// [`transcribe_chunks`] for some of a take's pieces, `short_take` saying whether the whole
/// take is short ([`is_short_take`]): a take being recorded decodes its pieces one at a time,
/// before its length is known, and each must get the window the final analysis gives it.
pub fn transcribe_pieces(
    engine: &mut dyn Transcriber,
    samples: &[f32],
    rate: u32,
    plan: &[chunks::Chunk],
    speech: &[(f64, f64)],
    progress: &dyn Fn(f64),
    short_take: bool,
) -> Result<Chunked, TranscribeError> {
    let total: f64 = plan.iter().map(chunks::Chunk::len_s).sum();
    let mut done = 0.0;
    let mut out = Chunked::default();
    for chunk in plan {
        let at = |t: f64| ((t * f64::from(rate)) as usize).min(samples.len());
        let pad = vec![0.0; (LEAD_IN_S * f64::from(rate)) as usize];
        let piece = [
            &pad[..],
            &samples[at(chunk.start_s)..at(chunk.end_s)],
            &pad[..],
        ]
        .concat();
        let len = chunk.len_s();
        let heard = speech_in(speech, chunk);
        // A short take gets the full window outright: it saves a second or two there, and
        // short disfluent takes are where the shortened window changes most words.
        let mut part = if short_take {
            on_piece(engine.transcribe_full_window(&piece)?, len)
        } else {
            on_piece(engine.transcribe(&piece, Box::new(|_| {}))?, len)
        };
        // A piece that already had the full window is not decoded again: the same decode
        // would only spend the time again.
        let full = short_take || engine.encoder_frames(piece.len()) == 0;
        if suspect(&part, &heard).is_some() {
            if full {
                out.suspect_full += 1;
            } else {
                part = on_piece(engine.transcribe_full_window(&piece)?, len);
                out.redecoded += 1;
            }
        }
        // Still suspect with the whole window: ask the engine a second way, keep whichever
        // transcript covers the speech better.
        if suspect(&part, &heard).is_some() {
            let other = on_piece(engine.second_opinion(&piece)?, len);
            out.second_opinions += 1;
            if better_fit(&other, &part, &heard) {
                part = other;
                out.replaced += 1;
            }
        }
        out.transcript.words.extend(part.into_iter().map(|mut w| {
            w.start_s += chunk.start_s;
            w.end_s += chunk.start_s;
            w
        }));
        out.pieces += 1;
        done += chunk.len_s();
        if total > 0.0 {
            progress(done / total);
        }
    }
    Ok(out)
}

/// A piece's words with times from the start of its audio (lead-in removed), inside it.
/// Whisper sometimes stretches the last words to the end of its 30 s window; no word can be
/// outside the audio it was given.
fn on_piece(part: Transcript, len: f64) -> Vec<Word> {
    part.words
        .into_iter()
        .map(|w| {
            let end = (w.end_s - LEAD_IN_S).clamp(0.0, len);
            let start = (w.start_s - LEAD_IN_S).clamp(0.0, end);
            Word::new(w.text, start, end).with_confidence(w.confidence)
        })
        .collect()
}

/// The sure speech inside `chunk`, in seconds from its start.
fn speech_in(speech: &[(f64, f64)], chunk: &chunks::Chunk) -> Vec<(f64, f64)> {
    speech
        .iter()
        .filter(|&&(a, b)| b > chunk.start_s && a < chunk.end_s)
        .map(|&(a, b)| {
            (
                a.max(chunk.start_s) - chunk.start_s,
                b.min(chunk.end_s) - chunk.start_s,
            )
        })
        .collect()
}

/// Why a piece's transcript does not fit the speech in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suspect {
    /// Half a second or more of sure speech, and no word.
    NoWords,
    /// A bracketed description instead of words, e.g. "(speaking in foreign language)":
    /// one word per segment splits it, so it is not caught as a whole annotation.
    Annotation,
    /// The last word ends more than [`TAIL_S`] before the last sure speech does.
    EndsEarly,
    /// Fewer than [`MIN_WORDS_PER_S`] words per second of sure speech (1.5 s or more).
    TooFew,
    /// More than [`MAX_WORDS_PER_S`] words per second of sure speech.
    TooMany,
    /// A phrase of two to five words, not all the same word, three times in a row: the
    /// decoder looping ("uh, uh, uh" is a speaker and is not counted).
    Loop,
    /// The first word starts more than [`HEAD_S`] after the first sure speech, or is a long
    /// ([`HEAD_S`]) word the decoder barely believed ([`HEAD_DOUBT`]): greedy decoding with
    /// the prompt has skipped the first seconds of a clean read piece this way.
    StartsLate,
}

/// Sure speech may precede the first word by this much, and a doubtful first word may last
/// this long, seconds.
pub const HEAD_S: f64 = 1.5;
/// A first word heard with less confidence than this, over more than [`HEAD_S`], stands for
/// speech skipped rather than one slow word (the skipped read clip: 2.4 s at 0.03).
pub const HEAD_DOUBT: f32 = 0.1;

/// Sure speech may outlast the last word by this much, seconds: DTW word ends are within
/// about 0.2 s, and a breath or a dropped "uh" at the end of a piece is short.
pub const TAIL_S: f64 = 1.0;
/// Slower than this, over at least 1.5 s of sure speech, is words lost: with the full window,
/// the slowest of 94 pieces (real clips, their damaged copies, the samples) had 1.6 words
/// per second of sure speech (acted hesitations, MFA clips).
pub const MIN_WORDS_PER_S: f64 = 1.2;
/// Faster than this, over at least 1 s of sure speech, is text invented: fast speech is
/// about 4 words per second.
pub const MAX_WORDS_PER_S: f64 = 5.0;

/// Whether `words` (times from the start of the piece) look cut short or looped, given the
/// sure speech in the piece (same clock): the checks a shortened encoder window needs
/// (README, "Speed and memory").
pub fn suspect(words: &[Word], speech: &[(f64, f64)]) -> Option<Suspect> {
    let speech_s: f64 = speech.iter().map(|&(a, b)| b - a).sum();
    let n = words.len() as f64;
    if words.is_empty() {
        return (speech_s >= 0.5).then_some(Suspect::NoWords);
    }
    let bracket = |t: &str| t.starts_with(['(', '[']) || t.ends_with([')', ']']);
    if words.iter().any(|w| bracket(w.text.trim())) {
        return Some(Suspect::Annotation);
    }
    if let (Some(last), Some(&(_, speech_end))) = (words.last(), speech.last()) {
        if last.end_s < speech_end - TAIL_S {
            return Some(Suspect::EndsEarly);
        }
    }
    if let (Some(first), Some(&(speech_start, _))) = (words.first(), speech.first()) {
        let doubtful_long = first.end_s - first.start_s > HEAD_S
            && first.confidence.is_some_and(|c| c < HEAD_DOUBT);
        if first.start_s > speech_start + HEAD_S || doubtful_long {
            return Some(Suspect::StartsLate);
        }
    }
    if speech_s >= 1.5 && n / speech_s < MIN_WORDS_PER_S {
        return Some(Suspect::TooFew);
    }
    if speech_s >= 1.0 && n / speech_s > MAX_WORDS_PER_S {
        return Some(Suspect::TooMany);
    }
    looped(words).then_some(Suspect::Loop)
}

/// Whether transcript `a` of a piece fits its sure speech (`speech`, same clock) better than
/// `b`, the first decode: it escapes invented text (`b` loops, describes instead of writing, or
/// has more words than a person can say, and `a` does not), or it recovers lost words (clearly
/// more of them, [`CLEARLY_MORE`], and no worse a fit). Otherwise `b` stays: a second decode
/// that differs by a word or two is not better, and the detector's idea of the speech is not
/// the truth (under babble noise it hears speech everywhere and every decode looks cut short;
/// a beam decode of a real answer that dropped a repeated "I like" looked complete).
pub fn better_fit(a: &[Word], b: &[Word], speech: &[(f64, f64)]) -> bool {
    fn rank(words: &[Word], speech: &[(f64, f64)]) -> (u8, usize) {
        let speech_s: f64 = speech.iter().map(|&(a, b)| b - a).sum();
        let cap = (speech_s * MAX_WORDS_PER_S).ceil() as usize;
        let kind = match suspect(words, speech) {
            None => 3,
            Some(Suspect::EndsEarly | Suspect::StartsLate | Suspect::TooFew | Suspect::NoWords) => {
                2
            }
            // Three times can be the speaker ("I like, I like, I like beans" in a real
            // answer); a decoder that loops goes on.
            Some(Suspect::Loop) if !repeats(words, INVENTED_REPEATS) => 2,
            Some(Suspect::Loop | Suspect::TooMany | Suspect::Annotation) => 1,
        };
        (kind, words.len().min(cap.max(1)))
    }
    let ((kind_a, n_a), (kind_b, n_b)) = (rank(a, speech), rank(b, speech));
    let escapes_invention = kind_b == 1 && kind_a > 1;
    let recovers_words = kind_a >= kind_b && n_a >= n_b + CLEARLY_MORE.max(n_b / 4);
    escapes_invention || recovers_words
}

/// A phrase this many times in a row is the decoder looping, not a speaker retracing.
const INVENTED_REPEATS: usize = 4;

/// Words a second transcript must add (or a quarter more, whichever is more) to count as
/// recovering lost words.
pub const CLEARLY_MORE: usize = 3;

fn looped(words: &[Word]) -> bool {
    repeats(words, 3)
}

/// Whether a phrase of two to five words, not all the same word, comes `times` times in a row.
fn repeats(words: &[Word], times: usize) -> bool {
    let w: Vec<String> = words
        .iter()
        .map(|w| {
            w.text
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .flat_map(char::to_lowercase)
                .collect()
        })
        .collect();
    (2..=5).any(|k| {
        w.windows(times * k).any(|run| {
            let (a, rest) = run.split_at(k);
            let distinct = a.iter().any(|x| *x != a[0]);
            distinct && rest.chunks(k).all(|c| c == a)
        })
    })
}

/// Longest annotation Whisper writes instead of words, in words ("[speaking in foreign
/// language]" is four).
const MAX_ANNOTATION_WORDS: usize = 8;

/// Take out the descriptions Whisper writes instead of words, "[speaking in foreign language]"
/// or "(upbeat music)": one word per segment splits them, so they arrive as several words
/// from one opening bracket to its closing one. Returns the words left and the annotations,
/// joined. A bracket that does not close within [`MAX_ANNOTATION_WORDS`] words is kept.
pub fn strip_annotations(words: Vec<Word>) -> (Vec<Word>, Vec<String>) {
    let opens = |t: &str| t.trim_start().starts_with(['[', '(']);
    let closes = |t: &str| {
        t.trim_end_matches(|c: char| c.is_ascii_punctuation() && c != ']' && c != ')')
            .ends_with([']', ')'])
    };
    let mut kept = Vec::with_capacity(words.len());
    let mut notes = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let end = opens(&words[i].text)
            .then(|| {
                (i..words.len().min(i + MAX_ANNOTATION_WORDS)).find(|&j| closes(&words[j].text))
            })
            .flatten();
        match end {
            Some(j) => {
                notes.push(join_words(&words[i..=j]));
                i = j + 1;
            }
            None => {
                kept.push(words[i].clone());
                i += 1;
            }
        }
    }
    (kept, notes)
}

/// Put transcribed words on the take's timeline as the detector sees it: starts in time
/// order and inside the take; a word that would start in silence starts where the sound
/// does; a word ends before the next one starts; a word that began in a speech region
/// ends with that region at the latest, instead of running on into the silence after it
/// (Whisper's word ends absorb silence).
pub fn fit_to_speech(words: &mut [Word], map: &SpeechMap) {
    let mut floor = 0.0_f64;
    let heard = map.to_transcribe();
    for w in words.iter_mut() {
        w.start_s = w.start_s.clamp(floor, map.duration_s.max(floor));
        w.end_s = w.end_s.clamp(w.start_s, map.duration_s.max(w.start_s));
        // A word does not start in silence: move its start to where sound begins, when
        // that is before its end.
        if !map.may_be_speech(w.start_s) {
            if let Some(&(a, _)) = heard.iter().find(|&&(a, _)| a > w.start_s) {
                if a < w.end_s {
                    w.start_s = a;
                }
            }
        }
        floor = w.start_s;
    }
    for i in 0..words.len() {
        let next = words.get(i + 1).map(|n| n.start_s);
        let w = &mut words[i];
        if let Some(&(_, end)) = map
            .speech
            .iter()
            .find(|&&(a, b)| a <= w.start_s && w.start_s < b)
        {
            w.end_s = w.end_s.min(end);
        }
        if let Some(next) = next {
            w.end_s = w.end_s.min(next);
        }
        w.end_s = w.end_s.max(w.start_s);
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TranscribeError {
    #[error("could not load the Whisper model {path}: {reason}")]
    ModelLoad { path: String, reason: String },
    #[error("transcription failed: {0}")]
    Engine(String),
}

#[cfg(test)]
mod tests {
    use super::chunks::Chunk;
    use super::*;
    use std::cell::Cell;

    /// Says "hi" at 0.5 s into whatever it is given (0.2 s into the piece, after the lead-in),
    /// then "bye" stretched to 30 s, as Whisper does at the end of its window; records the
    /// lengths it saw.
    struct Echo(Vec<usize>);

    impl Transcriber for Echo {
        fn transcribe(
            &mut self,
            samples: &[f32],
            _: Box<dyn FnMut(i32) + 'static>,
        ) -> Result<Transcript, TranscribeError> {
            self.0.push(samples.len());
            Ok(Transcript::from_triples(&[
                ("hi", 0.5, 0.8),
                ("bye", 0.9, 30.0),
            ]))
        }
    }

    const F: f64 = 0.032;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    fn map(runs: &[(f32, usize)]) -> SpeechMap {
        crate::speech::test_map(runs, F)
    }

    #[test]
    fn words_are_fitted_to_the_speech() {
        // Speech 0.32-0.96 s and 1.92-2.56 s.
        let m = map(&[(0.02, 10), (0.9, 20), (0.02, 30), (0.9, 20), (0.02, 10)]);
        let mut words = vec![
            Word::new("so", 0.4, 1.9),   // runs on into the pause
            Word::new("then", 0.3, 0.5), // starts before the word before it
            Word::new("we", 1.5, 2.1),   // starts in the pause
            Word::new("won", 2.2, 9.0),  // past the end of the take
        ];
        fit_to_speech(&mut words, &m);
        let t: Vec<(f64, f64)> = words.iter().map(|w| (w.start_s, w.end_s)).collect();
        assert_eq!(t[0], (0.4, 0.4), "ends where the next word starts");
        assert_eq!(t[1], (0.4, 0.5), "moved after the word before it");
        assert!(close(t[2].0, 60.0 * F) && close(t[2].1, 2.1), "{t:?}");
        assert!(close(t[3].0, 2.2) && close(t[3].1, 80.0 * F), "{t:?}");

        // A word that began in speech ends with its region.
        let mut long = vec![Word::new("team", 0.5, 1.8)];
        fit_to_speech(&mut long, &m);
        assert!(close(long[0].end_s, 30.0 * F), "{:?}", long[0]);
    }

    #[test]
    fn chunk_words_are_placed_on_the_take_timeline() {
        let plan = [
            Chunk {
                start_s: 0.0,
                end_s: 2.0,
            },
            Chunk {
                start_s: 10.0,
                end_s: 11.0,
            },
        ];
        let mut engine = Echo(Vec::new());
        let last = Cell::new(0.0);
        let out = transcribe_chunks(
            &mut engine,
            &vec![0.0; 16000 * 12],
            16000,
            &plan,
            &[],
            &|p| last.set(p),
        )
        .unwrap();
        assert_eq!((out.pieces, out.redecoded), (2, 0));
        let t = out.transcript;
        // Each piece is padded with LEAD_IN_S (0.3 s = 4800 samples) of silence either side.
        assert_eq!(engine.0, vec![32000 + 9600, 16000 + 9600]);
        let times: Vec<(f64, f64)> = t.words.iter().map(|w| (w.start_s, w.end_s)).collect();
        let expected = [(0.2, 0.5), (0.6, 2.0), (10.2, 10.5), (10.6, 11.0)];
        assert_eq!(times.len(), expected.len(), "{times:?}");
        for (got, want) in times.iter().zip(expected) {
            let close = (got.0 - want.0).abs() < 1e-9 && (got.1 - want.1).abs() < 1e-9;
            assert!(close, "{times:?}");
        }
        assert_eq!(last.get(), 1.0);
    }

    /// Loses the end of every piece with its short window; hears it all with the full one.
    struct ShortWindow {
        full: usize,
    }

    impl Transcriber for ShortWindow {
        fn transcribe(
            &mut self,
            _: &[f32],
            _: Box<dyn FnMut(i32) + 'static>,
        ) -> Result<Transcript, TranscribeError> {
            Ok(Transcript::from_triples(&[("we", 0.5, 0.8)]))
        }

        fn encoder_frames(&self, _: usize) -> i32 {
            400
        }

        fn transcribe_full_window(&mut self, _: &[f32]) -> Result<Transcript, TranscribeError> {
            self.full += 1;
            Ok(Transcript::from_triples(&[
                ("we", 0.5, 0.8),
                ("shipped", 0.8, 1.4),
                ("early", 1.4, 3.3),
            ]))
        }
    }

    #[test]
    fn a_piece_cut_short_is_decoded_again_with_the_full_window() {
        let plan = [
            Chunk {
                start_s: 0.0,
                end_s: 4.0,
            },
            Chunk {
                start_s: 5.0,
                end_s: 17.0,
            },
        ];
        // Speech to 3.0 s in the first piece; only 0.3 s in the second, where one word fits.
        // 16 s in all: a take long enough for fitted windows.
        let speech = [(0.2, 3.0), (5.2, 5.5)];
        let mut engine = ShortWindow { full: 0 };
        let out = transcribe_chunks(
            &mut engine,
            &vec![0.0; 16000 * 18],
            16000,
            &plan,
            &speech,
            &|_| {},
        )
        .unwrap();
        // The full window's three words over 2.8 s of speech are still too few (TooFew), so
        // the piece gets a second opinion too (the same engine: the same words, kept).
        assert_eq!((out.pieces, out.redecoded, engine.full), (2, 1, 2));
        assert_eq!((out.second_opinions, out.replaced), (1, 0));
        let text: Vec<&str> = out
            .transcript
            .words
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(text, ["we", "shipped", "early", "we"]);
    }

    /// Hears one word in every piece, always with its full window; counts its decodes.
    struct OneWord(usize);

    impl Transcriber for OneWord {
        fn transcribe(
            &mut self,
            _: &[f32],
            _: Box<dyn FnMut(i32) + 'static>,
        ) -> Result<Transcript, TranscribeError> {
            self.0 += 1;
            Ok(Transcript::from_triples(&[("we", 0.5, 0.8)]))
        }
    }

    #[test]
    fn a_piece_that_had_the_full_window_is_not_decoded_again() {
        let plan = [
            Chunk {
                start_s: 0.0,
                end_s: 8.0,
            },
            Chunk {
                start_s: 8.0,
                end_s: 17.0,
            },
        ];
        // 7 s of speech in each piece and one word: suspect (too few words), but the same
        // window again would hear the same.
        let speech = [(0.5, 7.5), (9.0, 16.0)];
        let mut engine = OneWord(0);
        let out = transcribe_chunks(
            &mut engine,
            &vec![0.0; 16000 * 17],
            16000,
            &plan,
            &speech,
            &|_| {},
        )
        .unwrap();
        // Not decoded again with the same window; asked a second way, which (this engine
        // has one way) heard the same.
        assert_eq!((out.pieces, out.redecoded, engine.0), (2, 0, 4));
        assert_eq!(out.suspect_full, 2);
        assert_eq!((out.second_opinions, out.replaced), (2, 0));
        assert_eq!(out.transcript.words.len(), 2);
    }

    fn words(triples: &[(&str, f64, f64)]) -> Vec<Word> {
        Transcript::from_triples(triples).words
    }

    #[test]
    fn a_short_take_gets_the_full_window() {
        let plan = [Chunk {
            start_s: 0.0,
            end_s: 4.0,
        }];
        let mut engine = ShortWindow { full: 0 };
        let out = transcribe_chunks(
            &mut engine,
            &vec![0.0; 16000 * 4],
            16000,
            &plan,
            &[(0.2, 3.0)],
            &|_| {},
        )
        .unwrap();
        assert_eq!((out.pieces, out.redecoded), (1, 0));
        // Full window from the start; too few words, so a second opinion (same words).
        assert_eq!((engine.full, out.second_opinions, out.replaced), (2, 1, 0));
        assert_eq!(out.transcript.words.len(), 3);
    }

    /// Greedy decoding that skipped the start of the piece, and a second opinion that did not.
    struct SkipsTheStart {
        second: usize,
    }

    impl Transcriber for SkipsTheStart {
        fn transcribe(
            &mut self,
            _: &[f32],
            _: Box<dyn FnMut(i32) + 'static>,
        ) -> Result<Transcript, TranscribeError> {
            Ok(Transcript::from_triples(&[
                ("the", 0.5, 2.9),
                ("results", 2.9, 3.4),
                ("came", 3.4, 3.7),
                ("in", 3.7, 3.9),
            ])
            .with_confidences(&[0.03, 0.9, 0.9, 0.9]))
        }

        fn second_opinion(&mut self, _: &[f32]) -> Result<Transcript, TranscribeError> {
            self.second += 1;
            Ok(Transcript::from_triples(&[
                ("good", 0.5, 0.8),
                ("evening", 0.8, 1.3),
                ("here", 1.3, 1.6),
                ("are", 1.6, 1.8),
                ("the", 2.6, 2.9),
                ("results", 2.9, 3.4),
                ("came", 3.4, 3.7),
                ("in", 3.7, 3.9),
            ]))
        }
    }

    #[test]
    fn a_skipped_start_is_decoded_a_second_way_and_the_better_words_kept() {
        let plan = [Chunk {
            start_s: 0.0,
            end_s: 4.0,
        }];
        let mut engine = SkipsTheStart { second: 0 };
        let out = transcribe_chunks(
            &mut engine,
            &vec![0.0; 16000 * 4],
            16000,
            &plan,
            &[(0.2, 3.6)],
            &|_| {},
        )
        .unwrap();
        assert_eq!(
            (engine.second, out.second_opinions, out.replaced),
            (1, 1, 1)
        );
        assert_eq!(out.transcript.words.len(), 8);
        assert_eq!(out.transcript.words[0].text, "good");
    }

    #[test]
    fn suspect_pieces_are_named() {
        let speech = [(0.0, 2.0), (2.5, 4.0)];
        let fine = words(&[
            ("so", 0.0, 0.5),
            ("we", 0.5, 1.0),
            ("did", 1.0, 1.5),
            ("it", 1.5, 2.0),
            ("and", 2.5, 3.0),
            ("then", 3.0, 3.5),
            ("won", 3.5, 3.9),
        ]);
        assert_eq!(suspect(&fine, &speech), None);
        assert_eq!(suspect(&[], &speech), Some(Suspect::NoWords));
        assert_eq!(suspect(&[], &[(0.0, 0.3)]), None, "a click is not a word");
        assert_eq!(suspect(&fine[..4], &speech), Some(Suspect::EndsEarly));
        let described = words(&[
            ("(speaking", 0.0, 1.0),
            ("in", 1.0, 2.0),
            ("foreign", 2.0, 3.0),
            ("language)", 3.0, 3.9),
        ]);
        assert_eq!(suspect(&described, &speech), Some(Suspect::Annotation));
        let sparse = words(&[("so", 0.0, 0.5), ("won", 3.5, 3.9)]);
        assert_eq!(suspect(&sparse, &speech), Some(Suspect::TooFew));
        let dense: Vec<Word> = (0..20)
            .map(|i| Word::new("a", i as f64 * 0.19, 3.9))
            .collect();
        assert_eq!(suspect(&dense, &speech), Some(Suspect::TooMany));
    }

    #[test]
    fn annotations_split_into_words_are_taken_out() {
        let w = words(&[
            ("[speaking", 0.0, 0.3),
            ("in", 0.3, 0.5),
            ("foreign", 0.5, 0.8),
            ("language]", 0.8, 1.2),
            ("We", 1.3, 1.5),
            ("(laughs).", 1.5, 1.9),
            ("won", 2.0, 2.3),
            ("(and", 2.4, 2.6),
            ("then", 2.6, 2.9),
        ]);
        let (kept, notes) = strip_annotations(w);
        assert_eq!(notes, ["[speaking in foreign language]", "(laughs)."]);
        let texts: Vec<&str> = kept.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(
            texts,
            ["We", "won", "(and", "then"],
            "an unclosed bracket is kept"
        );
    }

    #[test]
    fn a_late_or_doubtful_first_word_is_a_late_start() {
        let speech = [(0.2, 8.0)];
        let late = words(&[
            ("we", 3.0, 3.3),
            ("moved", 3.4, 3.8),
            ("the", 3.9, 4.0),
            ("billing", 4.1, 4.5),
            ("system", 4.6, 5.0),
            ("to", 5.1, 5.2),
            ("a", 5.3, 5.4),
            ("new", 5.5, 5.8),
            ("host", 5.9, 6.4),
            ("in", 6.5, 6.6),
            ("time", 6.7, 7.9),
        ]);
        assert_eq!(suspect(&late, &speech), Some(Suspect::StartsLate));
        let mut smeared = late.clone();
        smeared[0] = Word::new("we", 0.3, 3.3).with_confidence(Some(0.03));
        assert_eq!(suspect(&smeared, &speech), Some(Suspect::StartsLate));
        smeared[0].confidence = Some(0.8);
        assert_eq!(
            suspect(&smeared, &speech),
            None,
            "a sure long word is a slow speaker"
        );
    }

    #[test]
    fn the_better_fit_covers_the_speech_without_inventing() {
        let speech = [(0.0, 4.0)];
        let full = words(&[
            ("I", 0.1, 0.3),
            ("fixed", 0.4, 0.8),
            ("the", 0.9, 1.0),
            ("build", 1.1, 1.6),
            ("and", 1.7, 1.9),
            ("shipped", 2.0, 2.5),
            ("it", 2.6, 2.8),
            ("on", 2.9, 3.1),
            ("time", 3.2, 3.9),
        ]);
        let cut = full[..3].to_vec();
        assert!(better_fit(&full, &cut, &speech));
        assert!(!better_fit(&cut, &full, &speech));
        assert!(!better_fit(&full, &full, &speech), "a tie keeps the first");
        let looping = words(&[
            ("fixed", 0.1, 0.4),
            ("the", 0.4, 0.6),
            ("fixed", 0.6, 0.9),
            ("the", 0.9, 1.1),
            ("fixed", 1.1, 1.4),
            ("the", 1.4, 1.6),
            ("fixed", 1.6, 1.9),
            ("the", 1.9, 3.9),
        ]);
        assert!(
            better_fit(&cut, &looping, &speech),
            "lost words beat invented ones"
        );
        let two_more = full[..5].to_vec();
        assert!(
            !better_fit(&two_more, &cut, &speech),
            "two more words are not clearly more"
        );
        let three_more = full[..6].to_vec();
        assert!(better_fit(&three_more, &cut, &speech));
        // A speaker's retracing, three times, is kept against a decode without it.
        let retraced = words(&[
            ("I", 0.1, 0.3),
            ("like,", 0.3, 0.6),
            ("I", 0.6, 0.8),
            ("like,", 0.8, 1.1),
            ("I", 1.1, 1.3),
            ("like", 1.3, 1.6),
            ("beans", 1.6, 2.0),
        ]);
        assert_eq!(suspect(&retraced, &[(0.0, 2.0)]), Some(Suspect::Loop));
        let smooth = words(&[("I", 0.1, 0.3), ("like", 0.3, 1.6), ("beans", 1.6, 2.0)]);
        assert!(!better_fit(&smooth, &retraced, &[(0.0, 2.0)]));
        // A complete-looking second decode with fewer words does not replace the first.
        assert!(!better_fit(&full[..7], &full, &speech));
        assert!(!better_fit(&cut, &full[..7], &speech));
    }

    #[test]
    fn a_repeated_phrase_is_a_loop_and_a_repeated_uh_is_not() {
        let speech = [(0.0, 4.0)];
        let phrase = ["Montreal,", "forced", "liner."];
        let looping: Vec<Word> = (0..9)
            .map(|i| Word::new(phrase[i % 3], i as f64 * 0.4, i as f64 * 0.4 + 0.4))
            .collect();
        assert_eq!(suspect(&looping, &speech), Some(Suspect::Loop));
        let uhs: Vec<Word> = [
            "Montreal,",
            "uh,",
            "uh,",
            "uh,",
            "uh,",
            "uh,",
            "uh,",
            "forced",
            "aligner.",
        ]
        .iter()
        .enumerate()
        .map(|(i, t)| Word::new(*t, i as f64 * 0.4, i as f64 * 0.4 + 0.4))
        .collect();
        assert_eq!(suspect(&uhs, &speech), None);
    }
}
