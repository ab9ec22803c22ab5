//! Transcribing a take while it is being recorded.
//!
//! A background thread gets the take's samples as they are written (mono, 16 kHz, exactly as
//! the file will read back), and about once a second asks the speech detector where speech is
//! in the take so far and which pieces that already settles ([`chunks::plan_settled`]: the
//! pieces the whole take's plan will have, whatever is said next). Each settled piece is
//! transcribed at once, through the [`PieceCache`] the final analysis then reads. When the
//! speaker stops, the take is analysed like any file ([`Pipeline::analyze_file`]), and only
//! the pieces not yet settled (usually the last one) are decoded: the report is what
//! `analyze` gives on the saved file, sooner.
//!
//! The figures so far (words, pace, fillers) feed the one-line live display.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::analyze::fillers;
use crate::analyze::vad::SpeechActivity;
use crate::analyze::voice::pitch::PitchCache;
use crate::audio::TARGET_RATE;
use crate::pipeline::{self, Pipeline};
use crate::speech::silero::Silero;
use crate::speech::SpeechMap;
use crate::transcribe::cache::{Cached, PieceCache};
use crate::transcribe::whisper::{WhisperEngine, LANGUAGE_WINDOW_S};
use crate::transcribe::{self, chunks, Transcriber, Word};

/// The last seconds of a take in progress that the speech detector may still revise: Silero
/// itself only looks back, but the level evening it hears looks ahead by its window, half its
/// smoothing and a frame of interpolation (1.15 s, [`crate::speech::level`]); the test
/// `unsettled_time_covers_the_detectors_look_ahead` keeps the two in step. A piece settled
/// too early is only a cache miss at the end (decoded again), never a different report.
pub const UNSETTLED_S: f64 = 1.3;

/// New audio between two looks at the take, seconds.
const LOOK_EVERY_S: f64 = 0.5;

/// What the pieces transcribed so far say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Progress {
    /// Pieces transcribed.
    pub pieces: usize,
    pub words: usize,
    /// Filled pauses and filler words in those words.
    pub fillers: usize,
    /// Words per minute between the first and last word, once that is 10 s or more.
    pub wpm: Option<f64>,
    /// Why live transcription stopped early, if it did (the final analysis still runs).
    pub failed: Option<String>,
}

/// Reads the figures of a [`Live`] transcriber.
#[derive(Debug, Clone)]
pub struct LiveView(Arc<Mutex<Progress>>);

impl LiveView {
    pub fn get(&self) -> Progress {
        self.0.lock().map(|p| p.clone()).unwrap_or_default()
    }
}

/// The background transcriber of one take.
pub struct Live {
    tx: Option<Sender<Vec<f32>>>,
    progress: Arc<Mutex<Progress>>,
    cancel: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Live {
    /// Start transcribing in the background on `threads` threads, into `pipeline`'s piece
    /// cache (one is created when it has none). Loads the models now (Whisper, the speech
    /// detector, and the one that names the language), so the final analysis does not wait
    /// for them.
    pub fn start(pipeline: &mut Pipeline, threads: usize) -> anyhow::Result<Live> {
        let engine = pipeline.whisper()?;
        let detector = pipeline.detector()?;
        let identifier = pipeline.language_identifier()?;
        let cache = Arc::clone(
            pipeline
                .pieces
                .get_or_insert_with(|| Arc::new(PieceCache::new())),
        );
        let pitch = Arc::clone(
            pipeline
                .pitch_blocks
                .get_or_insert_with(|| Arc::new(PitchCache::new())),
        );
        let (tx, rx) = mpsc::channel();
        let progress = Arc::new(Mutex::new(Progress::default()));
        let cancel = Arc::new(AtomicBool::new(false));
        let worker = Worker {
            engine,
            detector,
            identifier,
            rx,
            cache,
            pitch,
            progress: Arc::clone(&progress),
            cancel: Arc::clone(&cancel),
            extra_fillers: pipeline.targets.extra_filler_words.clone(),
        };
        let handle = std::thread::Builder::new()
            .name("live-transcribe".into())
            .spawn(move || worker.run(threads))?;
        Ok(Live {
            tx: Some(tx),
            progress,
            cancel,
            handle: Some(handle),
        })
    }

    /// Hand over the samples just written to the take.
    pub fn feed(&mut self, new: &[f32]) {
        if let (false, Some(tx)) = (new.is_empty(), &self.tx) {
            let _ = tx.send(new.to_vec());
        }
    }

    pub fn progress(&self) -> Progress {
        self.view().get()
    }

    /// A handle that reads the figures so far, for a display.
    pub fn view(&self) -> LiveView {
        LiveView(Arc::clone(&self.progress))
    }

    /// The take ended: finish the piece being decoded (the final analysis needs it) and
    /// settle nothing more.
    pub fn finish(mut self) -> Progress {
        self.stop();
        self.progress()
    }

    fn stop(&mut self) {
        self.cancel.store(true, Ordering::SeqCst);
        self.tx = None;
        if let Some(h) = self.handle.take() {
            if h.join().is_err() {
                if let Ok(mut p) = self.progress.lock() {
                    p.failed = Some("the transcribing thread failed".into());
                }
            }
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Silence after the last thing that may be speech before the take is guessed to end there,
/// seconds: long enough that most pauses inside an answer do not each cost a decode, short
/// enough that the guess is decoded before a speaker who has finished reaches for the key.
pub const GUESS_AFTER_S: f64 = 0.5;

// A take stopped once its ending was guessed must plan the guessed last piece.
const _: () = assert!(chunks::MIN_END_SKIP_S <= GUESS_AFTER_S);

/// The plan the take would have if the speaker said nothing more and stopped after a pause,
/// when what may be speech ended in at least [`GUESS_AFTER_S`] of sure silence: the last
/// piece then ends where the speech does (plus its padding), not at the end of the take, and
/// stays the same however long the silence goes on. Empty otherwise, or when that last piece
/// would need audio not heard yet.
///
/// A guess: the detector may still revise its last second (the level evening looks ahead),
/// and the speaker may go on. A wrong guess costs a decode, never a different report: the
/// final analysis only takes pieces whose samples match exactly.
fn ending_now(map: &SpeechMap) -> Vec<chunks::Chunk> {
    if trailing_silence(map).is_none_or(|s| s < GUESS_AFTER_S) {
        return Vec::new();
    }
    // Silence long enough to be left out after the last piece (chunks::MIN_END_SKIP_S) and
    // then some.
    let plan = chunks::plan_for(&map.followed_by_silence(2.0));
    match plan.last() {
        Some(last) if last.end_s <= map.duration_s => plan,
        _ => Vec::new(),
    }
}

/// Seconds of sure silence the take so far ends in, after something that may be speech; `None`
/// when nothing was said yet or the take ends in what may be speech.
fn trailing_silence(map: &SpeechMap) -> Option<f64> {
    let &(_, speech_end) = map.to_transcribe().last()?;
    let silence = map.duration_s - speech_end;
    (silence > 0.0 && map.confidently_silent(speech_end, map.duration_s)).then_some(silence)
}

/// Seconds of audio before the next look at the take, and whether that look comes early:
/// every [`LOOK_EVERY_S`], less often on a long take (the detector runs over the whole take so
/// far: looking more often than four passes cost would starve the decoder), but as soon as a
/// pause reaches [`GUESS_AFTER_S`] when the take so far ends in a shorter one, so that the
/// ending is guessed without waiting for the next regular look. Never two early looks in a
/// row (`after_early`): one extra detector pass per pause, even where the detector keeps
/// moving the end of the speech.
fn next_look_s(map: &SpeechMap, pass_cost_s: f64, after_early: bool) -> (f64, bool) {
    let regular = LOOK_EVERY_S.max(4.0 * pass_cost_s);
    match trailing_silence(map) {
        // A little past the mark: the map's frames quantise it.
        Some(s) if s < GUESS_AFTER_S && !after_early => {
            let wait = GUESS_AFTER_S - s + 0.05;
            (wait.min(regular), wait < regular)
        }
        _ => (regular, false),
    }
}

struct Worker {
    engine: Arc<WhisperEngine>,
    detector: Arc<Silero>,
    /// Names the language ([`Pipeline::language_identifier`]); `None` when it is not checked.
    identifier: Option<Arc<WhisperEngine>>,
    rx: Receiver<Vec<f32>>,
    cache: Arc<PieceCache>,
    pitch: Arc<PitchCache>,
    progress: Arc<Mutex<Progress>>,
    cancel: Arc<AtomicBool>,
    extra_fillers: Vec<String>,
}

impl Worker {
    fn run(self, threads: usize) {
        if let Err(e) = self.transcribe(threads) {
            if let Ok(mut p) = self.progress.lock() {
                p.failed = Some(format!("{e:#}"));
            }
        }
    }

    fn transcribe(&self, threads: usize) -> anyhow::Result<()> {
        let mut session = self.engine.session(threads)?;
        let mut samples: Vec<f32> = Vec::new();
        let rate = f64::from(TARGET_RATE);
        let mut looked_at = 0usize;
        // Samples of new audio before the next look, and whether it comes early.
        let mut next_look = (LOOK_EVERY_S * rate) as usize;
        let mut early = false;
        let mut done = 0usize;
        let mut words: Vec<Word> = Vec::new();
        let mut named = self.identifier.is_none();
        loop {
            match self.rx.recv_timeout(Duration::from_millis(200)) {
                Ok(more) => samples.extend(more),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
            while let Ok(more) = self.rx.try_recv() {
                samples.extend(more);
            }
            if self.cancel.load(Ordering::SeqCst) {
                return Ok(());
            }
            if samples.len() < looked_at + next_look {
                continue;
            }
            looked_at = samples.len();
            let pass = std::time::Instant::now();
            let map = pipeline::speech_map_of(&self.detector, &samples)?;
            let wait;
            (wait, early) = next_look_s(&map, pass.elapsed().as_secs_f64(), early);
            next_look = (wait * rate) as usize;
            let settled = samples.len() as f64 / rate - UNSETTLED_S;
            let plan = chunks::plan_settled(&map, settled);
            for piece in plan.iter().skip(done) {
                if self.cancel.load(Ordering::SeqCst) {
                    return Ok(());
                }
                // The take goes on: decoded as a piece of a long take (one that ends within
                // SHORT_TAKE_S is decoded again at the stop, with the full window).
                words.extend(self.decode(&mut session, &samples, piece, &map, false)?);
                done += 1;
                self.report(done, &words);
            }
            if !named {
                named = self.name_language(threads, &samples, &map, settled)?;
            }
            // The speaker may be done: if the take ended now, after this silence, its last
            // pieces would be these. Decode them ahead; if more is said they are not used.
            let ending = ending_now(&map);
            let short_take = transcribe::is_short_take(&ending);
            for piece in ending.iter().skip(done) {
                if self.cancel.load(Ordering::SeqCst) {
                    return Ok(());
                }
                self.decode(&mut session, &samples, piece, &map, short_take)?;
            }
            // The pitch track of the speech so far, block by block, as the final analysis
            // will ask for it (on the refined speech regions): the settled blocks, and the
            // last one too once the speaker seems to be done (then on the guess, like the
            // ending pieces).
            if !self.cancel.load(Ordering::SeqCst) {
                let regions = SpeechActivity::from_map(&samples, TARGET_RATE, &map).segments;
                let guessed = !ending.is_empty();
                let upto = if guessed {
                    samples.len() as f64 / rate
                } else {
                    settled
                };
                self.pitch
                    .track_ahead(&samples, TARGET_RATE, &regions, upto, guessed);
            }
        }
    }

    /// Name the language of the take, through the cache, once its first
    /// [`LANGUAGE_WINDOW_S`] seconds of speech are settled (`settled`: seconds of the take
    /// the detector will not revise): the final analysis hears the same seconds and takes the
    /// answer from the cache instead of spending a second or more on it after the stop.
    /// Whether it was named.
    fn name_language(
        &self,
        threads: usize,
        samples: &[f32],
        map: &SpeechMap,
        settled: f64,
    ) -> anyhow::Result<bool> {
        let Some(model) = &self.identifier else {
            return Ok(true);
        };
        let regions: Vec<(f64, f64)> = map
            .speech
            .iter()
            .copied()
            .take_while(|&(_, end)| end <= settled)
            .collect();
        let heard = pipeline::speech_only(samples, &regions);
        if heard.len() < LANGUAGE_WINDOW_S * TARGET_RATE as usize {
            return Ok(false);
        }
        self.cache
            .language(&heard, |heard| model.session(threads)?.language(heard))?;
        Ok(true)
    }

    /// One piece of the take, through the cache, as the final analysis decodes it if the whole
    /// take is `short_take` ([`transcribe::is_short_take`]).
    fn decode(
        &self,
        session: &mut dyn Transcriber,
        samples: &[f32],
        piece: &chunks::Chunk,
        map: &SpeechMap,
        short_take: bool,
    ) -> anyhow::Result<Vec<Word>> {
        let mut cached = Cached::new(session, &self.cache);
        let part = transcribe::transcribe_pieces(
            &mut cached,
            samples,
            TARGET_RATE,
            std::slice::from_ref(piece),
            &map.speech,
            &|_| {},
            short_take,
        )?;
        Ok(part.transcript.words)
    }

    fn report(&self, pieces: usize, words: &[Word]) {
        let span = match (words.first(), words.last()) {
            (Some(a), Some(b)) => b.end_s - a.start_s,
            _ => 0.0,
        };
        let update = Progress {
            pieces,
            words: words.len(),
            fillers: fillers::find_with_extra(words, &self.extra_fillers).len(),
            wpm: (span >= 10.0).then(|| words.len() as f64 / span * 60.0),
            failed: None,
        };
        if let Ok(mut p) = self.progress.lock() {
            *p = update;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::speech::level::Leveller;

    fn map(runs: &[(f32, usize)]) -> SpeechMap {
        crate::speech::test_map(runs, 0.032)
    }

    #[test]
    fn the_ending_is_guessed_after_half_a_second_of_sure_silence() {
        // Two sentences, then 0.54 s of sure silence: the guess is the plan of the same take
        // stopped 3 s later, whose last piece ends at the speech, not at the end of the take.
        let talk = [(0.9f32, 150usize), (0.01, 30), (0.9, 200)];
        let so_far = map(&[&talk[..], &[(0.01, 17)]].concat());
        let stopped_later = map(&[&talk[..], &[(0.01, 110)]].concat());
        let guess = ending_now(&so_far);
        assert_eq!(guess, chunks::plan_for(&stopped_later));
        let speech_end = 380.0 * 0.032;
        assert!((guess.last().map_or(0.0, |c| c.end_s) - (speech_end + 0.2)).abs() < 1e-9);
        assert!(guess.iter().all(|c| c.end_s <= so_far.duration_s));
        // Stopped at any moment after the guess (here 0.54 s to 1.0 s after the speech, the
        // stop of a speaker who reaches for the key as soon as they finish), the final plan is
        // the guess: no piece is decoded after the stop.
        for silence in [17usize, 20, 25, 31] {
            let stopped = map(&[&talk[..], &[(0.01, silence)]].concat());
            assert_eq!(
                chunks::plan_for(&stopped),
                guess,
                "{silence} frames of silence"
            );
        }
    }

    #[test]
    fn no_guess_inside_a_short_pause_or_an_unsure_one() {
        let talk = [(0.9f32, 150usize), (0.01, 30), (0.9, 200)];
        // 0.35 s: a pause inside the answer, most likely.
        assert!(ending_now(&map(&[&talk[..], &[(0.01, 11)]].concat())).is_empty());
        // Something the detector is unsure of in the silence: the last piece would not end
        // at the speech.
        let unsure = [&talk[..], &[(0.01, 10), (0.2, 2), (0.01, 20)]].concat();
        assert!(ending_now(&map(&unsure)).is_empty());
        // Nothing said yet.
        assert!(ending_now(&map(&[(0.01, 100)])).is_empty());
    }

    #[test]
    fn a_pause_is_looked_at_again_when_it_is_long_enough_for_a_guess() {
        let talk = [(0.9f32, 150usize), (0.01, 30), (0.9, 200)];
        // 0.32 s of silence: look again when it is 0.5 s long.
        let pause = map(&[&talk[..], &[(0.01, 10)]].concat());
        let (wait, early) = next_look_s(&pause, 0.01, false);
        assert!(
            early && (wait - (GUESS_AFTER_S - 0.32 + 0.05)).abs() < 1e-9,
            "{wait}"
        );
        // Once per pause: if the detector moved the end of the speech, the regular look.
        assert_eq!(next_look_s(&pause, 0.01, true), (LOOK_EVERY_S, false));
        // Speaking, or already long enough: the regular look.
        assert_eq!(next_look_s(&map(&talk), 0.01, false), (LOOK_EVERY_S, false));
        let long = map(&[&talk[..], &[(0.01, 20)]].concat());
        assert_eq!(next_look_s(&long, 0.01, false), (LOOK_EVERY_S, false));
        // On a long take, where a pass costs 0.3 s, the regular look is every 1.2 s; a pause
        // still gets its early look.
        assert!((next_look_s(&map(&talk), 0.3, false).0 - 1.2).abs() < 1e-9);
        assert!(next_look_s(&pause, 0.3, false).0 < 0.3);
    }

    #[test]
    fn unsettled_time_covers_the_detectors_look_ahead() {
        let l = Leveller::default();
        let frame_s = l.frame as f64 / l.rate;
        let ahead = l.window_s + l.smooth_s / 2.0 + 2.0 * frame_s;
        assert!(UNSETTLED_S >= ahead, "{UNSETTLED_S} < {ahead}");
    }
}
