//! The terminal report in a real terminal: the binary runs in a tmux window of a chosen width
//! (standard output is the terminal, so the width comes from it, not from `COLUMNS`), and the
//! screen tmux kept is read back with wrapped lines joined, so a line too long for the window
//! shows as one long line. The default report is a summary that fits the window; a
//! five-minute take stays bounded.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{fresh_home, root, run_tool, sample};

/// A tmux server of our own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new() -> Tmux {
        let home = fresh_home();
        Tmux {
            socket: home.join("tmux.sock").display().to_string(),
        }
    }

    fn run(&self, args: &[&str]) -> String {
        let mut all = vec!["-S", self.socket.as_str()];
        all.extend_from_slice(args);
        run_tool("tmux", &all)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-S", &self.socket, "kill-server"])
            .output();
    }
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `rehearse ARGS` in a tmux window `cols` columns wide; the lines it put on the screen
/// (colour codes dropped, lines the window wrapped joined again), after it exited with 0.
fn in_terminal(cols: u16, home: &Path, args: &[&str]) -> Vec<String> {
    let tmux = Tmux::new();
    let scratch = fresh_home();
    let conf = scratch.join("tmux.conf");
    let status_file = scratch.join("status");
    std::fs::write(
        &conf,
        "set -g remain-on-exit on\nset -g history-limit 50000\nset -g status off\n",
    )
    .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("rehearse");
    let command = format!(
        "cd {} && env -u COLUMNS -u NO_COLOR -u REHEARSE_MODEL REHEARSE_HOME={} {} {}; \
         echo $? > {}; printf '\\n\\n'",
        quoted(&root().display().to_string()),
        quoted(&home.display().to_string()),
        quoted(&bin.display().to_string()),
        args.iter().map(|a| quoted(a)).collect::<Vec<_>>().join(" "),
        quoted(&status_file.display().to_string()),
    );
    tmux.run(&[
        "-f",
        &conf.display().to_string(),
        "new-session",
        "-d",
        "-x",
        &cols.to_string(),
        "-y",
        "40",
        "-s",
        "report",
        &command,
    ]);
    // Once the pane is dead tmux has read all the program wrote.
    let start = Instant::now();
    while tmux
        .run(&["display", "-p", "-t", "report", "#{pane_dead}"])
        .trim()
        != "1"
    {
        assert!(
            start.elapsed() < Duration::from_secs(900),
            "rehearse did not finish"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let status = std::fs::read_to_string(&status_file).unwrap_or_default();
    let screen = tmux.run(&[
        "capture-pane",
        "-p",
        "-J",
        "-S",
        "-",
        "-E",
        "-",
        "-t",
        "report",
    ]);
    assert_eq!(status.trim(), "0", "rehearse failed:\n{screen}");
    let mut lines: Vec<String> = screen
        .lines()
        // tmux's own note, written over the screen's last line.
        .map(|l| l.split("Pane is dead (").next().unwrap_or_default())
        .map(|l| l.trim_end().to_string())
        .collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

fn widest(lines: &[String]) -> usize {
    lines.iter().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn the_default_report_fits_an_80_column_terminal_and_uses_120() {
    // Analysed once and saved; the wider and the detailed reports are the saved take's, shown
    // again (the same report, without decoding the take twice more).
    let home = fresh_home();
    let file = sample("fillers.wav").display().to_string();
    let at_80 = in_terminal(80, &home, &["analyze", &file, "--quiet"]);
    let text = at_80.join("\n");
    assert!(text.contains("Overall needs work"), "{text}");
    assert!(text.contains("Transcript"), "{text}");
    assert!(widest(&at_80) <= 80, "a line over 80 columns:\n{text}");
    assert!(at_80.len() <= 60, "{} lines:\n{text}", at_80.len());
    // The filler line says how many there were in all, whatever it lists.
    assert!(text.contains("13 in all: "), "{text}");
    assert!(!text.contains("How this was measured"), "{text}");

    let at_120 = in_terminal(120, &home, &["show", "last"]);
    let wide = at_120.join("\n");
    assert!(
        widest(&at_120) > 100 && widest(&at_120) <= 120,
        "widest line {} at 120 columns:\n{wide}",
        widest(&at_120)
    );
    assert!(at_120.len() < at_80.len(), "{wide}");

    // --detail has everything, still within the width.
    let detail = in_terminal(80, &home, &["show", "last", "--detail"]);
    let full = detail.join("\n");
    assert!(widest(&detail) <= 80, "{full}");
    for part in [
        "How this was measured:",
        "Your answer, restructured",
        "score: ",
        "0:05-0:10 monotone",
    ] {
        assert!(full.contains(part), "{part}:\n{full}");
        assert!(!text.contains(part), "{part} in the summary:\n{text}");
    }
}

/// About five minutes of real speech: the samples and the shared real recordings, resampled
/// to 16 kHz mono and joined.
fn five_minutes() -> PathBuf {
    let dir = fresh_home();
    let mut parts: Vec<PathBuf> = ["fillers.wav", "star-clean.wav", "long-pauses.wav"]
        .iter()
        .map(|n| sample(n))
        .collect();
    let mut real: Vec<PathBuf> = std::fs::read_dir("/work/shared/realspeech")
        .expect("the shared real recordings")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    real.sort();
    parts.extend(real);
    let mut joined = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        let out = dir.join(format!("{i}.wav"));
        run_tool(
            "sox",
            &[
                "-V1",
                &p.display().to_string(),
                "-r",
                "16000",
                "-c",
                "1",
                "-b",
                "16",
                &out.display().to_string(),
            ],
        );
        joined.push(out.display().to_string());
    }
    let long = dir.join("five-minutes.wav");
    let mut args: Vec<&str> = vec!["-V1"];
    args.extend(joined.iter().map(String::as_str));
    let target = long.display().to_string();
    args.push(&target);
    run_tool("sox", &args);
    long
}

#[test]
fn a_five_minute_take_gives_a_bounded_report_that_says_how_to_see_all_of_it() {
    let long = five_minutes();
    let home = fresh_home();
    let file = long.display().to_string();
    let lines = in_terminal(80, &home, &["analyze", &file, "--quiet"]);
    let text = lines.join("\n");
    // The header wraps where the file's path is long (CI's temporary folder is), so its
    // words are checked with the line breaks and indents taken out.
    let header = lines[..3].join(" ");
    let header = header.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(header.contains("4:55 recording, 16000 Hz 1 ch"), "{text}");
    assert!(widest(&lines) <= 80, "a line over 80 columns:\n{text}");
    eprintln!("a 4:55 take: {} lines at 80 columns", lines.len());
    assert!(lines.len() <= 70, "{} lines:\n{text}", lines.len());
    assert!(
        text.contains("more lines of transcript: --detail shows all of it."),
        "{text}"
    );

    // The saved take's report again, in full.
    let detail = in_terminal(80, &home, &["show", "last", "--detail"]);
    assert!(
        detail.len() > lines.len() + 40,
        "--detail shows the whole transcript: {} lines against {}",
        detail.len(),
        lines.len()
    );
    eprintln!("with --detail: {} lines", detail.len());
    assert!(widest(&detail) <= 80, "{}", detail.join("\n"));
}
