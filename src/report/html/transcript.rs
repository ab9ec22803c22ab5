//! The transcript as the listener heard it: one paragraph per sentence, banded and labelled
//! by its STAR part, every word a button that plays the take from there, fillers
//! highlighted, long pauses shown where they fell, and red-flag words underlined.

use std::fmt::Write;

use super::{escape, part_class};
use crate::analyze::fillers::{FillerEvent, Source};
use crate::analyze::flags::Flag;
use crate::analyze::pauses::{slot, PauseEvent};
use crate::analyze::star::Part;
use crate::report::{clock, Report, WordOut};

/// Slack when matching word times to a flag's span, in seconds.
const FLAG_SLACK_S: f64 = 0.05;

pub fn section(out: &mut String, r: &Report, playable: bool) {
    out.push_str("<section aria-labelledby=\"h-text\">\n<h2 id=\"h-text\">Transcript</h2>\n");
    if !r.words_trusted() {
        let _ = writeln!(
            out,
            "<p class=\"warning unreliable\"><strong>Unreliable:</strong> {}. These may not be the \
             words that were said.</p>",
            escape(&crate::report::evidence::untrusted_reason(&r.transcript.quality))
        );
    }
    legend(out, r);
    out.push_str("<div class=\"transcript\">\n");
    let pauses = pauses_before(r);
    let words = &r.transcript.words;
    if r.star.sentences.is_empty() {
        paragraph(out, r, None, 0..words.len(), &pauses, playable);
    }
    for s in &r.star.sentences {
        let end = s.sentence.word_end.min(words.len());
        paragraph(
            out,
            r,
            Some(s.label),
            s.sentence.word_start.min(end)..end,
            &pauses,
            playable,
        );
    }
    out.push_str("</div>\n</section>\n");
}

fn legend(out: &mut String, r: &Report) {
    out.push_str("<ul class=\"legend\" aria-label=\"Legend\">\n");
    if !r.star.sentences.is_empty() {
        for p in Part::STORY.iter().chain([&Part::Other]) {
            let _ = writeln!(
                out,
                "<li><span class=\"key {}\" aria-hidden=\"true\"></span>{}</li>",
                part_class(*p),
                if *p == Part::Other {
                    "no STAR part"
                } else {
                    p.name()
                }
            );
        }
    }
    let _ = writeln!(
        out,
        "<li><span class=\"filler\">filler</span></li>{}\
         <li><span class=\"flagged\">red flag</span> (hover or see the list below)</li>\
         <li><span class=\"pause\">pause 2.4 s</span> pause of {:.0} s or more</li>\n</ul>",
        if r.fillers.heard_in_audio > 0 {
            "<li><span class=\"filler heard\">(uh/um)</span> heard in the audio, not in the \
             transcript</li>"
        } else {
            ""
        },
        r.pauses.long_threshold_s
    );
}

/// Long pauses indexed by the word they come before (the last slot: after the last word).
fn pauses_before(r: &Report) -> Vec<Vec<&PauseEvent>> {
    let words = &r.transcript.words;
    let mut slots = vec![Vec::new(); words.len() + 1];
    for p in r.pauses.events.iter().filter(|p| p.long) {
        let k = slot(p, words);
        slots[k].push(p);
    }
    slots
}

fn paragraph(
    out: &mut String,
    r: &Report,
    label: Option<Part>,
    range: std::ops::Range<usize>,
    pauses: &[Vec<&PauseEvent>],
    playable: bool,
) {
    let class = label.map_or("p-n", part_class);
    let _ = write!(out, "<p class=\"{class}\">");
    if let Some(p) = label {
        let tag = if p == Part::Other { "none" } else { p.name() };
        let _ = write!(out, "<span class=\"tag\">{tag}</span> ");
    }
    let last = range.end;
    for k in range {
        for p in &pauses[k] {
            pause(out, p);
        }
        // Fillers heard in the audio just before this word.
        for e in heard(r, |i| i == k) {
            heard_filler(out, e, playable);
        }
        word(
            out,
            &r.transcript.words[k],
            flag_of(&r.flags, &r.transcript.words[k]),
            playable,
        );
        out.push(' ');
    }
    if last == r.transcript.words.len() {
        for p in &pauses[last] {
            pause(out, p);
        }
        for e in heard(r, |i| i >= last) {
            heard_filler(out, e, playable);
        }
    }
    out.push_str("</p>\n");
}

/// Fillers heard only in the audio (between words) whose slot passes `at`.
fn heard(r: &Report, at: impl Fn(usize) -> bool) -> impl Iterator<Item = &FillerEvent> {
    r.fillers
        .events
        .iter()
        .filter(move |e| e.source == Source::Audio && e.word_count == 0 && at(e.word_index))
}

/// A filler heard in the audio, not in the transcript: a mark that plays the take from it.
fn heard_filler(out: &mut String, e: &FillerEvent, playable: bool) {
    let tag = if playable { "button" } else { "span" };
    let kind = if playable { " type=\"button\"" } else { "" };
    let confidence = e
        .confidence
        .map_or(String::new(), |c| format!(", confidence {c:.2}"));
    let _ = write!(
        out,
        "<{tag}{kind} class=\"w filler heard\" data-t=\"{:.2}\" title=\"{}, filled pause heard \
         in the audio, not in the transcript{}\">({})</{tag}> ",
        e.start_s,
        clock(e.start_s),
        escape(&confidence),
        escape(&e.word)
    );
}

fn pause(out: &mut String, p: &PauseEvent) {
    let _ = write!(
        out,
        "<span class=\"pause\" title=\"Silence at {}\">pause {:.1} s</span> ",
        clock(p.start_s),
        p.duration_s
    );
}

fn word(out: &mut String, w: &WordOut, flag: Option<&Flag>, playable: bool) {
    let mut class = String::from("w");
    let mut title = clock(w.start_s);
    if w.filler {
        class.push_str(" filler");
        title.push_str(", filler");
    }
    if let Some(f) = flag {
        class.push_str(" flagged");
        let _ = write!(title, ", red flag ({}): {}", f.kind.label(), f.explanation);
    }
    let tag = if playable { "button" } else { "span" };
    let kind = if playable { " type=\"button\"" } else { "" };
    let _ = write!(
        out,
        "<{tag}{kind} class=\"{class}\" data-t=\"{:.2}\" title=\"{}\">{}</{tag}>",
        w.start_s,
        escape(&title),
        escape(w.text.trim())
    );
}

/// The first red flag with a place whose span holds this word.
fn flag_of<'a>(flags: &'a [Flag], w: &WordOut) -> Option<&'a Flag> {
    flags.iter().find(|f| {
        f.places()
            .iter()
            .any(|p| w.start_s >= p.start_s - FLAG_SLACK_S && w.end_s <= p.end_s + FLAG_SLACK_S)
    })
}
