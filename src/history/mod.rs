//! History: what the stored takes say over time. Lists takes, compares two, shows the trend
//! of every metric, and moves takes in and out of the store as JSON.
//!
//! Everything here works on [`StoredTake`]s and returns text or JSON values; the commands in
//! [`crate::commands::history`] open the store and print. Figures are read from each take's stored report
//! ([`metrics`]) and judged against the targets in force now.

pub mod html;
pub mod metrics;
pub mod since;
pub mod table;

pub use table::history_table;

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::{bail, Context, Result};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::{json, Value};

use crate::config::Targets;
use crate::store::{DiskUse, FileState, Imported, Store, StoredTake, TakeMeta};
use crate::term::Style;
use metrics::{Direction, Metric, StoredReport};

/// Takes whose question contains `question` (any case; a question-bank id stands for its
/// text), from `since` on, oldest first.
pub fn select(
    store: &Store,
    question: Option<&str>,
    since: Option<Timestamp>,
) -> Result<Vec<StoredTake>> {
    let wanted = question
        .map(|q| crate::analyze::questions::by_id(q).map_or(q, |bank| bank.text))
        .map(str::to_lowercase);
    Ok(store
        .list()?
        .into_iter()
        .filter(|t| {
            wanted.as_ref().is_none_or(|q| {
                t.meta
                    .question
                    .as_ref()
                    .is_some_and(|tq| tq.to_lowercase().contains(q))
            })
        })
        .filter(|t| since.is_none_or(|s| t.meta.created >= s))
        .collect())
}

/// Whether a take belongs in the history's views by default: not when its report found no
/// speech, or heard words it cannot trust (another language, noise), or none at all. Such a take
/// has no figures worth a trend, and would make the next real take look like a leap (STAR 0 to
/// 60). A take not analysed yet, or whose report this version cannot read, is kept: nothing
/// says it is silent, and the history marks it.
pub fn worth_tracking(t: &StoredTake) -> bool {
    match StoredReport::of(t).report {
        Some(r) if t.analysed() => {
            r.speech_found && r.words_trusted() && !r.transcript.words.is_empty()
        }
        _ => true,
    }
}

/// Whether the take has every one of `tags` (any case).
pub fn has_tags(t: &StoredTake, tags: &[String]) -> bool {
    tags.iter().all(|want| {
        t.meta
            .tags
            .iter()
            .any(|have| have.trim().to_lowercase() == want.trim().to_lowercase())
    })
}

/// Drop the takes not [`worth_tracking`] unless `all`; how many were dropped.
pub fn hide_untracked(takes: &mut Vec<StoredTake>, all: bool) -> usize {
    let before = takes.len();
    if !all {
        takes.retain(worth_tracking);
    }
    before - takes.len()
}

/// The history's line on the takes it hides, or nothing when none are hidden.
pub fn hidden_text(hidden: usize) -> String {
    match hidden {
        0 => String::new(),
        n => format!(
            "{n} take{s} hidden (no speech, or a transcript that cannot be trusted): \
             `rehearse history --all` shows {them}\n",
            s = if n == 1 { "" } else { "s" },
            them = if n == 1 { "it" } else { "them" },
        ),
    }
}

/// A take's time in the local time zone, to the minute.
/// "3 takes, 2026-11-01 09:00 to 2026-11-22 04:11": how many takes and when.
pub fn span(takes: &[StoredTake]) -> String {
    let when = |t: Option<&StoredTake>| t.map_or("-".into(), |t| local_time(t.meta.created));
    format!(
        "{} take{}, {} to {}",
        takes.len(),
        if takes.len() == 1 { "" } else { "s" },
        when(takes.first()),
        when(takes.last())
    )
}

pub fn local_time(t: Timestamp) -> String {
    t.to_zoned(TimeZone::system())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

fn files_label(f: FileState) -> &'static str {
    match f {
        FileState::Ok => "ok",
        FileState::NoAudio => "not kept",
        FileState::AudioMissing => "missing",
        FileState::FolderMissing => "folder missing",
    }
}

/// The take's question as the history shows it: `[bank_id] text`, the text alone when it was
/// free text, `-` when there was none; then its tags and note, if any.
fn question_text(meta: &TakeMeta, r: &StoredReport) -> String {
    let id = r
        .report
        .as_ref()
        .and_then(|r| r.question.as_ref())
        .and_then(|q| q.id.as_deref());
    let mut out = match (id, meta.question.as_deref()) {
        (Some(id), Some(text)) => format!("[{id}] {text}"),
        (None, Some(text)) => text.to_string(),
        (Some(id), None) => format!("[{id}]"),
        (None, None) => "-".into(),
    };
    if !meta.tags.is_empty() {
        let _ = write!(out, "  (tags: {})", meta.tags.join(", "));
    }
    if let Some(note) = &meta.note {
        let _ = write!(out, "  note: \"{note}\"");
    }
    out
}

fn metric_value(m: &Metric, report: &StoredReport) -> Value {
    m.value(report).map_or(Value::Null, |v| number(m, v))
}

/// Counts as integers, measurements rounded to 3 decimals.
fn number(m: &Metric, v: f64) -> Value {
    if m.count {
        json!(v.round() as i64)
    } else {
        json!(round(v))
    }
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// What the history says of a take whose analysis never finished.
pub fn not_analysed(t: &StoredTake) -> String {
    format!(
        "take {} is not analysed (its analysis was interrupted or skipped): `rehearse \
         reanalyze {}` analyses it",
        t.meta.id, t.meta.id
    )
}

/// A size on disk for people: bytes, kB, MB or GB (powers of 1000, as disks are sold).
pub fn size_text(bytes: u64) -> String {
    let b = bytes as f64;
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{:.1} kB", b / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} MB", b / 1e6),
        _ => format!("{:.2} GB", b / 1e9),
    }
}

/// The footer of `rehearse history`: how much disk the takes use, and where.
pub fn disk_use_text(d: &DiskUse, takes: usize) -> String {
    let mut out = format!(
        "Disk use: {} for {takes} take{} in {}",
        size_text(d.history_bytes),
        if takes == 1 { "" } else { "s" },
        d.history_dir.display()
    );
    if d.recordings > 0 {
        let _ = write!(
            out,
            "; {} in {} other recording{} in {} (not in the history)",
            size_text(d.recordings_bytes),
            d.recordings,
            if d.recordings == 1 { "" } else { "s" },
            d.recordings_dir.display()
        );
    }
    out.push('\n');
    out
}

pub fn history_json(takes: &[StoredTake], targets: &Targets) -> Value {
    let ms = metrics::all(targets);
    let rows: Vec<Value> = takes
        .iter()
        .map(|t| {
            let r = StoredReport::of(t);
            let mut row = take_header(&t.meta);
            row["duration_s"] = json!(round(t.meta.duration_s));
            for m in &ms {
                row[m.key] = metric_value(m, &r);
            }
            row["star"] = json!(metrics::star_letters(&r));
            row["analysed"] = json!(t.analysed());
            row["audio"] = json!(files_label(t.files));
            row["problem"] = json!(t.files.problem(t));
            row
        })
        .collect();
    json!({ "takes": rows })
}

fn take_header(m: &TakeMeta) -> Value {
    json!({
        "id": m.id,
        "created": m.created.to_string(),
        "question": m.question,
        "source_path": m.source_path,
        "note": m.note,
        "tags": m.tags,
    })
}

/// What `compare` and `progress` call a change within the metric's noise band.
pub const ABOUT_THE_SAME: &str = "about the same";

fn change_word(sign: i8) -> &'static str {
    match sign {
        1 => "better",
        -1 => "worse",
        _ => ABOUT_THE_SAME,
    }
}

fn target_text(m: &Metric) -> String {
    match (m.direction, m.limit) {
        (Direction::Within(r), _) if m.key == "answer_s" => format!(
            "{}-{}",
            crate::report::clock(r.min),
            crate::report::clock(r.max)
        ),
        (Direction::Within(r), _) => format!("{:.0}-{:.0}", r.min, r.max),
        (Direction::Lower, Some(0.0)) => "none".into(),
        (Direction::Lower, Some(l)) => format!("at most {}", m.format(Some(l))),
        (Direction::Higher, Some(l)) => format!("at least {}", m.format(Some(l))),
        (Direction::Lower, None) => "lower".into(),
        (Direction::Higher, None) => "higher".into(),
    }
}

/// The two takes' figures side by side, with what changed in their structure.
pub fn compare_json(a: &StoredTake, b: &StoredTake, targets: &Targets) -> Value {
    let (ra, rb) = (StoredReport::of(a), StoredReport::of(b));
    let rows: Vec<Value> = metrics::all(targets)
        .iter()
        .map(|m| {
            let (va, vb) = (m.value(&ra), m.value(&rb));
            let (delta, change) = match (va, vb) {
                (Some(x), Some(y)) => (number(m, y - x), change_word(m.judge(x, y))),
                _ => (Value::Null, "n/a"),
            };
            json!({
                "metric": m.key,
                "label": m.label,
                "target": target_text(m),
                "before": metric_value(m, &ra),
                "after": metric_value(m, &rb),
                "delta": delta,
                "change": change,
            })
        })
        .collect();
    json!({
        "before": take_header(&a.meta),
        "after": take_header(&b.meta),
        "metrics": rows,
        "fillers": filler_changes(&ra, &rb),
        "structure": structure_changes(&ra, &rb),
    })
}

/// Per filler word: how often it came in each take.
fn filler_changes(a: &StoredReport, b: &StoredReport) -> Vec<Value> {
    let counts = |r: &StoredReport| -> BTreeMap<String, usize> {
        r.report
            .as_ref()
            .map(|r| r.fillers.by_word.clone())
            .unwrap_or_default()
    };
    let (ca, cb) = (counts(a), counts(b));
    let mut words: Vec<&String> = ca.keys().chain(cb.keys()).collect();
    words.sort();
    words.dedup();
    words
        .into_iter()
        .map(|w| {
            json!({"word": w, "before": ca.get(w).copied().unwrap_or(0),
                   "after": cb.get(w).copied().unwrap_or(0)})
        })
        .collect()
}

/// Sentences on how the answer's structure changed: STAR parts gained or lost, a Result
/// now quantified. Empty when the reports have no STAR section.
fn structure_changes(a: &StoredReport, b: &StoredReport) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(pa), Some(pb)) = (metrics::star_present(a), metrics::star_present(b)) {
        for ((name, x), y) in metrics::STAR_PARTS.iter().zip(pa).zip(pb) {
            let mut part = name.to_string();
            part[..1].make_ascii_uppercase();
            match (x, y) {
                (false, true) => out.push(format!("{part} now present")),
                (true, false) => out.push(format!("{part} now missing")),
                _ => {}
            }
        }
    }
    match (metrics::result_quantified(a), metrics::result_quantified(b)) {
        (Some(false) | None, Some(true)) => out.push("Result now quantified".into()),
        (Some(true), Some(false)) => out.push("Result no longer quantified".into()),
        _ => {}
    }
    out
}

pub fn compare_text(a: &StoredTake, b: &StoredTake, targets: &Targets, style: &Style) -> String {
    let v = compare_json(a, b, targets);
    let mut out = String::new();
    for (label, t) in [("before", a), ("after", b)] {
        let _ = writeln!(
            out,
            "{} {}  {}  {}",
            crate::term::pad(&style.bold(label), 7),
            t.meta.id,
            local_time(t.meta.created),
            question_text(&t.meta, &StoredReport::of(t))
        );
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "  {:<14} {:>8} {:>8} {:>8}  target",
        "", "before", "after", "change"
    );
    let ms = metrics::all(targets);
    for (m, row) in ms.iter().zip(v["metrics"].as_array().into_iter().flatten()) {
        let get = |k: &str| row[k].as_f64();
        // The change between the values as shown, so the line adds up on screen.
        let shown_delta = get("after")
            .zip(get("before"))
            .map(|(y, x)| m.shown(y) - m.shown(x));
        let delta = shown_delta.map_or("-".into(), |d| {
            let s = m.format(Some(d.abs()));
            match d.partial_cmp(&0.0) {
                Some(std::cmp::Ordering::Greater) => format!("+{s}"),
                Some(std::cmp::Ordering::Less) => format!("-{s}"),
                _ => s,
            }
        });
        let change = match row["change"].as_str() {
            Some("better") => style.good("better"),
            Some("worse") => style.bad("worse"),
            Some(other) => style.dim(other),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "  {:<14} {:>8} {:>8} {:>8}  {:<14} {}",
            m.label,
            m.format(get("before")),
            m.format(get("after")),
            delta,
            target_text(m),
            change
        );
    }
    let fillers: Vec<String> = v["fillers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["before"] != f["after"])
        .map(|f| {
            format!(
                "{} {}→{}",
                f["word"].as_str().unwrap_or(""),
                f["before"],
                f["after"]
            )
        })
        .collect();
    if !fillers.is_empty() {
        let _ = writeln!(out, "\n  Fillers: {}", fillers.join(", "));
    }
    for s in v["structure"].as_array().into_iter().flatten() {
        let _ = writeln!(out, "  Structure: {}", s.as_str().unwrap_or(""));
    }
    out
}

const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// The sparkline shows at most this many of the latest takes.
pub const SPARK_MAX: usize = 24;

/// A bar per value, scaled between the smallest and largest; a space for no value. Only the
/// latest [`SPARK_MAX`] values are drawn, after a `…` when there are more.
pub fn sparkline(values: &[Option<f64>]) -> String {
    let skipped = values.len().saturating_sub(SPARK_MAX);
    let values = &values[skipped..];
    let more = if skipped > 0 { "…" } else { "" };
    let known: Vec<f64> = values.iter().flatten().copied().collect();
    let lo = known.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if hi - lo < 1e-9 => SPARKS[3],
            Some(x) => SPARKS[(((x - lo) / (hi - lo)) * 7.0).round() as usize],
        })
        .fold(more.to_string(), |mut s, c| {
            s.push(c);
            s
        })
}

/// Each metric's trend over the takes, and what improved most and still needs work.
pub fn progress_json(takes: &[StoredTake], targets: &Targets) -> Value {
    let reports: Vec<StoredReport> = takes.iter().map(StoredReport::of).collect();
    let mut rows = Vec::new();
    let mut improved: Option<(f64, Value)> = None;
    let mut needs_work = Vec::new();
    for m in metrics::all(targets) {
        let values: Vec<Option<f64>> = reports.iter().map(|r| m.value(r)).collect();
        let known: Vec<(usize, f64)> = values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((i, (*v)?)))
            .collect();
        let (Some(&(_, first)), Some(&(_, latest))) = (known.first(), known.last()) else {
            continue;
        };
        let best = known
            .iter()
            .copied()
            .reduce(|b, x| {
                if m.direction.judge(b.1, x.1) >= 0 {
                    x
                } else {
                    b
                }
            })
            .expect("known is not empty");
        let sign = m.judge(first, latest);
        rows.push(json!({
            "metric": m.key,
            "label": m.label,
            "target": target_text(&m),
            "takes": known.len(),
            "first": number(&m, first),
            "best": number(&m, best.1),
            "best_take": takes[best.0].meta.id,
            "latest": number(&m, latest),
            "change": number(&m, latest - first),
            "trend": change_word(sign),
            "values": values.iter().map(|v| v.map_or(Value::Null, |v| number(&m, v))).collect::<Vec<_>>(),
        }));
        let was = m.direction.shortfall(first, m.limit);
        let now = m.direction.shortfall(latest, m.limit);
        if sign > 0 && known.len() > 1 {
            let gain = match m.direction {
                Direction::Lower => (first - latest) / first.abs().max(1e-9),
                Direction::Higher => (latest - first) / first.abs().max(1.0),
                Direction::Within(_) => (was - now) / was.max(1e-9),
            };
            if improved.as_ref().is_none_or(|(g, _)| gain > *g) {
                improved = Some((
                    gain,
                    json!({"metric": m.key, "label": m.label, "first": number(&m, first),
                           "latest": number(&m, latest)}),
                ));
            }
        }
        if !m.on_target(latest) {
            needs_work.push(json!({"metric": m.key, "label": m.label,
                                   "latest": number(&m, latest), "target": target_text(&m)}));
        }
    }
    json!({
        "takes": takes.len(),
        "first": takes.first().map(|t| t.meta.created.to_string()),
        "latest": takes.last().map(|t| t.meta.created.to_string()),
        "metrics": rows,
        "improved_most": improved.map(|(_, v)| v),
        "needs_work": needs_work,
    })
}

pub fn progress_text(takes: &[StoredTake], targets: &Targets, style: &Style) -> String {
    let v = progress_json(takes, targets);
    let ms = metrics::all(targets);
    let fmt = |key: &str, x: &Value| {
        let m = ms.iter().find(|m| m.key == key).expect("a known metric");
        m.format(x.as_f64())
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", span(takes));
    let _ = writeln!(
        out,
        "  {:<14} {:>7} {:>7} {:>7} {:>8}  {:<12} trend",
        "", "first", "best", "latest", "change", "target"
    );
    for row in v["metrics"].as_array().into_iter().flatten() {
        let key = row["metric"].as_str().unwrap_or("");
        let values: Vec<Option<f64>> = row["values"]
            .as_array()
            .into_iter()
            .flatten()
            .map(Value::as_f64)
            .collect();
        let m = ms.iter().find(|m| m.key == key).expect("a known metric");
        let (first, latest) = (row["first"].as_f64(), row["latest"].as_f64());
        let change = latest
            .zip(first)
            .map_or(0.0, |(l, f)| m.shown(l) - m.shown(f));
        let change = format!(
            "{}{}",
            if change > 0.0 {
                "+"
            } else if change < 0.0 {
                "-"
            } else {
                ""
            },
            fmt(key, &json!(change.abs()))
        );
        let trend = match row["trend"].as_str() {
            Some("better") => style.good("better"),
            Some("worse") => style.bad("worse"),
            _ => style.dim(ABOUT_THE_SAME),
        };
        let _ = writeln!(
            out,
            "  {:<14} {:>7} {:>7} {:>7} {:>8}  {:<12} {}  {}",
            row["label"].as_str().unwrap_or(""),
            fmt(key, &row["first"]),
            fmt(key, &row["best"]),
            fmt(key, &row["latest"]),
            change,
            row["target"].as_str().unwrap_or(""),
            sparkline(&values),
            trend
        );
    }
    out.push('\n');
    match &v["improved_most"] {
        Value::Null if takes.len() < 2 => {
            let _ = writeln!(
                out,
                "Improved most: nothing yet (it takes two takes or more)"
            );
        }
        Value::Null => {
            let _ = writeln!(
                out,
                "Improved most: nothing; no metric is better in the latest take than in the first"
            );
        }
        i => {
            let key = i["metric"].as_str().unwrap_or("");
            let _ = writeln!(
                out,
                "Improved most: {} ({} -> {})",
                i["label"].as_str().unwrap_or(""),
                fmt(key, &i["first"]),
                fmt(key, &i["latest"])
            );
        }
    }
    let work: Vec<String> = v["needs_work"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|w| {
            let key = w["metric"].as_str().unwrap_or("");
            format!(
                "{} ({}, target {})",
                w["label"].as_str().unwrap_or(""),
                fmt(key, &w["latest"]),
                w["target"].as_str().unwrap_or("")
            )
        })
        .collect();
    if work.is_empty() {
        let _ = writeln!(
            out,
            "Still needs work: nothing, the latest take is on target"
        );
    } else {
        let _ = writeln!(out, "Still needs work: {}", work.join("; "));
    }
    out
}

/// Export format: every take's metadata and full report.
pub const EXPORT_FORMAT: &str = "rehearse-takes";
pub const EXPORT_VERSION: u32 = 1;

pub fn export_json(takes: &[StoredTake]) -> Value {
    let rows: Vec<Value> = takes
        .iter()
        .map(|t| {
            let mut row = serde_json::to_value(&t.meta).unwrap_or(Value::Null);
            row["report"] = t.report_value();
            row
        })
        .collect();
    json!({
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported": Timestamp::now().to_string(),
        "takes": rows,
    })
}

/// What an import did, take by take.
#[derive(Debug, Default)]
pub struct ImportSummary {
    pub stored: Vec<TakeMeta>,
    /// Already here (same recording, same time).
    pub duplicates: Vec<TakeMeta>,
    /// Takes of the file that were not imported: (1-based position, id as given, why).
    pub refused: Vec<(usize, String, String)>,
}

/// The largest export file `rehearse import` reads: a report is about 1 KB per second of
/// audio (0.74-1.05 KB/s on the bundled samples), so this holds thousands of takes.
pub const MAX_IMPORT_BYTES: u64 = 256 * 1024 * 1024;

/// Import an export's takes. The file as a whole must be an export; after that each take is
/// imported or refused on its own (atomically: a refused take leaves nothing behind), so one
/// damaged take does not stop the others.
pub fn import(store: &mut Store, text: &str) -> Result<ImportSummary> {
    let v: Value = serde_json::from_str(text).context("not JSON")?;
    if v["format"] != EXPORT_FORMAT {
        bail!("not a rehearse export (no \"format\": \"{EXPORT_FORMAT}\")");
    }
    if v["version"].as_u64() > Some(u64::from(EXPORT_VERSION)) {
        bail!(
            "written by a newer rehearse (export version {}): upgrade rehearse",
            v["version"]
        );
    }
    let takes = v["takes"].as_array().context("no \"takes\" list")?;
    let mut summary = ImportSummary::default();
    for (i, t) in takes.iter().enumerate() {
        let given_id = t["id"].as_str().unwrap_or("").to_string();
        match import_one(store, t) {
            Ok(Imported::Stored(m)) => summary.stored.push(m),
            Ok(Imported::Skipped(m)) => summary.duplicates.push(m),
            Err(why) => summary.refused.push((i + 1, given_id, why)),
        }
    }
    Ok(summary)
}

fn import_one(store: &mut Store, t: &Value) -> std::result::Result<Imported, String> {
    let meta: TakeMeta =
        serde_json::from_value(t.clone()).map_err(|e| format!("not a take ({e})"))?;
    let report = t.get("report").filter(|r| r.is_object()).ok_or(
        "it has no report (a take never analysed, whose audio an export does not carry, or \
         a damaged take)",
    )?;
    let report_json = serde_json::to_string_pretty(report).map_err(|e| e.to_string())? + "\n";
    store.import(meta, &report_json).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_scales_between_min_and_max() {
        assert_eq!(sparkline(&[Some(1.0), Some(8.0), None, Some(4.5)]), "▁█ ▅");
        assert_eq!(sparkline(&[Some(2.0), Some(2.0)]), "▄▄");
        let many: Vec<Option<f64>> = (0..30).map(|i| Some(f64::from(i))).collect();
        let line = sparkline(&many);
        assert_eq!(line.chars().count(), SPARK_MAX + 1);
        assert!(line.starts_with("…▁") && line.ends_with('█'), "{line}");
    }

    #[test]
    fn structure_changes_name_the_part() {
        use metrics::testing::{set_star, stored};
        let a = stored(|r| set_star(r, [true, false, false, false], 0, false), true);
        let b = stored(|r| set_star(r, [true, false, false, true], 0, true), true);
        assert_eq!(
            structure_changes(&a, &b),
            ["Result now present", "Result now quantified"]
        );
        let none = stored(|_| {}, false);
        assert!(structure_changes(&none, &none).is_empty());
    }
}

#[cfg(test)]
mod snapshots;
