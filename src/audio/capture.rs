//! Microphone input: the only module that knows cpal.
//!
//! The rest of the program sees a [`Source`]: a format fixed when the device is opened and a
//! stream of sample blocks in that native format (32-bit float or 16-bit integer, as the device
//! gives them). [`Microphone`] is the cpal implementation; tests drive the recorder with a
//! hand-written source instead. cpal delivers blocks on its own audio thread; they cross to the
//! caller through a bounded channel, so a caller that falls behind slows a file-backed device
//! down instead of losing audio (a real device never waits: the caller drains far faster than
//! real time).

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};

/// How a source delivers its samples. Fixed for the life of the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputFormat {
    pub sample_rate: u32,
    pub channels: u16,
    pub kind: SampleKind,
}

/// The sample encoding kept on disk: whatever the device gives, when the WAV format can hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleKind {
    F32,
    I16,
}

impl SampleKind {
    pub fn describe(self) -> &'static str {
        match self {
            SampleKind::F32 => "32-bit float",
            SampleKind::I16 => "16-bit integer",
        }
    }
}

/// One block of interleaved samples as captured.
#[derive(Debug, Clone, PartialEq)]
pub enum Samples {
    F32(Vec<f32>),
    I16(Vec<i16>),
}

impl Samples {
    /// Number of samples (all channels).
    pub fn len(&self) -> usize {
        match self {
            Samples::F32(v) => v.len(),
            Samples::I16(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Keep the first `n` samples.
    pub fn truncate(&mut self, n: usize) {
        match self {
            Samples::F32(v) => v.truncate(n),
            Samples::I16(v) => v.truncate(n),
        }
    }

    /// The samples scaled to -1.0..=1.0, for metering.
    pub fn to_f32(&self) -> Vec<f32> {
        match self {
            Samples::F32(v) => v.clone(),
            Samples::I16(v) => v.iter().map(|&s| f32::from(s) / 32768.0).collect(),
        }
    }
}

/// Something that captures audio: a microphone, or a fake one in tests.
pub trait Source {
    fn format(&self) -> InputFormat;
    /// Start delivering audio (the device is opened before, so errors show before a countdown).
    fn start(&mut self) -> Result<(), CaptureError>;
    /// The next captured block, or `Ok(None)` when nothing arrived within `timeout`.
    fn next_block(&mut self, timeout: Duration) -> Result<Option<Samples>, CaptureError>;
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    #[error(
        "no input device found; connect a microphone, or list devices with `rehearse devices`"
    )]
    NoDevice,
    #[error("no input device named {name:?} (available: {available}); see `rehearse devices`")]
    NotFound { name: String, available: String },
    #[error("input device {name:?} is busy (another program is using it); close that program and try again")]
    Busy { name: String },
    #[error("no permission to use input device {name:?}; check your system's microphone access")]
    PermissionDenied { name: String },
    #[error("input device {name:?} is not available{detail}; check that a microphone is connected, or list devices with `rehearse devices`")]
    Unavailable { name: String, detail: String },
    #[error("cannot open input device {name:?}: {reason}")]
    Open { name: String, reason: String },
    #[error("input device {name:?} records {format} samples, which rehearse cannot store; pick another device with --device")]
    UnsupportedFormat { name: String, format: String },
    #[error("the input device stopped delivering audio ({reason})")]
    Lost { reason: String },
}

/// One input device as `rehearse devices` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    /// What `--device` takes.
    pub name: String,
    /// The system's description, when it says more than the name.
    pub description: Option<String>,
    /// e.g. "2 ch, 48000 Hz, 32-bit float", or why the device cannot say.
    pub default_config: String,
    pub is_default: bool,
}

/// Every input device of the default host, the default one first.
pub fn list_devices() -> Result<Vec<DeviceInfo>, CaptureError> {
    let _alsa = SystemMessages::capture();
    let host = cpal::default_host();
    let default_name = host.default_input_device().map(|d| device_name(&d));
    let devices = host.input_devices().map_err(|e| CaptureError::Open {
        name: "(all)".into(),
        reason: e.to_string(),
    })?;
    let mut out: Vec<DeviceInfo> = devices
        .map(|device| {
            let name = device_name(&device);
            let description = device
                .description()
                .ok()
                .map(|d| d.name().to_string())
                .filter(|d| *d != name);
            let default_config = match device.default_input_config() {
                Ok(c) => describe_config(c.channels(), c.sample_rate(), c.sample_format()),
                Err(e) => format!("unavailable: {e}"),
            };
            DeviceInfo {
                is_default: Some(&name) == default_name.as_ref(),
                name,
                description,
                default_config,
            }
        })
        .collect();
    out.sort_by_key(|d| !d.is_default);
    Ok(out)
}

/// A cpal input stream feeding a channel. Field order matters: the receiver is dropped before
/// the stream, so an audio thread blocked on a full channel is released before cpal joins it.
pub struct Microphone {
    rx: Receiver<Result<Samples, CaptureError>>,
    stream: cpal::Stream,
    format: InputFormat,
    pub name: String,
}

/// Blocks in flight between the audio thread and the recorder (a few seconds of audio).
const CHANNEL_BLOCKS: usize = 256;

impl Microphone {
    /// Open `name` (or the default input device) at its default configuration, not yet started.
    pub fn open(name: Option<&str>) -> Result<Self, CaptureError> {
        let messages = SystemMessages::capture();
        let host = cpal::default_host();
        let device = match name {
            None => host.default_input_device().ok_or(CaptureError::NoDevice)?,
            Some(wanted) => find_device(&host, wanted)?,
        };
        let name = device_name(&device);
        let config = device
            .default_input_config()
            .map_err(|e| open_error(&name, &e, &messages))?;
        let kind = match config.sample_format() {
            cpal::SampleFormat::F32 => SampleKind::F32,
            cpal::SampleFormat::I16 => SampleKind::I16,
            // Other encodings are asked for as float; a device that cannot deliver float is
            // refused with `UnsupportedFormat` when the stream is built.
            _ => SampleKind::F32,
        };
        let format = InputFormat {
            sample_rate: config.sample_rate(),
            channels: config.channels(),
            kind,
        };
        let (tx, rx) = mpsc::sync_channel(CHANNEL_BLOCKS);
        let stream = build_stream(&device, &config, tx).map_err(|e| match e.kind() {
            cpal::ErrorKind::UnsupportedConfig => CaptureError::UnsupportedFormat {
                name: name.clone(),
                format: config.sample_format().to_string(),
            },
            _ => open_error(&name, &e, &messages),
        })?;
        Ok(Microphone {
            rx,
            stream,
            format,
            name,
        })
    }
}

impl Source for Microphone {
    fn format(&self) -> InputFormat {
        self.format
    }

    fn start(&mut self) -> Result<(), CaptureError> {
        let messages = SystemMessages::capture();
        self.stream
            .play()
            .map_err(|e| open_error(&self.name, &e, &messages))
    }

    fn next_block(&mut self, timeout: Duration) -> Result<Option<Samples>, CaptureError> {
        match self.rx.recv_timeout(timeout) {
            Ok(block) => block.map(Some),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(CaptureError::Lost {
                reason: "the audio stream ended".into(),
            }),
        }
    }
}

/// The name `--device` takes: the system's identifier (ALSA: `default`, `hw:1,0`, ...).
fn device_name(device: &cpal::Device) -> String {
    device
        .id()
        .map(|id| id.id().to_string())
        .or_else(|_| device.description().map(|d| d.name().to_string()))
        .unwrap_or_else(|_| "(unnamed device)".into())
}

fn find_device(host: &cpal::Host, wanted: &str) -> Result<cpal::Device, CaptureError> {
    if let Some(device) = host.device_by_id(&cpal::DeviceId::new(host.id(), wanted)) {
        return Ok(device);
    }
    let devices: Vec<cpal::Device> = host
        .input_devices()
        .map(Iterator::collect)
        .unwrap_or_default();
    let matches = |d: &cpal::Device| {
        device_name(d).eq_ignore_ascii_case(wanted)
            || d.description()
                .is_ok_and(|desc| desc.name().eq_ignore_ascii_case(wanted))
    };
    if let Some(i) = devices.iter().position(matches) {
        return Ok(devices.into_iter().nth(i).expect("index from position"));
    }
    let names: Vec<String> = devices.iter().map(device_name).collect();
    Err(CaptureError::NotFound {
        name: wanted.to_string(),
        available: if names.is_empty() {
            "none".into()
        } else {
            names.join(", ")
        },
    })
}

fn open_error(name: &str, err: &cpal::Error, messages: &SystemMessages) -> CaptureError {
    let name = name.to_string();
    let detail = messages.last();
    match err.kind() {
        cpal::ErrorKind::DeviceBusy => CaptureError::Busy { name },
        cpal::ErrorKind::PermissionDenied => CaptureError::PermissionDenied { name },
        cpal::ErrorKind::DeviceNotAvailable => CaptureError::Unavailable {
            name,
            detail: detail.map_or(String::new(), |d| format!(" ({d})")),
        },
        _ => CaptureError::Open {
            name,
            reason: match detail {
                Some(d) => format!("{} ({d})", one_line(&err.to_string())),
                None => one_line(&err.to_string()),
            },
        },
    }
}

/// ALSA prints its own diagnostics to stderr, several lines per failed open. While one of these
/// lives they are collected for the current thread instead, and the last one can go into our
/// single-line error.
struct SystemMessages {
    #[cfg(target_os = "linux")]
    buffer: Option<std::rc::Rc<std::cell::RefCell<alsa::Output>>>,
}

impl SystemMessages {
    fn capture() -> Self {
        SystemMessages {
            #[cfg(target_os = "linux")]
            buffer: alsa::Output::local_error_handler().ok(),
        }
    }

    /// The latest message, without the name of the ALSA function that reported it.
    fn last(&self) -> Option<String> {
        #[cfg(target_os = "linux")]
        {
            let text = self.buffer.as_ref()?.borrow().to_string();
            let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
            let line = line.split_once(": ").map_or(line, |(_, msg)| msg);
            Some(one_line(line))
        }
        #[cfg(not(target_os = "linux"))]
        None
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn describe_config(channels: u16, rate: u32, format: cpal::SampleFormat) -> String {
    format!("{channels} ch, {rate} Hz, {format}")
}

type Sender = SyncSender<Result<Samples, CaptureError>>;

fn build_stream(
    device: &cpal::Device,
    config: &cpal::SupportedStreamConfig,
    tx: Sender,
) -> Result<cpal::Stream, cpal::Error> {
    let stream_config = config.config();
    let errors = tx.clone();
    let on_error = move |err: cpal::Error| {
        // Over- and underruns lose a few milliseconds; the take goes on.
        if !matches!(
            err.kind(),
            cpal::ErrorKind::Xrun
                | cpal::ErrorKind::RealtimeDenied
                | cpal::ErrorKind::DeviceChanged
        ) {
            let _ = errors.try_send(Err(CaptureError::Lost {
                reason: one_line(&err.to_string()),
            }));
        }
    };
    // `send` blocks only when the recorder is behind, which a real device never sees; once the
    // recorder has gone, sending fails and blocks are dropped.
    match config.sample_format() {
        cpal::SampleFormat::I16 => device.build_input_stream(
            stream_config,
            move |data: &[i16], _: &cpal::InputCallbackInfo| {
                let _ = tx.send(Ok(Samples::I16(data.to_vec())));
            },
            on_error,
            None,
        ),
        _ => device.build_input_stream(
            stream_config,
            move |data: &[f32], _: &cpal::InputCallbackInfo| {
                let _ = tx.send(Ok(Samples::F32(data.to_vec())));
            },
            on_error,
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_samples_scale_to_unit_range() {
        let s = Samples::I16(vec![i16::MIN, 0, 16384]);
        assert_eq!(s.to_f32(), vec![-1.0, 0.0, 0.5]);
    }

    #[test]
    fn truncate_keeps_the_start() {
        let mut s = Samples::F32(vec![0.1, 0.2, 0.3]);
        s.truncate(2);
        assert_eq!(s, Samples::F32(vec![0.1, 0.2]));
        assert_eq!(s.len(), 2);
    }
}
