//! Markdown reports get pasted into notes apps and rendered (issue 27, item 4). Every string a
//! report holds can come from outside: an imported export can put anything in any field, a file
//! name can hold `<`, `[` and newlines, and `--question` is free text. Through the real binary,
//! none of it may reach `show --format markdown` or `analyze --format markdown` as raw HTML, a
//! link or image, or a line of its own. The audio here is near-silence, so no transcription
//! runs.

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{json, Value};

/// Everything a renderer must neutralise, after a per-field marker so each field can be found.
const PAYLOAD: &str = " <script>alert(1)</script> <img src=x onerror=alert(1)> \
    [x](javascript:alert(1)) ![i](javascript:alert(2)) | cell\n# injected heading\n- injected item";

fn hostile(marker: &str) -> String {
    format!("MARK{marker}{PAYLOAD}")
}

/// The markers of every field [`poison`] fills.
const FIELDS: [&str; 18] = [
    "path",
    "encoding",
    "engine",
    "warning",
    "headline",
    "fix",
    "question",
    "qid",
    "strong",
    "check",
    "why",
    "word",
    "method",
    "coaching",
    "storyname",
    "storytitle",
    "point",
    "wander",
];

fn run(home: &Path, args: &[&str]) -> Output {
    common::rehearse()
        .env("REHEARSE_HOME", home)
        .args(args)
        .output()
        .expect("runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8")
}

fn quiet_wav(path: &Path) {
    let mut x: u32 = 2_654_435_761;
    let samples: Vec<f32> = (0..16_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x % 7) as f32 / 32768.0
        })
        .collect();
    common::write_wav(path, 16000, &samples);
}

/// A real report (of near-silence) with every text field a hostile string.
fn poison(report: &mut Value) {
    report["speech_found"] = json!(true);
    report["audio"]["path"] = json!(hostile("path"));
    report["audio"]["source_encoding"] = json!(hostile("encoding"));
    report["model"]["engine"] = json!(hostile("engine"));
    report["warnings"] = json!([hostile("warning")]);
    report["summary"]["headline"] = json!(hostile("headline"));
    report["summary"]["top_fixes"] = json!([{"area": "star", "fix": hostile("fix")}]);
    let q = &mut report["question"];
    q["text"] = json!(hostile("question"));
    q["id"] = json!(hostile("qid"));
    q["strong_answer"] = json!([hostile("strong")]);
    q["checks"][0]["message"] = json!(hostile("check"));
    q["checks"][0]["why"] = json!(hostile("why"));
    report["transcript"]["words"] =
        json!([{"text": hostile("word"), "start_s": 0.1, "end_s": 0.5, "filler": false}]);
    report["methods"]["length"] = json!(hostile("method"));
    report["star"]["coaching"] = json!([hostile("coaching")]);
    report["story"] = json!({
        "name": hostile("storyname"),
        "title": hostile("storytitle"),
        "points": [{
            "text": hostile("point"), "part": "action", "covered": true, "verdict": "covered",
            "said_at_s": 0.2, "match": 1.0
        }],
        "covered": 1, "missed": 0, "cant_tell": 0,
        "wandered": [{"text": hostile("wander"), "start_s": 0.1, "end_s": 0.5}],
        "method": "test"
    });
}

/// Nothing in `md` is raw HTML, a link or an image, or a line that hostile text started.
fn assert_inert(md: &str) {
    for raw in ["<script", "<img", "](javascript:", "![", "<https"] {
        assert!(!md.contains(raw), "{raw:?} reached the Markdown raw:\n{md}");
    }
    for line in md.lines() {
        let body = line.trim_start_matches(['-', ' ', '>', '|']);
        assert!(
            !body.starts_with("# injected") && !body.starts_with("- injected"),
            "hostile text started a line of its own: {line:?}"
        );
    }
    assert_eq!(
        md.lines().filter(|l| l.starts_with("# ")).count(),
        1,
        "one top heading:\n{md}"
    );
}

/// The `|` in `line` that Markdown would take as cell borders (not escaped with `\`).
fn cell_borders(line: &str) -> usize {
    let mut n = 0;
    let mut prev = ' ';
    for c in line.chars() {
        if c == '|' && prev != '\\' {
            n += 1;
        }
        prev = c;
    }
    n
}

fn exported_take(dir: &Path) -> Value {
    let home = common::fresh_home();
    let wav = dir.join("answer.wav");
    quiet_wav(&wav);
    stdout(&run(
        &home,
        &[
            "analyze",
            wav.to_str().unwrap(),
            "--question",
            "Tell me about a conflict",
        ],
    ));
    let export: Value = serde_json::from_str(&stdout(&run(&home, &["export", "--json"]))).unwrap();
    export["takes"][0].clone()
}

fn import(home: &Path, dir: &Path, take: Value) -> PathBuf {
    let file = dir.join("export.json");
    let doc = json!({"format": "rehearse-takes", "version": 1, "takes": [take]});
    std::fs::write(&file, doc.to_string()).unwrap();
    stdout(&run(home, &["import", file.to_str().unwrap()]));
    file
}

#[test]
fn an_imported_report_shows_as_inert_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    let mut take = exported_take(tmp.path());
    poison(&mut take["report"]);
    let home = common::fresh_home();
    import(&home, tmp.path(), take.clone());
    let id = take["id"].as_str().unwrap();
    let md = stdout(&run(&home, &["show", id, "--format", "markdown"]));

    assert_inert(&md);
    // Every poisoned field is in the page (so each was rendered, and escaped).
    for field in FIELDS {
        assert!(
            md.contains(&format!(
                "MARK{field} &lt;script&gt;alert(1)&lt;/script&gt;"
            )),
            "field {field} is missing or not escaped:\n{md}"
        );
    }
    // The file name, newline and all, stays in the heading's one line.
    let heading = md.lines().next().unwrap();
    assert!(
        heading.starts_with("# Rehearsal report: MARKpath"),
        "{heading}"
    );
    assert!(
        heading.contains("\\# injected heading - injected item"),
        "{heading}"
    );
    assert!(
        heading.contains("\\[x\\]\\(javascript:alert(1))"),
        "{heading}"
    );
    // A pipe in a story point does not add a table cell: the row keeps its 5 borders.
    let row = md
        .lines()
        .find(|l| l.starts_with("| MARKpoint"))
        .expect("the story table row");
    assert_eq!(cell_borders(row), 5, "{row}");
}

#[test]
fn analyze_markdown_keeps_a_hostile_file_name_in_its_heading() {
    let tmp = tempfile::tempdir().unwrap();
    let wav = tmp
        .path()
        .join("MARKfile <img src=x onerror=alert(1)>\n# [x](javascript:alert(1)).wav");
    quiet_wav(&wav);
    let md = stdout(&run(
        &common::fresh_home(),
        &[
            "analyze",
            wav.to_str().unwrap(),
            "--no-save",
            "--format",
            "markdown",
            "--question",
            &hostile("question"),
        ],
    ));
    assert_inert(&md);
    let heading = md.lines().next().unwrap();
    assert!(heading.starts_with("# Rehearsal report: "), "{heading}");
    assert!(
        heading.ends_with(
            "MARKfile &lt;img src=x onerror=alert(1)&gt; \\# \\[x\\]\\(javascript:alert(1)).wav"
        ),
        "{heading}"
    );
}
