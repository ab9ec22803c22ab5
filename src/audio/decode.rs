//! Decoding with symphonia, packet by packet.
//!
//! The container is recognised from the file's content, never from its name, so a WAV saved as
//! `.mp3` still opens. Decoded audio is handed on one packet at a time ([`Source::run`]); nothing
//! here holds more than one packet of the source. A damaged packet is skipped, a file that ends
//! early keeps what was decoded, and both are reported as warnings.
//!
//! Codecs: PCM WAV/AIFF/CAF (integer, float, A-law, mu-law, ADPCM), FLAC, MP3, AAC (M4A/MP4 and
//! ADTS), ALAC, Vorbis (Ogg, WebM), and Opus (Ogg, WebM) through libopus, which
//! symphonia-adapter-libopus builds into the binary: symphonia itself has no Opus decoder.

use std::fs::File;
use std::path::Path;
use std::sync::OnceLock;

use symphonia::core::audio::sample::SampleFormat;
use symphonia::core::codecs::audio::{AudioCodecParameters, AudioDecoder, AudioDecoderOptions};
use symphonia::core::codecs::registry::CodecRegistry;
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::{MediaSource, MediaSourceStream};
use symphonia::core::meta::MetadataOptions;

use super::wav;
use super::AudioError;

/// Stop after this many packets in a row fail to decode: the rest of the file is not audio.
const MAX_BAD_PACKETS_IN_A_ROW: usize = 200;

/// Sample rates a recording of a voice can have. Below 4 kHz no speech survives (telephone
/// audio is 8 kHz); above 768 kHz no recorder writes. A header outside this range is damaged
/// or crafted, and would make the resampler produce 16,000 samples for every one it reads.
pub const MIN_RATE: u32 = 4_000;
pub const MAX_RATE: u32 = 768_000;

/// The lowest average bitrate a real recording has, in bytes of file per second of audio
/// (3.2 kbit/s; Opus goes down to 6, MP3 and AAC to 8). A file that decodes to more audio
/// than its size allows at this rate (a few KB of FLAC announcing hours of silence) is cut
/// there, so the audio held in memory is bounded by the bytes actually read.
pub const MIN_BYTES_PER_SECOND: u64 = 400;
/// Every file may decode to at least this much, whatever its size.
pub const MIN_ALLOWED_SECONDS: u64 = 60;

/// The most audio, in seconds, a file of `file_len` bytes is allowed to decode to.
pub fn allowed_seconds(file_len: u64) -> u64 {
    (file_len / MIN_BYTES_PER_SECOND).max(MIN_ALLOWED_SECONDS)
}

/// What the file holds, as far as the headers tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamInfo {
    /// "WAV", "MP4/M4A", "Ogg", ...
    pub container: String,
    /// "16-bit integer", "32-bit float", "AAC", "MP3", ...
    pub encoding: String,
    /// Sample rate from the header (the decoded audio has the final say).
    pub sample_rate: Option<u32>,
    pub channels: Option<u16>,
    /// Frames the header announces, when it can be trusted to be exact.
    pub exact_frames: Option<u64>,
}

/// An opened, recognised audio stream, ready to decode.
pub struct Source {
    path: String,
    /// See [`allowed_seconds`].
    pub max_seconds: u64,
    reader: Box<dyn FormatReader + 'static>,
    decoder: Box<dyn AudioDecoder>,
    track_id: u32,
    pub info: StreamInfo,
    /// Found before decoding (e.g. a repaired WAV header).
    pub warnings: Vec<String>,
    /// The first packet, read by [`open`] to see whether the file can be read this way.
    lookahead: Option<Result<Option<symphonia::core::packet::Packet>, SymError>>,
}

/// What [`Source::run`] decoded.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Frames (samples per channel) handed to the sink.
    pub frames: u64,
    /// Rate and channel count of the decoded audio.
    pub sample_rate: Option<u32>,
    pub channels: Option<u16>,
    pub warnings: Vec<String>,
}

fn codecs() -> &'static CodecRegistry {
    static REGISTRY: OnceLock<CodecRegistry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut registry = CodecRegistry::new();
        symphonia::default::register_enabled_codecs(&mut registry);
        registry.register_audio_decoder::<symphonia_adapter_libopus::OpusDecoder>();
        registry
    })
}

/// Open `path`, recognise its format by content and set up a decoder for its audio track.
///
/// The file is first read as a seekable file. A truncated WebM or faststart MP4/M4A fails
/// there: their readers seek to index elements past the end of the data (WebM's cues), or
/// skip a media-data atom that claims more bytes than the file has (MP4's `mdat`), so nothing
/// can be read although the first half of the audio is intact. When opening fails, or the first
/// packet cannot be read, the file is opened again and read front to back only
/// ([`FrontToBack`]), as a stream would be; if that reaches audio it is used, and the end of
/// the data ends the decoding with a warning that the file is truncated ([`Source::run`]).
pub fn open(path: &Path) -> Result<Source, AudioError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| io_error(&shown, e))?;
    if meta.is_dir() {
        return Err(AudioError::IsDirectory { path: shown });
    }
    let Media {
        source,
        len,
        warnings,
    } = media_source(path, &shown)?;
    let (reader, lookahead) = match probe(source, &shown) {
        Ok(mut reader) => match reader.next_packet() {
            Ok(first) => (reader, Ok(first)),
            Err(e) => match open_front_to_back(path, &shown) {
                Some(opened) => opened,
                None => (reader, Err(e)),
            },
        },
        Err(e) => open_front_to_back(path, &shown).ok_or(e)?,
    };
    let container = container_name(reader.format_info().short_name);
    let bad_rate = reader
        .tracks()
        .iter()
        .filter_map(|t| t.codec_params.as_ref()?.audio()?.sample_rate)
        .find(|r| !(MIN_RATE..=MAX_RATE).contains(r));
    if let Some(rate) = bad_rate {
        return Err(bad_rate_error(shown, rate));
    }

    let audio_tracks: Vec<_> = reader
        .tracks()
        .iter()
        .filter_map(|t| Some((t, t.codec_params.as_ref()?.audio()?)))
        .collect();
    if audio_tracks.is_empty() {
        return Err(AudioError::NotAudio {
            path: shown,
            reason: format!("the {container} file has no audio track"),
        });
    }
    let chosen = audio_tracks
        .iter()
        .find(|(_, p)| codecs().get_audio_decoder(p.codec).is_some());
    let Some(&(track, params)) = chosen else {
        return Err(AudioError::Unsupported {
            path: shown,
            reason: format!(
                "the {container} file's audio codec ({}) has no decoder here",
                codec_label(audio_tracks[0].1)
            ),
        });
    };
    let decoder = codecs()
        .make_audio_decoder(params, &AudioDecoderOptions::default())
        .map_err(|e| AudioError::Unsupported {
            path: shown.clone(),
            reason: format!("cannot set up the audio decoder: {}", describe(&e)),
        })?;
    let codec_short = decoder.codec_info().short_name;
    let is_pcm = codec_short.starts_with("pcm");
    // An MP3 with a LAME tag (what lame and ffmpeg write) counts its frames exactly; without
    // one, symphonia guesses from the bitrate, which a truncated file also fits.
    let counted =
        is_pcm || codec_short == "flac" || (codec_short == "mp3" && track.delay.is_some());
    let exact_frames = if counted {
        track.num_frames.filter(|&n| n > 0)
    } else {
        None
    };
    let info = StreamInfo {
        container,
        encoding: encoding_label(params, codec_short, decoder.codec_info().long_name),
        sample_rate: params.sample_rate,
        channels: params.channels.as_ref().map(|c| c.count() as u16),
        exact_frames,
    };
    let track_id = track.id;
    Ok(Source {
        path: shown,
        max_seconds: allowed_seconds(len),
        reader,
        decoder,
        track_id,
        info,
        warnings,
        lookahead: Some(lookahead),
    })
}

/// A file as a media source (a WAV with a broken header patched on the fly).
struct Media {
    source: Box<dyn MediaSource>,
    len: u64,
    /// About repairs.
    warnings: Vec<String>,
}

fn media_source(path: &Path, shown: &str) -> Result<Media, AudioError> {
    let mut file = open_regular(path, shown)?;
    let len = file.metadata().map_err(|e| io_error(shown, e))?.len();
    if len == 0 {
        return Err(AudioError::Empty {
            path: shown.to_string(),
            reason: "the file is empty (0 bytes)".into(),
        });
    }
    let mut warnings = Vec::new();
    let unreadable = |e: std::io::Error| AudioError::Unreadable {
        path: shown.to_string(),
        cause: e,
    };
    let source: Box<dyn MediaSource> = match wav::inspect(&mut file, len).map_err(unreadable)? {
        Some(repair) => {
            warnings.extend(repair.warning.clone());
            Box::new(wav::PatchedFile::new(file, len, &repair).map_err(unreadable)?)
        }
        None => {
            use std::io::Seek;
            file.rewind().map_err(unreadable)?;
            Box::new(file)
        }
    };
    Ok(Media {
        source,
        len,
        warnings,
    })
}

/// Recognise the container by content.
fn probe(source: Box<dyn MediaSource>, shown: &str) -> Result<Box<dyn FormatReader>, AudioError> {
    let mss = MediaSourceStream::new(source, Default::default());
    symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .map_err(|e| match e {
            SymError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                AudioError::NotAudio {
                    path: shown.to_string(),
                    reason: "the file ended before any audio stream could be found: it is \
                             truncated, or holds a codec this tool does not know"
                        .into(),
                }
            }
            SymError::IoError(io) => AudioError::Unreadable {
                path: shown.to_string(),
                cause: io,
            },
            SymError::Unsupported(_) => AudioError::NotAudio {
                path: shown.to_string(),
                reason: "its content is not a recognised audio format".into(),
            },
            other => AudioError::NotAudio {
                path: shown.to_string(),
                reason: describe(&other),
            },
        })
}

/// The second try of [`open`]: the file read front to back, kept only when its first packet
/// can be read.
fn open_front_to_back(path: &Path, shown: &str) -> Option<Opened> {
    let media = media_source(path, shown).ok()?;
    let mut reader = probe(Box::new(FrontToBack::new(media.source)), shown).ok()?;
    match reader.next_packet() {
        Ok(Some(first)) => Some((reader, Ok(Some(first)))),
        _ => None,
    }
}

/// A reader and the result of reading its first packet.
type Opened = (
    Box<dyn FormatReader>,
    Result<Option<symphonia::core::packet::Packet>, SymError>,
);

/// A media source that can only be read forward, as a pipe: symphonia's readers then read
/// the file front to back and never seek to what a header says lies further on.
struct FrontToBack {
    inner: Box<dyn MediaSource>,
    pos: u64,
}

impl FrontToBack {
    fn new(inner: Box<dyn MediaSource>) -> Self {
        FrontToBack { inner, pos: 0 }
    }
}

impl std::io::Read for FrontToBack {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for FrontToBack {
    fn seek(&mut self, to: std::io::SeekFrom) -> std::io::Result<u64> {
        match to {
            std::io::SeekFrom::Current(0) => Ok(self.pos),
            _ => Err(std::io::Error::new(
                std::io::ErrorKind::Unsupported,
                "read front to back only",
            )),
        }
    }
}

impl MediaSource for FrontToBack {
    fn is_seekable(&self) -> bool {
        false
    }

    fn byte_len(&self) -> Option<u64> {
        None
    }
}

impl Source {
    /// Decode every packet, handing each block of interleaved f32 samples to `sink` with its
    /// rate and channel count. Stops early, with a warning, on a truncated or damaged stream.
    pub fn run(
        mut self,
        mut sink: impl FnMut(&[f32], u32, u16) -> Result<(), String>,
    ) -> Result<Outcome, AudioError> {
        let mut out = Outcome {
            warnings: std::mem::take(&mut self.warnings),
            ..Outcome::default()
        };
        let mut block: Vec<f32> = Vec::new();
        let mut bad_in_a_row = 0usize;
        let mut skipped = 0usize;
        let mut first_error: Option<String> = None;
        let mut stopped: Option<String> = None;
        loop {
            let next = match self.lookahead.take() {
                Some(first) => first,
                None => self.reader.next_packet(),
            };
            let packet = match next {
                Ok(Some(p)) => p,
                Ok(None) => break,
                Err(SymError::ResetRequired) => {
                    stopped = Some("the stream changes format part-way (a chained stream)".into());
                    break;
                }
                Err(SymError::IoError(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    if out.frames > 0 || self.info.exact_frames.is_some() {
                        stopped = Some("the file ends in the middle of the audio".into());
                    }
                    break;
                }
                Err(e) => {
                    stopped = Some(describe(&e));
                    break;
                }
            };
            if packet.track_id != self.track_id {
                continue;
            }
            let decoded = match self.decoder.decode(&packet) {
                Ok(buf) => buf,
                Err(e @ (SymError::DecodeError(_) | SymError::IoError(_))) => {
                    skipped += 1;
                    bad_in_a_row += 1;
                    first_error.get_or_insert_with(|| describe(&e));
                    if bad_in_a_row >= MAX_BAD_PACKETS_IN_A_ROW {
                        stopped = Some(format!("{bad_in_a_row} packets in a row are damaged"));
                        break;
                    }
                    continue;
                }
                Err(e) => {
                    stopped = Some(describe(&e));
                    break;
                }
            };
            bad_in_a_row = 0;
            if decoded.frames() == 0 {
                continue;
            }
            let rate = decoded.spec().rate();
            if !(MIN_RATE..=MAX_RATE).contains(&rate) {
                return Err(bad_rate_error(self.path, rate));
            }
            let channels = decoded.spec().channels().count().max(1) as u16;
            match (out.sample_rate, out.channels) {
                (None, _) => {
                    out.sample_rate = Some(rate);
                    out.channels = Some(channels);
                }
                (Some(r), Some(c)) if r != rate || c != channels => {
                    stopped = Some(format!(
                        "the audio changes from {r} Hz {c} ch to {rate} Hz {channels} ch \
                         part-way"
                    ));
                    break;
                }
                _ => {}
            }
            decoded.copy_to_vec_interleaved::<f32>(&mut block);
            // A float file can hold NaN, infinity or values far past full scale (a crafted
            // header over random bytes does); summed across channels or filtered by the
            // resampler they would overflow. Anything past full scale is clipped audio.
            for v in &mut block {
                *v = if v.is_finite() {
                    v.clamp(-1.0, 1.0)
                } else {
                    0.0
                };
            }
            let allowed = self.max_seconds * u64::from(rate);
            if out.frames + decoded.frames() as u64 > allowed {
                let keep = (allowed - out.frames.min(allowed)) as usize * usize::from(channels);
                block.truncate(keep);
                out.frames = allowed;
                sink(&block, rate, channels).map_err(|reason| AudioError::Resample {
                    path: self.path.clone(),
                    reason,
                })?;
                stopped = Some(format!(
                    "it holds more audio than a file of its size can ({} s at most: at least \
                     {MIN_BYTES_PER_SECOND} bytes per second of audio)",
                    self.max_seconds
                ));
                break;
            }
            out.frames += decoded.frames() as u64;
            sink(&block, rate, channels).map_err(|reason| AudioError::Resample {
                path: self.path.clone(),
                reason,
            })?;
        }

        let rate = out.sample_rate.or(self.info.sample_rate).unwrap_or(0);
        let secs = |frames: u64| {
            if rate == 0 {
                0.0
            } else {
                frames as f64 / f64::from(rate)
            }
        };
        if out.frames == 0 {
            // A header that counts its audio (WAV, FLAC, an MP3's LAME tag) over none: cut off
            // before the first sample.
            let announced = self.info.exact_frames.map(|n| {
                format!(
                    "the file is truncated: its header announces {:.1} s of audio but none is \
                     there",
                    secs(n)
                )
            });
            if let Some(reason) = stopped.or(first_error).or(announced) {
                return Err(AudioError::Empty {
                    path: self.path,
                    reason: format!("no audio could be decoded ({reason})"),
                });
            }
            // A well-formed file with no samples (a header-only WAV): an empty recording,
            // which the report calls "no speech found".
            return Ok(out);
        }
        if skipped > 0 {
            out.warnings.push(format!(
                "{skipped} damaged audio packet{} could not be decoded and {} skipped ({})",
                if skipped == 1 { "" } else { "s" },
                if skipped == 1 { "was" } else { "were" },
                first_error.unwrap_or_default()
            ));
        }
        if let Some(reason) = stopped {
            out.warnings.push(format!(
                "the file is damaged or truncated ({reason}); analysed the {:.1} s that could be \
                 read",
                secs(out.frames)
            ));
        } else if let Some(declared) = self.info.exact_frames {
            // Allow a packet's worth of slack: some encoders round the count.
            if out.frames + declared / 100 + 4096 < declared {
                out.warnings.push(format!(
                    "the file is truncated: its header announces {:.1} s of audio but only \
                     {:.1} s could be read",
                    secs(declared),
                    secs(out.frames)
                ));
            }
        }
        Ok(out)
    }
}

fn bad_rate_error(path: String, rate: u32) -> AudioError {
    AudioError::Unsupported {
        path,
        reason: format!(
            "its sample rate, {rate} Hz, is outside {MIN_RATE}-{MAX_RATE} Hz: the header is \
             damaged, or this is not a voice recording"
        ),
    }
}

/// Open a file for reading, refusing anything but a regular file. A FIFO, a socket or a
/// device (`/dev/zero`) would block, or never end: it is opened without blocking and
/// checked before a byte is read.
fn open_regular(path: &Path, shown: &str) -> Result<File, AudioError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|e| io_error(shown, e))?;
    let kind = file.metadata().map_err(|e| io_error(shown, e))?.file_type();
    if kind.is_dir() {
        return Err(AudioError::IsDirectory {
            path: shown.to_string(),
        });
    }
    if !kind.is_file() {
        return Err(AudioError::NotRegular {
            path: shown.to_string(),
            kind: file_kind(&kind),
        });
    }
    // O_NONBLOCK stays set: it changes nothing for reads of a regular file.
    Ok(file)
}

pub(crate) fn file_kind(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
    }
    let _ = kind;
    "not a regular file"
}

fn io_error(shown: &str, e: std::io::Error) -> AudioError {
    match e.kind() {
        std::io::ErrorKind::NotFound => AudioError::NotFound {
            path: shown.to_string(),
        },
        std::io::ErrorKind::IsADirectory => AudioError::IsDirectory {
            path: shown.to_string(),
        },
        _ => AudioError::Unreadable {
            path: shown.to_string(),
            cause: e,
        },
    }
}

fn describe(e: &SymError) -> String {
    match e {
        SymError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            "unexpected end of file".into()
        }
        SymError::DecodeError(msg) | SymError::Unsupported(msg) | SymError::LimitError(msg) => {
            // symphonia prefixes its messages with the module ("wav: ..."); keep the text.
            msg.to_string()
        }
        other => other.to_string(),
    }
}

fn container_name(short: &str) -> String {
    match short {
        "wave" | "wav" => "WAV",
        "isomp4" => "MP4/M4A",
        "ogg" => "Ogg",
        "matroska" | "mkv" | "webm" => "Matroska/WebM",
        "flac" => "FLAC",
        "mp1" | "mp2" | "mp3" => "MPEG audio",
        "aac" | "adts" => "ADTS",
        "aiff" => "AIFF",
        "caf" => "CAF",
        other => other,
    }
    .to_string()
}

/// "16-bit integer" / "32-bit float" for PCM (as before), the codec's name otherwise.
fn encoding_label(params: &AudioCodecParameters, short: &str, long: &str) -> String {
    if short.starts_with("pcm") {
        let bits = params
            .bits_per_sample
            .or(params.bits_per_coded_sample)
            .or_else(|| bits_in_codec_name(short))
            .unwrap_or(0);
        return match params.sample_format {
            _ if short.starts_with("pcm_f") => format!("{bits}-bit float"),
            Some(SampleFormat::F32 | SampleFormat::F64) => format!("{bits}-bit float"),
            _ if short.contains("alaw") => "A-law".into(),
            _ if short.contains("mulaw") => "mu-law".into(),
            _ => format!("{bits}-bit integer"),
        };
    }
    let name = match short {
        "mp3" | "mp2" | "mp1" => short.to_uppercase(),
        "aac" => "AAC".into(),
        "flac" => match params.bits_per_sample {
            Some(b) => format!("FLAC {b}-bit"),
            None => "FLAC".into(),
        },
        "vorbis" => "Vorbis".into(),
        "opus" => "Opus".into(),
        "alac" => "ALAC".into(),
        _ => long.to_string(),
    };
    name
}

/// The sample size a PCM codec's name gives ("pcm_f32le" -> 32), for headers that leave
/// it out (a float WAV's 18-byte `fmt ` chunk, as sox writes it).
fn bits_in_codec_name(short: &str) -> Option<u32> {
    let digits: String = short
        .trim_start_matches("pcm_")
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().filter(|&b| b > 0)
}

/// A name for a codec no decoder is registered for.
fn codec_label(params: &AudioCodecParameters) -> String {
    use symphonia::core::codecs::audio::well_known::*;
    let known = [
        (CODEC_ID_OPUS, "Opus"),
        (CODEC_ID_AAC, "AAC"),
        (CODEC_ID_MP3, "MP3"),
        (CODEC_ID_VORBIS, "Vorbis"),
        (CODEC_ID_FLAC, "FLAC"),
        (CODEC_ID_ALAC, "ALAC"),
        (CODEC_ID_AC3, "AC-3"),
        (CODEC_ID_EAC3, "E-AC-3"),
        (CODEC_ID_DCA, "DTS"),
        (CODEC_ID_WMA, "WMA"),
        (CODEC_ID_MONKEYS_AUDIO, "Monkey's Audio"),
        (CODEC_ID_WAVPACK, "WavPack"),
        (CODEC_ID_SPEEX, "Speex"),
        (CODEC_ID_ATRAC3, "ATRAC3"),
    ];
    known
        .iter()
        .find(|(id, _)| *id == params.codec)
        .map_or_else(
            || format!("codec id {}", params.codec),
            |(_, n)| n.to_string(),
        )
}
