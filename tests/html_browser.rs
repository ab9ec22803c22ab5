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

/// The browser, or None when the test may be skipped (REHEARSE_SKIP_BROWSER_TEST is set).
/// The page at `url` as Chromium built it (`--dump-dom`) in a window of `window` pixels,
/// after checking Chromium succeeded and the page logged nothing to the console.
fn dumped_dom(browser: &Path, profile: &Path, window: (u32, u32), url: &str) -> String {
    let dom = headless(browser, profile)
        .args(["--allow-file-access-from-files", "--dump-dom"])
        .arg(format!("--window-size={},{}", window.0, window.1))
        .arg(url)
        .output()
        .expect("chromium runs");
    assert!(
        dom.status.success(),
        "{}",
        String::from_utf8_lossy(&dom.stderr)
    );
    assert_eq!(console_messages(&dom), Vec::<String>::new());
    String::from_utf8_lossy(&dom.stdout).into_owned()
}

fn browser_or_skip() -> Option<PathBuf> {
    let found = browser();
    if found.is_none() {
        if std::env::var_os("REHEARSE_SKIP_BROWSER_TEST").is_some() {
            eprintln!("skipped: no chromium (REHEARSE_SKIP_BROWSER_TEST is set)");
            return None;
        }
        panic!("no chromium on PATH: `apt-get install chromium` (scripts/setup.sh does), or set REHEARSE_SKIP_BROWSER_TEST=1");
    }
    found
}

#[test]
fn the_report_loads_in_a_real_browser_without_errors_or_requests() {
    let Some(browser) = browser_or_skip() else {
        return;
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

/// Phone width (an iPhone 12-15 is 390 CSS pixels wide).
const PHONE: (u32, u32) = (390, 844);
/// Smallest chart text, in CSS pixels on screen, that counts as readable on a phone.
const MIN_CHART_TEXT_PX: f64 = 11.0;

/// A page showing `page` in a phone-sized frame (headless Chromium will not make its window
/// narrower than 500 px, a frame can be): once loaded, it scrolls the first chart into view
/// and measures, as laid out, every chart text (font size times the SVG's scale on screen),
/// the frame's width and whether the report scrolls sideways, and writes them on
/// `<body data-probe="...">` for `--dump-dom` to show.
fn phone_frame(page: &Path) -> String {
    format!(
        r#"<!doctype html><html><body style="margin:0">
<iframe id="f" src="{src}" style="width:{w}px;height:{h}px;border:0"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {{
  var d = this.contentDocument, w = this.contentWindow;
  var texts = d.querySelectorAll('svg.timeline text, svg.progress text');
  var min = 1e9;
  texts.forEach(function (t) {{
    var m = t.getScreenCTM();
    if (m) {{ min = Math.min(min, parseFloat(w.getComputedStyle(t).fontSize) * m.a); }}
  }});
  var chart = d.querySelector('figure');
  if (chart) {{ chart.scrollIntoView(); }}
  var root = d.documentElement;
  document.body.setAttribute('data-probe', 'texts=' + texts.length + ';min=' + min.toFixed(2) +
    ';width=' + w.innerWidth + ';overflow=' + (root.scrollWidth - root.clientWidth));
}});
</script></body></html>"#,
        src = page.file_name().expect("a file").to_string_lossy(),
        w = PHONE.0,
        h = PHONE.1
    )
}

/// The probe's findings on `page` in a phone-wide frame: (chart texts, smallest text px,
/// frame width, report overflow px); a screenshot of the frame goes to `shot`.
fn at_phone_width(browser: &Path, dir: &Path, page: &Path, shot: &Path) -> (usize, f64, u32, i64) {
    let frame = page.with_extension("phone.html");
    std::fs::write(&frame, phone_frame(page)).expect("write the frame page");
    let url = format!("file://{}", frame.display());
    let built = dumped_dom(browser, &dir.join("profile-phone"), (500, 900), &url);
    let probe = built
        .split("data-probe=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the probe did not run on {}", page.display()))
        .to_string();
    let field = |name: &str| -> f64 {
        probe
            .split(';')
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {probe}"))
    };

    let _ = std::fs::remove_file(shot);
    let out = headless(browser, &dir.join("profile-phone-shot"))
        .arg("--allow-file-access-from-files")
        .arg(format!("--window-size={},{}", PHONE.0, PHONE.1))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(shot).expect("a screenshot");
    assert_eq!(&png[1..4], b"PNG");
    (
        field("texts") as usize,
        field("min"),
        field("width") as u32,
        field("overflow") as i64,
    )
}

/// The report's timeline and the progress page's charts at 390 px: chart text at least
/// 11 px on screen (the chart scrolls sideways instead of shrinking), and the page itself
/// no wider than the phone. Screenshots are saved for a person to look at.
#[test]
fn charts_are_readable_at_phone_width() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dir = tmp().join("phone");
    std::fs::create_dir_all(&dir).expect("dir");
    let home = common::fresh_home();
    // Two takes saved in one run (one model load), then their reports and the progress page.
    let out = rehearse()
        .env("REHEARSE_HOME", &home)
        .arg("analyze")
        .arg(sample("fillers.wav"))
        .arg(sample("long-pauses.wav"))
        .args(["--format", "html", "--quiet", "-o"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_clean_success(&out);
    let progress = dir.join("progress.html");
    let out = rehearse()
        .env("REHEARSE_HOME", &home)
        .args(["progress", "--format", "html", "-o"])
        .arg(&progress)
        .output()
        .expect("runs");
    assert_clean_success(&out);

    for page in [dir.join("fillers.wav.html"), progress] {
        let shot = page.with_extension("phone.png");
        let (texts, min_px, width, overflow) = at_phone_width(&browser, &dir, &page, &shot);
        let name = page.file_name().unwrap().to_string_lossy().to_string();
        assert_eq!(width, PHONE.0, "{name}: the frame is not phone-wide");
        assert!(texts >= 8, "{name}: only {texts} chart texts");
        assert!(
            min_px >= MIN_CHART_TEXT_PX,
            "{name}: chart text shrinks to {min_px:.1} px at {} px wide",
            PHONE.0
        );
        assert!(
            overflow <= 0,
            "{name}: the page is {overflow} px wider than the phone"
        );
        eprintln!(
            "{name}: {texts} chart texts, smallest {min_px:.1} px on screen; {}",
            shot.display()
        );
    }
}

/// A desktop window's width, for the same checks as at [`PHONE`].
const DESKTOP: (u32, u32) = (1280, 900);

/// Runs `probe` (a script body with `d`, the page's document, and `w`, its window) once
/// `page` has loaded in a frame of `size` CSS pixels, before anything is scrolled, and
/// returns what it returned, from `--dump-dom`.
fn probe_in_frame(
    browser: &Path,
    dir: &Path,
    page: &Path,
    size: (u32, u32),
    probe: &str,
) -> String {
    let frame = page.with_extension(format!("probe-{}.html", size.0));
    let html = format!(
        r#"<!doctype html><html><body style="margin:0">
<iframe id="f" src="{src}" style="width:{w}px;height:{h}px;border:0"></iframe>
<script>
document.getElementById('f').addEventListener('load', function () {{
  var d = this.contentDocument, w = this.contentWindow;
  var found = (function () {{ {probe} }})();
  document.body.setAttribute('data-probe', String(found));
}});
</script></body></html>"#,
        src = page.file_name().expect("a file").to_string_lossy(),
        w = size.0,
        h = size.1
    );
    std::fs::write(&frame, html).expect("write the frame page");
    let built = dumped_dom(
        browser,
        &dir.join(format!("profile-probe-{}", size.0)),
        (size.0.max(500) + 40, size.1 + 40),
        &format!("file://{}", frame.display()),
    );
    built
        .split("data-probe=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("the probe did not run on {}", page.display()))
        .replace("&amp;", "&")
}

/// Where each progress chart's x-axis labels are, as laid out before any scrolling: per chart
/// `labels|left,right,top,bottom of the newest take's label|viewport width,height`, charts
/// joined by `;`. The newest take's label is the one reading `newest`.
fn newest_label_probe(newest: &str) -> String {
    format!(
        r#"var out = [];
  d.querySelectorAll('svg.progress').forEach(function (svg) {{
    var labels = [], box = 'none';
    svg.querySelectorAll('text').forEach(function (t) {{
      var s = t.textContent.trim();
      if (t.getAttribute('y') === svg.querySelector('text:last-of-type').getAttribute('y')) {{ labels.push(s); }}
      if (s === '{newest}') {{
        var r = t.getBoundingClientRect();
        box = [r.left, r.right, r.top, r.bottom].map(function (v) {{ return v.toFixed(1); }}).join(',');
      }}
    }});
    out.push(labels.join(',') + '|' + box + '|' + w.innerWidth + ',' + w.innerHeight);
  }});
  return out.join(';');"#
    )
}

/// Eight takes of one answer, saved on eight dates (noon UTC, so the date is the same in any
/// time zone the test runs in): `samples/fillers.wav` analysed once, exported, and its take
/// imported again under other dates (the analysed take itself deleted). Returns the data dir and the dates, oldest first.
fn eight_takes() -> (PathBuf, Vec<String>) {
    let home = common::fresh_home();
    let out = rehearse()
        .env("REHEARSE_HOME", &home)
        .arg("analyze")
        .arg(sample("fillers.wav"))
        .args(["--quiet", "--format", "json"])
        .output()
        .expect("runs");
    assert_clean_success(&out);
    let out = rehearse()
        .env("REHEARSE_HOME", &home)
        .args(["export", "--json"])
        .output()
        .expect("runs");
    assert_clean_success(&out);
    let mut export: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let take = export["takes"][0].clone();
    let out = rehearse()
        .env("REHEARSE_HOME", &home)
        .args(["delete", "--yes", "last"])
        .output()
        .expect("runs");
    assert_clean_success(&out);
    let days = [3, 5, 9, 14, 18, 21, 25, 30];
    export["takes"] = days
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let mut t = take.clone();
            t["id"] = format!("b000000{i}").into();
            t["created"] = format!("2026-11-{day:02}T12:00:00Z").into();
            t
        })
        .collect();
    let file = home.join("eight.json");
    std::fs::write(&file, export.to_string()).expect("write the export");
    let out = rehearse()
        .env("REHEARSE_HOME", &home)
        .arg("import")
        .arg(&file)
        .output()
        .expect("runs");
    assert_clean_success(&out);
    (home, days.iter().map(|d| format!("{d} Nov")).collect())
}

/// `rehearse progress --format html` with 8 takes, at 390 and 1280 px: every chart's x axis
/// reads the takes' dates, the newest take's date is on screen without scrolling sideways in
/// every chart (and the first chart is on screen without scrolling down), and the targets are
/// the report's.
#[test]
fn progress_shows_the_newest_takes_with_dates_and_the_reports_targets() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let dir = tmp().join("progress8");
    std::fs::create_dir_all(&dir).expect("dir");
    let (home, dates) = eight_takes();
    let page = dir.join("progress.html");
    let out = rehearse()
        .env("REHEARSE_HOME", &home)
        .env("TZ", "UTC")
        .args(["progress", "--format", "html", "-o"])
        .arg(&page)
        .output()
        .expect("runs");
    assert_clean_success(&out);
    let html = std::fs::read_to_string(&page).expect("the page was written");

    // The STAR target as the report says it ("80+") is the progress page's.
    let report = rehearse()
        .env("REHEARSE_HOME", &home)
        .args(["show", "b0000007"])
        .output()
        .expect("runs");
    assert_clean_success(&report);
    let report = String::from_utf8_lossy(&report.stdout).replace('\n', " ");
    let report_star: String = report
        .split("S T A R in order, ")
        .nth(1)
        .and_then(|rest| rest.split('+').next())
        .unwrap_or_else(|| panic!("no STAR target in the report: {report}"))
        .to_string();
    assert!(
        html.contains(&format!(
            "STAR score <small>(target at least {report_star})</small>"
        )),
        "the progress page's STAR target is not the report's {report_star}+"
    );
    assert!(!html.contains("no target"), "a chart has no target");

    let newest = dates.last().expect("dates");
    for size in [PHONE, DESKTOP] {
        let probe = probe_in_frame(&browser, &dir, &page, size, &newest_label_probe(newest));
        let charts: Vec<&str> = probe.split(';').collect();
        assert!(charts.len() >= 6, "{} px: only {probe}", size.0);
        for (i, chart) in charts.iter().enumerate() {
            let parts: Vec<&str> = chart.split('|').collect();
            assert_eq!(parts.len(), 3, "{chart}");
            assert_eq!(
                parts[0],
                dates.join(","),
                "{} px, chart {i}: the x axis is not the takes' dates",
                size.0
            );
            let b: Vec<f64> = parts[1]
                .split(',')
                .map(|v| v.parse().unwrap_or(f64::NAN))
                .collect();
            let view: Vec<f64> = parts[2].split(',').map(|v| v.parse().unwrap()).collect();
            assert_eq!(view[0], f64::from(size.0), "the frame is {} px", view[0]);
            assert!(
                b.len() == 4 && b[0] >= 0.0 && b[1] <= view[0],
                "{} px, chart {i}: the newest take's date ({newest}) is off screen \
                 sideways at {:?} (viewport {} px wide)",
                size.0,
                b,
                view[0]
            );
            if i == 0 {
                assert!(
                    b[2] >= 0.0 && b[3] <= view[1],
                    "{} px: the first chart's newest date is below the fold at {b:?}",
                    size.0
                );
            }
        }
        eprintln!("{} px: {probe}", size.0);
    }
}
