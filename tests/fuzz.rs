//! Fuzzing with proptest, bounded in time (a few hundred cases each; `PROPTEST_CASES` raises
//! it), in the normal test run: the decoders on crafted WAV headers and on damaged FLAC, MP3,
//! Ogg and M4A files, and the import parser on crafted exports.
//!
//! The whole test binary runs under an address-space limit (`RLIMIT_AS`, 2 GiB): a decoder
//! that reserves memory for what a header announces, rather than for what it reads, aborts
//! the binary instead of passing. Each decoded file must also stay within what its size
//! allows ([`decode::allowed_seconds`]), and an import must create nothing but take folders
//! named by valid ids, inside the store.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use proptest::prelude::*;
use rehearse::audio::{self, decode, wav, TARGET_RATE};
use rehearse::store::Store;

/// Limit the address space of this test binary once, before the first case runs.
fn limit_memory() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        #[cfg(unix)]
        {
            let limit = libc::rlimit {
                rlim_cur: 2 << 30,
                rlim_max: libc::RLIM_INFINITY,
            };
            // SAFETY: setrlimit reads the struct passed by reference; no other effects.
            let rc = unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
            assert_eq!(rc, 0, "setrlimit failed");
        }
    });
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(cases),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Decode `bytes` as a file; the decoder may refuse it, but may not hang, abort, or return
/// more audio than the file's size allows.
fn decode_bytes(dir: &Path, name: &str, bytes: &[u8]) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    match audio::load(&path) {
        Ok(a) => {
            let allowed = decode::allowed_seconds(bytes.len() as u64) * u64::from(TARGET_RATE);
            assert!(
                (a.samples.len() as u64) <= allowed + u64::from(TARGET_RATE),
                "{name}: {} samples from {} bytes",
                a.samples.len(),
                bytes.len()
            );
            assert!(a.samples.iter().all(|v| v.is_finite()), "{name}");
            assert!(
                a.samples.is_empty()
                    || (decode::MIN_RATE..=decode::MAX_RATE).contains(&a.source.sample_rate),
                "{name}: decoded at {} Hz",
                a.source.sample_rate
            );
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(!msg.contains('\n'), "{msg}");
        }
    }
}

/// A RIFF/WAVE file from header fields and a body, as a crafted file would be.
#[allow(clippy::too_many_arguments)]
fn wav_bytes(
    tag: u16,
    channels: u16,
    rate: u32,
    byte_rate: u32,
    align: u16,
    bits: u16,
    declared: u32,
    body: &[u8],
) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(b"RIFF");
    b.extend_from_slice(&(36 + body.len() as u32).to_le_bytes());
    b.extend_from_slice(b"WAVEfmt ");
    b.extend_from_slice(&16u32.to_le_bytes());
    b.extend_from_slice(&tag.to_le_bytes());
    b.extend_from_slice(&channels.to_le_bytes());
    b.extend_from_slice(&rate.to_le_bytes());
    b.extend_from_slice(&byte_rate.to_le_bytes());
    b.extend_from_slice(&align.to_le_bytes());
    b.extend_from_slice(&bits.to_le_bytes());
    b.extend_from_slice(b"data");
    b.extend_from_slice(&declared.to_le_bytes());
    b.extend_from_slice(body);
    b
}

fn scratch() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().unwrap()).path()
}

fn tool(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("this test needs `{cmd}` ({e})"));
    assert!(out.status.success(), "{cmd} {args:?}");
}

/// One second of a tone in each compressed format, made once.
fn seeds() -> &'static Vec<(String, Vec<u8>)> {
    static SEEDS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let dir = scratch().join("seeds");
        std::fs::create_dir_all(&dir).unwrap();
        let mut out = Vec::new();
        for ext in ["flac", "mp3", "ogg"] {
            let p = dir.join(format!("tone.{ext}"));
            let s = p.to_str().unwrap();
            tool(
                "sox",
                &[
                    "-n", "-r", "22050", "-c", "2", s, "synth", "1", "sine", "300",
                ],
            );
            out.push((ext.to_string(), std::fs::read(&p).unwrap()));
        }
        let p = dir.join("tone.m4a");
        tool(
            "ffmpeg",
            &[
                "-loglevel",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "sine=f=300:d=1",
                "-c:a",
                "aac",
                p.to_str().unwrap(),
            ],
        );
        out.push(("m4a".to_string(), std::fs::read(&p).unwrap()));
        out
    })
}

proptest! {
    #![proptest_config(config(300))]

    #[test]
    fn crafted_wav_headers_are_decoded_or_refused_within_bounds(
        tag in prop::sample::select(vec![1u16, 3, 6, 7, 2, 0x11, 0xfffe, 0, 0x55]),
        channels in prop_oneof![1u16..=8, any::<u16>()],
        rate in prop_oneof![
            prop::sample::select(vec![0u32, 1, 2, 100, 3999, 4000, 8000, 16000, 44100,
                                      768_000, 768_001, u32::MAX]),
            any::<u32>(),
        ],
        byte_rate in any::<u32>(),
        align in prop_oneof![1u16..=16, any::<u16>()],
        bits in prop::sample::select(vec![0u16, 1, 4, 8, 16, 24, 32, 64, 65535]),
        declared in prop_oneof![Just(0u32), Just(u32::MAX), any::<u32>()],
        body in prop::collection::vec(any::<u8>(), 0..4096),
    ) {
        limit_memory();
        let bytes = wav_bytes(tag, channels, rate, byte_rate, align, bits, declared, &body);
        decode_bytes(scratch(), "crafted.wav", &bytes);
    }

    #[test]
    fn the_wav_header_walk_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        limit_memory();
        let path = scratch().join("walk.wav");
        let mut b = b"RIFF\0\0\0\0WAVE".to_vec();
        b.extend_from_slice(&bytes);
        std::fs::write(&path, &b).unwrap();
        let mut f = std::fs::File::open(&path).unwrap();
        let _ = wav::inspect(&mut f, b.len() as u64).unwrap();
    }

    #[test]
    fn damaged_compressed_files_are_decoded_or_refused_within_bounds(
        which in 0usize..4,
        cut in prop::option::of(any::<prop::sample::Index>()),
        writes in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..24),
        in_header in any::<bool>(),
    ) {
        limit_memory();
        let (ext, seed) = &seeds()[which];
        let mut b = seed.clone();
        for (at, v) in writes {
            let span = if in_header { b.len().min(256) } else { b.len() };
            let i = at.index(span);
            b[i] = v;
        }
        if let Some(cut) = cut {
            b.truncate(cut.index(b.len()));
        }
        decode_bytes(scratch(), &format!("damaged.{ext}"), &b);
    }
}

/// Ids an attacker would try, and arbitrary ones.
fn crafted_id() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-f]{8}",
        Just(".staging-".to_string()),
        Just("/../../../../tmp/rehearse-fuzz-x".to_string()),
        "\\.deleted-[0-9a-f]{8}",
        "\\.staging-[0-9a-f]{8}-[0-9]{1,6}",
        "(\\.\\./){1,4}[a-z]{1,6}",
        "[0-9a-f]{8}/\\.\\.",
        "[\\x00-\\x1f./A-Za-z0-9\u{202e}-]{0,24}",
    ]
}

fn crafted_take() -> impl Strategy<Value = serde_json::Value> {
    (
        crafted_id(),
        prop_oneof!["[0-9a-f]{64}", "[ -~]{0,70}"],
        prop_oneof![
            Just(serde_json::json!({"pace": {"wpm": 1}})),
            Just(serde_json::Value::Null),
            Just(serde_json::json!([1])),
            Just(serde_json::json!("x"))
        ],
        prop_oneof![
            Just(serde_json::json!(3.5)),
            Just(serde_json::json!(-1)),
            Just(serde_json::json!(1e300)),
            Just(serde_json::json!("long"))
        ],
        prop::option::of("[\\x00-\\x7f]{0,40}"),
        0i64..4_000_000_000,
    )
        .prop_map(|(id, sha, report, duration, question, secs)| {
            serde_json::json!({
                "id": id,
                "created": jiff::Timestamp::from_second(secs).unwrap().to_string(),
                "question": question,
                "source_path": "/elsewhere/a.wav",
                "source_sha256": sha,
                "audio_file": "audio.wav",
                "model": "m",
                "duration_s": duration,
                "report": report,
            })
        })
}

/// Every path under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            if p.is_dir() && !p.is_symlink() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

proptest! {
    #![proptest_config(config(120))]

    #[test]
    fn a_crafted_export_creates_nothing_but_valid_take_folders(
        takes in prop::collection::vec(crafted_take(), 1..5),
    ) {
        limit_memory();
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        let mut store = Store::open(&data).unwrap();
        let export = serde_json::json!({"format": "rehearse-takes", "version": 1, "takes": takes});
        let summary = rehearse::history::import(&mut store, &export.to_string()).unwrap();
        prop_assert_eq!(
            summary.stored.len() + summary.duplicates.len() + summary.refused.len(),
            takes.len()
        );
        // Nothing outside the data dir, nothing in the store but the index and take folders.
        prop_assert!(tree(&outside).is_empty());
        let top: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        prop_assert_eq!(top.len(), 2, "{:?}", top);
        let takes_dir = store.takes_dir();
        let folders: Vec<String> = std::fs::read_dir(&takes_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        for f in &folders {
            prop_assert!(f.len() == 8 && f.bytes().all(|b| b.is_ascii_hexdigit()), "folder {:?}", f);
            let meta: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(takes_dir.join(f).join("meta.json")).unwrap(),
            ).unwrap();
            prop_assert_eq!(meta["id"].as_str(), Some(f.as_str()));
        }
        prop_assert_eq!(folders.len(), summary.stored.len());
        prop_assert_eq!(store.list().unwrap().len(), summary.stored.len());
        prop_assert!(!Path::new("/tmp/rehearse-fuzz-x").exists());
    }

    #[test]
    fn the_import_parser_takes_any_text(text in "\\PC{0,200}") {
        limit_memory();
        let tmp = tempfile::tempdir().unwrap();
        let mut store = Store::open(tmp.path()).unwrap();
        let _ = rehearse::history::import(&mut store, &text);
        let wrapped = format!("{{\"format\": \"rehearse-takes\", \"version\": 1, \"takes\": [{text}]}}");
        let _ = rehearse::history::import(&mut store, &wrapped);
    }
}
