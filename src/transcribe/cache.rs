//! Decoded pieces remembered by their audio, so a piece transcribed while the take was being
//! recorded is not transcribed again when the finished take is analysed.
//!
//! The key is the piece's exact samples and the encoder window the decode uses: Whisper on
//! the same samples with the same settings writes the same words (whisper.cpp on the CPU is
//! deterministic, whatever the thread count, and every piece is decoded on a fresh state, so
//! a temperature fallback samples the same way: [`super::whisper::Session`]), so a hit gives
//! exactly what decoding again would.
//! A piece whose samples differ by one bit is a miss and is decoded.
//!
//! The language of the take is remembered the same way, by the speech it was named from
//! ([`super::whisper::language_input`]): named while the take was recorded, it is not named
//! again when the finished take is analysed.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Mutex;

use super::whisper::language_input;
use super::{TranscribeError, Transcriber, Transcript};

/// A language code and the model's probability for it; `None` when the model cannot tell.
type Language = Option<(String, f32)>;

/// Transcripts of pieces already decoded, shared between the live transcriber and the final
/// analysis.
#[derive(Debug, Default)]
pub struct PieceCache {
    pieces: Mutex<HashMap<Key, Transcript>>,
    languages: Mutex<HashMap<Key, Language>>,
    languages_remembered: std::sync::atomic::AtomicUsize,
    hits: std::sync::atomic::AtomicUsize,
    misses: std::sync::atomic::AtomicUsize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    audio: u64,
    samples: usize,
    encoder_frames: i32,
}

impl Key {
    fn new(samples: &[f32], encoder_frames: i32) -> Self {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for v in samples {
            v.to_bits().hash(&mut h);
        }
        Key {
            audio: h.finish(),
            samples: samples.len(),
            encoder_frames,
        }
    }
}

impl PieceCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Pieces answered from the cache so far.
    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Pieces not found, decoded and added so far.
    pub fn misses(&self) -> usize {
        self.misses.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Languages answered from memory so far ([`PieceCache::language`]).
    pub fn languages_remembered(&self) -> usize {
        self.languages_remembered
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Pieces held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Transcript>> {
        self.pieces.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The language of the speech `heard` (16 kHz, the take's speech joined), from `identify`
    /// the first time these seconds are asked about, from memory after that.
    pub fn language(
        &self,
        heard: &[f32],
        identify: impl FnOnce(&[f32]) -> Result<Language, TranscribeError>,
    ) -> Result<Language, TranscribeError> {
        let input = language_input(heard);
        let key = Key::new(input, 0);
        let languages = || self.languages.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(known) = languages().get(&key) {
            self.languages_remembered
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Ok(known.clone());
        }
        let named = identify(input)?;
        languages().insert(key, named.clone());
        Ok(named)
    }

    fn get_or_decode(
        &self,
        key: Key,
        decode: impl FnOnce() -> Result<Transcript, TranscribeError>,
    ) -> Result<Transcript, TranscribeError> {
        if let Some(t) = self.lock().get(&key) {
            self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            return Ok(t.clone());
        }
        self.misses
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let t = decode()?;
        self.lock().insert(key, t.clone());
        Ok(t)
    }
}

/// A [`Transcriber`] that answers from a [`PieceCache`] when it can and fills it otherwise.
pub struct Cached<'a> {
    inner: &'a mut dyn Transcriber,
    cache: &'a PieceCache,
}

impl<'a> Cached<'a> {
    pub fn new(inner: &'a mut dyn Transcriber, cache: &'a PieceCache) -> Self {
        Cached { inner, cache }
    }
}

impl Transcriber for Cached<'_> {
    fn transcribe(
        &mut self,
        samples: &[f32],
        progress: Box<dyn FnMut(i32) + 'static>,
    ) -> Result<Transcript, TranscribeError> {
        let key = Key::new(samples, self.inner.encoder_frames(samples.len()));
        let inner = &mut *self.inner;
        self.cache
            .get_or_decode(key, || inner.transcribe(samples, progress))
    }

    fn transcribe_full_window(&mut self, samples: &[f32]) -> Result<Transcript, TranscribeError> {
        let key = Key::new(samples, 0);
        let inner = &mut *self.inner;
        self.cache
            .get_or_decode(key, || inner.transcribe_full_window(samples))
    }

    fn second_opinion(&mut self, samples: &[f32]) -> Result<Transcript, TranscribeError> {
        // Not an encoder context: a key of its own for the other way of decoding.
        let key = Key::new(samples, -1);
        let inner = &mut *self.inner;
        self.cache
            .get_or_decode(key, || inner.second_opinion(samples))
    }

    fn encoder_frames(&self, n_samples: usize) -> i32 {
        self.inner.encoder_frames(n_samples)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts decodes; writes one word per call, named by the call.
    #[derive(Default)]
    struct Counting {
        calls: usize,
        fitted: bool,
    }

    impl Transcriber for Counting {
        fn transcribe(
            &mut self,
            _: &[f32],
            _: Box<dyn FnMut(i32) + 'static>,
        ) -> Result<Transcript, TranscribeError> {
            self.calls += 1;
            Ok(Transcript::from_triples(&[(
                &format!("w{}", self.calls),
                0.0,
                0.5,
            )]))
        }

        fn encoder_frames(&self, n: usize) -> i32 {
            if self.fitted {
                (n / 320 + 256) as i32
            } else {
                0
            }
        }
    }

    #[test]
    fn the_same_samples_are_decoded_once() {
        let cache = PieceCache::new();
        let mut engine = Counting::default();
        let a = vec![0.1f32; 1600];
        let first = Cached::new(&mut engine, &cache)
            .transcribe(&a, Box::new(|_| {}))
            .unwrap();
        // With the full window either call decodes the same way: one entry serves both.
        let again = Cached::new(&mut engine, &cache)
            .transcribe_full_window(&a)
            .unwrap();
        assert_eq!(first, again);
        assert_eq!((engine.calls, cache.hits(), cache.len()), (1, 1, 1));
        assert_eq!(cache.misses(), 1);
    }

    #[test]
    fn a_language_is_identified_once_for_the_same_first_seconds() {
        let cache = PieceCache::new();
        let calls = std::cell::Cell::new(0);
        let identify = |heard: &[f32]| {
            calls.set(calls.get() + 1);
            // Only the first seconds are heard.
            assert_eq!(heard.len(), 160_000);
            Ok(Some(("de".to_string(), 0.9)))
        };
        let mut speech = vec![0.1f32; 12 * 16_000];
        let first = cache.language(&speech, identify).unwrap();
        // More speech after the first 10 s: the same language, not identified again.
        speech.extend(vec![0.2f32; 16_000]);
        speech[170_000] = 0.3;
        let again = cache.language(&speech, identify).unwrap();
        assert_eq!((first.clone(), calls.get()), (again, 1));
        assert_eq!(cache.languages_remembered(), 1);
        // A change inside the first 10 s is a different input.
        speech[1000] = 0.5;
        cache.language(&speech, identify).unwrap();
        assert_eq!(calls.get(), 2);
        assert_eq!(first, Some(("de".to_string(), 0.9)));
    }

    #[test]
    fn one_different_sample_or_a_different_window_is_decoded_again() {
        let cache = PieceCache::new();
        let mut engine = Counting::default();
        let a = vec![0.1f32; 1600];
        let mut b = a.clone();
        b[800] = f32::from_bits(b[800].to_bits() + 1);
        let mut c = Cached::new(&mut engine, &cache);
        c.transcribe(&a, Box::new(|_| {})).unwrap();
        c.transcribe(&b, Box::new(|_| {})).unwrap();
        assert_eq!(engine.calls, 2);
        engine.fitted = true;
        let mut c = Cached::new(&mut engine, &cache);
        c.transcribe(&a, Box::new(|_| {})).unwrap();
        c.transcribe_full_window(&a).unwrap();
        assert_eq!((engine.calls, cache.hits(), cache.misses()), (3, 1, 3));
    }
}
