//! The report's story section (`--story NAME`): each of the story's points with whether the
//! answer covered it and when, and the sentences that wandered off the story. One function
//! per format, each called once by its renderer.

use std::fmt::Write;

use super::{clock, Report};
use crate::story::matching::{PointCheck, Verdict};
use crate::story::{Story, StoryCheck};
use crate::term::Style;
use crate::transcribe::Word;

/// Check a finished report's answer against a story (the report's own words and sentences).
pub fn check(name: &str, story: &Story, report: &Report) -> StoryCheck {
    let words: Vec<Word> = report
        .transcript
        .words
        .iter()
        .map(|w| Word::new(w.text.clone(), w.start_s, w.end_s))
        .collect();
    let sentences: Vec<(usize, usize)> = report
        .star
        .sentences
        .iter()
        .map(|s| (s.sentence.word_start, s.sentence.word_end))
        .collect();
    let mut check = crate::story::check(name, story, &words, &sentences);
    if !report.words_trusted() {
        withhold(&mut check, report);
    }
    check
}

/// An untrusted transcript covers and misses nothing: every point is "can't tell".
fn withhold(check: &mut StoryCheck, report: &Report) {
    let why = report
        .withheld(super::evidence::Section::Story)
        .unwrap_or("the transcript is unreliable")
        .to_string();
    for p in &mut check.points {
        p.covered = None;
        p.verdict = Verdict::CantTell;
        p.said_at_s = None;
        p.note = Some(why.clone());
    }
    check.covered = 0;
    check.missed = 0;
    check.cant_tell = check.points.len();
    check.wandered.clear();
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Covered => "covered",
        Verdict::Missed => "missed",
        Verdict::CantTell => "can't tell",
    }
}

fn part_letter(p: &PointCheck) -> &'static str {
    match p.part.as_str() {
        "situation" => "S",
        "task" => "T",
        "action" => "A",
        "result" => "R",
        _ => "K",
    }
}

fn when(p: &PointCheck) -> String {
    p.said_at_s.map_or(String::new(), clock)
}

pub fn terminal(out: &mut String, r: &Report, style: &Style, width: usize) {
    let Some(s) = &r.story else { return };
    let head = format!(
        "{}  {} \"{}\": {}",
        style.bold("Story"),
        s.name,
        s.title,
        s.summary()
    );
    let _ = writeln!(out, "{}", crate::term::wrap(&head, width, 0, 2));
    for p in &s.points {
        let word = verdict_word(p.verdict);
        let word = match p.verdict {
            Verdict::Covered => style.good(&format!("{word:<10}")),
            Verdict::Missed => style.bad(&format!("{word:<10}")),
            Verdict::CantTell => style.warn(&format!("{word:<10}")),
        };
        let note = p
            .note
            .as_deref()
            .map_or(String::new(), |n| style.dim(&format!("  ({n})")));
        let text = format!(
            "{word} {:>5}  {}  {}{note}",
            when(p),
            part_letter(p),
            p.text
        );
        let _ = writeln!(out, "{}", crate::term::wrap(&text, width, 2, 23));
    }
    for w in &s.wandered {
        let text = format!(
            "{} {}  \"{}\"",
            style.warn("off story "),
            clock(w.start_s),
            w.text
        );
        let _ = writeln!(out, "{}", crate::term::wrap(&text, width, 2, 19));
    }
    out.push('\n');
}

pub fn markdown(out: &mut String, r: &Report, escape: fn(&str) -> String) {
    let Some(s) = &r.story else { return };
    let _ = writeln!(
        out,
        "\n## Story: {} ({})\n\n{}\n",
        escape(&s.title),
        escape(&s.name),
        escape(&s.summary())
    );
    let _ = writeln!(
        out,
        "| Point | Part | Verdict | Said at |\n|---|---|---|---|"
    );
    for p in &s.points {
        let _ = writeln!(
            out,
            "| {} | {} | {}{} | {} |",
            escape(&p.text),
            part_letter(p),
            verdict_word(p.verdict),
            p.note
                .as_deref()
                .map_or(String::new(), |n| format!(" ({})", escape(n))),
            when(p)
        );
    }
    for w in &s.wandered {
        let _ = writeln!(
            out,
            "\nOff the story at {}: \"{}\"",
            clock(w.start_s),
            escape(&w.text)
        );
    }
}

pub fn html(out: &mut String, r: &Report, escape: fn(&str) -> String) {
    let Some(s) = &r.story else { return };
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"h-story\">\n<h2 id=\"h-story\">Story: {}</h2>\n<p>{}</p>\n\
         <table class=\"story\">\n<thead><tr><th scope=\"col\">Point</th><th scope=\"col\">Part</th>\
         <th scope=\"col\">Verdict</th><th scope=\"col\">Said at</th></tr></thead>\n<tbody>",
        escape(&s.title),
        escape(&s.summary())
    );
    for p in &s.points {
        let class = match p.verdict {
            Verdict::Covered => "ok",
            Verdict::Missed => "off",
            Verdict::CantTell => "unsure",
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"{class}\">{}{}</td><td>{}</td></tr>",
            escape(&p.text),
            part_letter(p),
            verdict_word(p.verdict),
            p.note.as_deref().map_or(String::new(), |n| format!(
                " <small>({})</small>",
                escape(n)
            )),
            when(p)
        );
    }
    out.push_str("</tbody>\n</table>\n");
    for w in &s.wandered {
        let _ = writeln!(
            out,
            "<p class=\"coach\">Off the story at {}: <q>{}</q></p>",
            clock(w.start_s),
            escape(&w.text)
        );
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use crate::report::{json, markdown, terminal, tests::sample_report};
    use crate::story::format::parse;

    const STORY: &str = "# Deploy fix\nAnswers: improve_process\n\
        ## Situation\n- Deploys kept failing at my last job.\n\
        ## Action\n- I added smoke tests.\n- I set up canary releases.\n\
        ## Result\n- Failed deploys dropped by 80 percent.\n";

    fn report_with_story() -> crate::report::Report {
        let mut r = sample_report();
        r.story = Some(super::check("deploys", &parse(STORY).unwrap(), &r));
        r
    }

    #[test]
    fn the_story_section_is_in_the_json_with_the_documented_names() {
        let v: serde_json::Value =
            serde_json::from_str(&json::render(&report_with_story())).unwrap();
        let s = &v["story"];
        assert_eq!(s["name"], "deploys");
        let points = s["points"].as_array().unwrap();
        assert_eq!(points.len(), 4);
        assert_eq!(points[0]["text"], "Deploys kept failing at my last job.");
        assert_eq!(points[0]["covered"], true);
        assert_eq!(points[0]["said_at_s"], 1.2);
        assert_eq!(points[1]["covered"], true);
        assert_eq!(points[2]["covered"], false);
        assert!(points[2]["said_at_s"].is_null());
        assert_eq!(points[3]["covered"], false);
        assert_eq!(s["covered"], 2);
    }

    #[test]
    fn every_format_shows_the_story() {
        let r = report_with_story();
        let style = crate::term::Style::for_output(crate::term::ColorChoice::Never, true);
        let text = terminal::render(&r, &style, terminal::View::default());
        assert!(
            text.contains("Story  deploys \"Deploy fix\": 2 of 4 points covered, 2 missed"),
            "{text}"
        );
        assert!(
            text.contains("  missed            A  I set up canary releases."),
            "{text}"
        );
        let md = markdown::render(&r);
        assert!(md.contains("## Story: Deploy fix (deploys)"), "{md}");
        assert!(
            md.contains("| I added smoke tests. | A | covered |"),
            "{md}"
        );
        let html =
            crate::report::html::render(&r, &crate::report::html::Embedded::Missing("test".into()));
        assert!(html.contains("<h2 id=\"h-story\">Story: Deploy fix</h2>"));
        assert!(html.contains("<td class=\"off\">missed"));
        // Without --story, nothing is added.
        let plain = sample_report();
        assert!(!terminal::render(&plain, &style, terminal::View::default()).contains("Story  "));
        assert!(!json::render(&plain).contains("\"story\""));
    }
}
