//! Damaged files of every supported format, decoded in-process: the decoder returns audio or an
//! error for each, and never panics. Files are made at test time (espeak-ng, sox, ffmpeg) and
//! then truncated at random points or overwritten with random bytes, in the header and the body.

use std::path::{Path, PathBuf};
use std::process::Command;

fn tool(cmd: &str, args: &[&str]) {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("this test needs `{cmd}` ({e})"));
    assert!(
        out.status.success(),
        "{cmd} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn originals(dir: &Path) -> Vec<PathBuf> {
    let wav = dir.join("speech.wav");
    tool(
        "espeak-ng",
        &[
            "-w",
            wav.to_str().unwrap(),
            "We had a deadline in two weeks.",
        ],
    );
    let stereo = dir.join("stereo.wav");
    tool(
        "sox",
        &[
            wav.to_str().unwrap(),
            "-r",
            "44100",
            "-c",
            "2",
            stereo.to_str().unwrap(),
        ],
    );
    let mut files = vec![wav.clone(), stereo.clone()];
    for ext in ["flac", "mp3", "ogg"] {
        let out = dir.join(format!("a.{ext}"));
        tool("sox", &[stereo.to_str().unwrap(), out.to_str().unwrap()]);
        files.push(out);
    }
    for (name, codec) in [
        ("a.m4a", "aac"),
        ("a.opus", "libopus"),
        ("a.webm", "libopus"),
    ] {
        let out = dir.join(name);
        let s = stereo.to_str().unwrap();
        tool(
            "ffmpeg",
            &[
                "-loglevel",
                "error",
                "-y",
                "-i",
                s,
                "-c:a",
                codec,
                out.to_str().unwrap(),
            ],
        );
        files.push(out);
    }
    files
}

#[test]
fn damaged_files_never_panic_the_decoder() {
    let dir = tempfile::tempdir().unwrap();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut rnd = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed as usize
    };
    let mut decoded = 0;
    let mut refused = 0;
    for original in originals(dir.path()) {
        let bytes = std::fs::read(&original).unwrap();
        let name = original.file_name().unwrap().to_string_lossy().into_owned();
        for round in 0..60 {
            let mut b = bytes.clone();
            match round % 4 {
                0 => b.truncate(rnd() % b.len()),
                1 => {
                    for _ in 0..1 + rnd() % 50 {
                        let i = rnd() % b.len();
                        b[i] = rnd() as u8;
                    }
                }
                2 => {
                    // The header, where a bad length or count does the most harm.
                    let at = rnd() % b.len().min(512);
                    for k in 0..8 {
                        let i = (at + k).min(b.len() - 1);
                        b[i] = rnd() as u8;
                    }
                }
                _ => {
                    // The tail: the MP4 index and Ogg/Matroska trailers live there.
                    let at = b.len().saturating_sub(1 + rnd() % 4096);
                    for k in 0..16 {
                        let i = (at + k).min(b.len() - 1);
                        b[i] = rnd() as u8;
                    }
                }
            }
            let path = dir.path().join(format!("damaged-{round}-{name}"));
            std::fs::write(&path, &b).unwrap();
            match rehearse::audio::load(&path) {
                Ok(a) => {
                    assert!(
                        a.samples.iter().all(|v| v.is_finite()),
                        "{name} round {round}"
                    );
                    decoded += 1;
                }
                Err(e) => {
                    let msg = e.to_string();
                    assert!(!msg.contains('\n') && msg.contains("damaged-"), "{msg}");
                    refused += 1;
                }
            }
            std::fs::remove_file(&path).unwrap();
        }
    }
    eprintln!("{decoded} damaged files decoded (with warnings), {refused} refused with an error");
    assert!(decoded > 0 && refused > 0);
}
