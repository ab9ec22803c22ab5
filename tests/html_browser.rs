//! The HTML report in a real browser: the real binary and model make a report of
//! `samples/fillers.wav`, headless Chromium (Debian's `chromium` package) loads it, and the
//! page as the browser built it is checked: the inline script ran without errors, nothing
//! was blocked by the page's no-network Content-Security-Policy, the timeline SVG and the
//! highlighted fillers are there. A screenshot is saved for a person to look at.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use common::{assert_clean_success, rehearse, sample};

/// Debian's chromium, or another Chromium/Chrome on PATH.
fn browser() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            let out = Command::new("which").arg(name).output().ok()?;
            out.status
                .success()
                .then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
        })
}

fn tmp() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("html-browser");
    std::fs::create_dir_all(&dir).expect("tmp dir");
    dir
}

/// Headless, isolated, and quiet on the network: no sync, updates or field trials.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--virtual-time-budget=3000",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

fn html_report(path: &Path) {
    let out = rehearse()
        .arg("analyze")
        .arg(sample("fillers.wav"))
        .args(["--format", "html", "--quiet", "--no-save", "-o"])
        .arg(path)
        .output()
        .expect("runs");
    assert_clean_success(&out);
}

/// Everything the page wrote to its console: Chromium logs it on stderr as `...:CONSOLE:...`
/// with --enable-logging, including script errors and requests the CSP blocked. The page
/// itself logs nothing, so any line is a failure.
fn console_messages(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_report_loads_in_a_real_browser_without_errors_or_requests() {
    let Some(browser) = browser() else {
        if std::env::var_os("REHEARSE_SKIP_BROWSER_TEST").is_some() {
            eprintln!("skipped: no chromium (REHEARSE_SKIP_BROWSER_TEST is set)");
            return;
        }
        panic!("no chromium on PATH: `apt-get install chromium` (scripts/setup.sh does), or set REHEARSE_SKIP_BROWSER_TEST=1");
    };
    let dir = tmp();
    let page = dir.join("fillers.html");
    html_report(&page);
    let html = std::fs::read_to_string(&page).expect("the report was written");
    assert!(!html.contains("http://") && !html.contains("https://"));

    let started = Instant::now();
    let dom = headless(&browser, &dir.join("profile-dom"))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    let built = String::from_utf8_lossy(&dom.stdout);
    assert!(
        built.contains("data-script=\"ran\""),
        "the inline script did not run"
    );
    assert!(
        !built.contains("data-errors="),
        "script errors: {built:.2000}"
    );
    assert!(
        !built.contains("data-blocked="),
        "blocked requests: {built:.2000}"
    );
    assert_eq!(console_messages(&dom), Vec::<String>::new());
    assert!(built.contains("<svg class=\"timeline\""));
    assert!(built.contains("<polyline class=\"pace\""));
    assert!(built.contains("class=\"filler-mark\""));
    assert!(
        built.contains("class=\"w filler\""),
        "no highlighted filler"
    );
    assert!(built.contains("<audio id=\"player\""));

    let shot = dir.join("report.png");
    let _ = std::fs::remove_file(&shot);
    let out = headless(&browser, &dir.join("profile-shot"))
        .arg("--window-size=1100,1900")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).expect("a screenshot");
    assert_eq!(&png[1..4], b"PNG");
    eprintln!(
        "browser checks took {:.1} s; screenshot: {}",
        started.elapsed().as_secs_f64(),
        shot.display()
    );
}
