//! `show --format html` of a 60-minute take stays under 512 MB: the page is written with the
//! take's audio streamed into it as base64, never held whole.
//!
//! The take is made by analysing a short sample (so its report is real), then replacing its
//! stored audio with a 60-minute recording of that sample repeated (sox): `show` embeds the
//! stored audio whatever its length.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use base64::Engine;

/// The bound for one command (docs/security.md).
const BOUND_KB: u64 = 512 * 1024;

fn take_id(home: &Path) -> String {
    let takes = home.join("history/takes");
    let mut ids: Vec<String> = std::fs::read_dir(&takes)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    ids.remove(0)
}

#[test]
fn the_html_page_of_a_60_minute_take_stays_under_512_mb() {
    let home = common::fresh_home();
    let sample = common::sample("fillers.wav");
    let out = common::rehearse()
        .env("REHEARSE_HOME", &home)
        .arg("analyze")
        .arg(&sample)
        .args(["--format", "json"])
        .output()
        .unwrap();
    common::assert_clean_success(&out);
    let id = take_id(&home);
    let folder = home.join("history/takes").join(&id);
    let audio = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("audio.")
        })
        .unwrap();
    // 16 kHz mono 16-bit, the sample repeated to just over 60 minutes.
    let long = folder.join("long.wav");
    common::run_tool(
        "sox",
        &[
            sample.to_str().unwrap(),
            "-r",
            "16000",
            "-c",
            "1",
            "-b",
            "16",
            long.to_str().unwrap(),
            "repeat",
            "112",
        ],
    );
    std::fs::rename(&long, &audio).unwrap();
    let frames = (std::fs::metadata(&audio).unwrap().len() - 44) / 2;
    assert!(frames >= 60 * 60 * 16_000, "{frames} frames");

    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    let time = dir.path().join("time.txt");
    let out = Command::new("/usr/bin/time")
        .arg("-o")
        .arg(&time)
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_rehearse"))
        .args(["show", &id, "--format", "html", "-o"])
        .arg(&page)
        .env("REHEARSE_HOME", &home)
        .stdin(Stdio::null())
        .output()
        .expect("this test needs GNU time (/usr/bin/time)");
    common::assert_clean_success(&out);
    let peak_kb: u64 = std::fs::read_to_string(&time)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(
        peak_kb < BOUND_KB,
        "peak {} MB, bound {} MB",
        peak_kb / 1024,
        BOUND_KB / 1024
    );

    // The page holds the whole take, playable: one data URI decoding to a 16 kHz WAV of every
    // frame.
    let text = std::fs::read_to_string(&page).unwrap();
    let prefix = "src=\"data:audio/wav;base64,";
    assert_eq!(text.matches(prefix).count(), 1);
    let start = text.find(prefix).unwrap() + prefix.len();
    let len = text[start..].find('"').unwrap();
    let wav = base64::engine::general_purpose::STANDARD
        .decode(&text[start..start + len])
        .unwrap();
    let reader = hound::WavReader::new(std::io::Cursor::new(wav)).unwrap();
    assert_eq!(reader.spec().sample_rate, 16_000);
    assert_eq!(u64::from(reader.duration()), frames);
    assert!(!text.contains("<rehearse-audio>"));
    assert!(text.contains("</html>"));
}
