//! HTML: one self-contained page to look at and listen to a take.
//!
//! The page makes no network requests (a Content-Security-Policy forbids them) and carries
//! everything inline: CSS, a tiny script, SVG charts and, when the audio could be read, the
//! take itself as a WAV data URI, so it works offline and can be mailed or archived as one
//! file. Sections: scorecard (shared lines with the other formats), timeline chart, transcript
//! with fillers, long pauses, STAR bands and red flags, then how each number was measured.

mod audio;
mod page;
pub mod progress;
pub mod session;
mod timeline;
mod transcript;
mod voice;

use std::fmt::Write;

pub use audio::{embed, wav_of, write_base64, Embedded};

use super::{clock, scorecard, Report};
use crate::analyze::doubt::Answer;
use crate::analyze::star::Part;

/// The whole page. `audio` is the take as a data URI, or why it could not be embedded.
pub fn render(r: &Report, audio: &Embedded) -> String {
    let title = format!("Rehearsal report: {}", file_name(&r.audio.path));
    let mut body = String::new();
    header(&mut body, r, audio);
    warnings(&mut body, r);
    summary(&mut body, r);
    if r.speech_found {
        scorecard_table(&mut body, r);
        question(&mut body, r);
        super::story::html(&mut body, r, escape);
        timeline::section(&mut body, r);
        transcript::section(&mut body, r, audio.is_playable());
        restructured(&mut body, r);
        flags(&mut body, r);
    } else {
        body.push_str("<p>No speech was found, so there is nothing to measure.</p>\n");
    }
    methods(&mut body, r);
    page::wrap(&title, &body)
}

/// Text safe inside HTML elements and quoted attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The last path component, for the title: a full path says little and may be private.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// CSS class of a STAR part, also used in the chart.
pub(crate) fn part_class(p: Part) -> &'static str {
    match p {
        Part::Situation => "p-s",
        Part::Task => "p-t",
        Part::Action => "p-a",
        Part::Result => "p-r",
        Part::Other => "p-n",
    }
}

fn header(out: &mut String, r: &Report, audio: &Embedded) {
    let _ = writeln!(
        out,
        "<header>\n<h1>Rehearsal report <span class=\"file\">{}</span></h1>",
        escape(file_name(&r.audio.path))
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">Recording {} ({} Hz, {} channel(s), {}); transcribed locally with {} \
         in {:.1} s. {} {}.</p>",
        clock(r.audio.duration_s),
        r.audio.source_sample_rate,
        r.audio.source_channels,
        escape(&r.audio.source_encoding),
        escape(&r.model.engine),
        r.model.transcribe_s,
        escape(&r.tool.name),
        escape(&r.tool.version)
    );
    match audio {
        Embedded::Wav(uri) => {
            let _ = writeln!(
                out,
                "<audio id=\"player\" controls preload=\"auto\" aria-label=\"The take\" \
                 src=\"{uri}\"></audio>\n<p class=\"hint\">Click or press Enter on any word \
                 to play from there.</p>"
            );
        }
        Embedded::Missing(why) => {
            let _ = writeln!(
                out,
                "<p class=\"notice\" role=\"note\">No audio player: {}</p>",
                escape(why)
            );
        }
    }
    out.push_str("</header>\n<main>\n");
}

fn warnings(out: &mut String, r: &Report) {
    for w in &r.warnings {
        let _ = writeln!(
            out,
            "<p class=\"warning\" role=\"alert\"><strong>Warning:</strong> {}</p>",
            escape(w)
        );
    }
}

/// The overall verdict and the top fixes, at the head of the page.
fn summary(out: &mut String, r: &Report) {
    let s = r.summary();
    let class = s.verdict.css_class();
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"h-sum\" class=\"summary\">\n<h2 id=\"h-sum\">Summary</h2>\n\
         <p class=\"verdict {class}\">{}</p>",
        escape(&s.headline)
    );
    if !s.top_fixes.is_empty() {
        out.push_str("<ol class=\"fixes\">\n");
        for fix in &s.top_fixes {
            let _ = writeln!(out, "<li>{}</li>", escape(&fix.fix));
        }
        out.push_str("</ol>\n");
    }
    out.push_str("</section>\n");
}

/// "Your answer, restructured": the speaker's sentences regrouped S, T, A, R.
fn restructured(out: &mut String, r: &Report) {
    if r.star.outline.is_empty() {
        return;
    }
    out.push_str(
        "<section aria-labelledby=\"h-outline\">\n<h2 id=\"h-outline\">Your answer, restructured</h2>\n",
    );
    for p in &r.star.outline {
        let _ = writeln!(
            out,
            "<h3 class=\"{}\">{}</h3>",
            part_class(p.part),
            p.part.name()
        );
        match &p.missing {
            Some(what) => {
                let _ = writeln!(
                    out,
                    "<p class=\"missing\"><strong>Missing:</strong> {}</p>",
                    escape(what)
                );
            }
            None => {
                out.push_str("<ul>\n");
                for sentence in &p.sentences {
                    let _ = writeln!(out, "<li>{}</li>", escape(sentence));
                }
                out.push_str("</ul>\n");
            }
        }
    }
    out.push_str("</section>\n");
}

fn scorecard_table(out: &mut String, r: &Report) {
    out.push_str(
        "<section aria-labelledby=\"h-score\">\n<h2 id=\"h-score\">Scorecard</h2>\n\
         <div class=\"scroll\"><table class=\"score\">\n<thead><tr><th scope=\"col\">Metric</th>\
         <th scope=\"col\">Value</th><th scope=\"col\">Target</th><th scope=\"col\">Verdict</th>\
         <th scope=\"col\">What to do next</th></tr></thead>\n<tbody>\n",
    );
    for l in scorecard::lines(r) {
        let ok = l.verdict.css_class();
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\">{}</th><td data-label=\"Value\">{}<br><small>{}</small></td>\
             <td data-label=\"Target\">{}</td><td data-label=\"Verdict\" class=\"{ok}\">{}</td>\
             <td data-label=\"Next\">{}</td></tr>",
            l.metric,
            escape(&l.value),
            escape(&l.detail),
            escape(&l.target),
            l.verdict.label(),
            escape(&l.advice)
        );
    }
    out.push_str("</tbody>\n</table></div>\n");
    for c in r.star.coaching.iter().skip(1) {
        let _ = writeln!(out, "<p class=\"coach\">{}</p>", escape(c));
    }
    out.push_str("</section>\n");
}

fn question(out: &mut String, r: &Report) {
    let Some(q) = &r.question else {
        return;
    };
    let _ = writeln!(
        out,
        "<section aria-labelledby=\"h-q\">\n<h2 id=\"h-q\">Question</h2>\n<p class=\"q\">{}</p>\n<ul class=\"checks\">",
        escape(&q.text)
    );
    for c in &q.checks {
        let answer = c.answer();
        let _ = writeln!(
            out,
            "<li><span class=\"{}\">{}</span> {}{}</li>",
            match answer {
                Answer::Yes => "ok",
                Answer::No => "off",
                Answer::CantTell => "unsure",
            },
            answer.label(),
            escape(&c.message),
            c.why.as_deref().map_or(String::new(), |w| format!(
                " <small>({})</small>",
                escape(w)
            ))
        );
    }
    out.push_str("</ul>\n</section>\n");
}

fn flags(out: &mut String, r: &Report) {
    out.push_str("<section aria-labelledby=\"h-flags\">\n<h2 id=\"h-flags\">Red flags</h2>\n");
    if r.flags.is_empty() {
        out.push_str("<p>None found.</p>\n</section>\n");
        return;
    }
    out.push_str("<ul class=\"flags\">\n");
    for f in &r.flags {
        let places: Vec<String> = f
            .places()
            .iter()
            .map(|p| {
                format!(
                    "at {}: <q>{}</q>{}",
                    clock(p.start_s),
                    escape(&p.quote),
                    if p.doubtful {
                        " (heard uncertainly)"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<li><strong>{}</strong> {} <span class=\"why\">{}</span></li>",
            escape(&f.title()),
            places.join("; "),
            escape(&f.explanation)
        );
    }
    out.push_str("</ul>\n</section>\n");
}

fn methods(out: &mut String, r: &Report) {
    let m = &r.methods;
    out.push_str(
        "<section aria-labelledby=\"h-how\">\n<h2 id=\"h-how\">How this was measured</h2>\n<dl class=\"how\">\n",
    );
    for (name, text) in [
        ("Length", &m.length),
        ("Pace", &m.pace),
        ("Fillers", &m.fillers),
        ("Pauses", &m.pauses),
        ("STAR", &m.star),
        ("Red flags", &m.flags),
    ] {
        if !text.is_empty() {
            let _ = writeln!(out, "<dt>{name}</dt><dd>{}</dd>", escape(text));
        }
    }
    for text in r.voice.iter().flat_map(|v| &v.methods) {
        let _ = writeln!(out, "<dt>Voice</dt><dd>{}</dd>", escape(text));
    }
    out.push_str("</dl>\n<ul class=\"caveats\">\n");
    for c in &m.caveats {
        let _ = writeln!(out, "<li>{}</li>", escape(c));
    }
    out.push_str("</ul>\n</section>\n</main>\n");
}

#[cfg(test)]
mod tests;
