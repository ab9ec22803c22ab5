//! The least evidence each verdict needs, and the verdicts withheld when a take falls short.
//!
//! A report is only useful if it is right or says it cannot tell. Each section that judges the
//! words states the least it stands on ([`PACE_MIN_S`], [`FILLERS_MIN_S`], [`STAR_MIN_SENTENCES`],
//! ...); under it the section says "can't tell" instead of a verdict, in every format, and the
//! JSON lists why in `cant_tell`. A transcript the decoder does not trust
//! ([`crate::transcribe::quality`]) withholds every verdict built on the words at once (pace,
//! fillers, structure, red flags, question checks, story points); what does not depend on the
//! words (length, pauses, voice) stays. [`apply`] runs once, when the report is built, before
//! the summary is worked out, so the summary, the scorecard and the history all read the same
//! withheld verdicts.

use serde::{Deserialize, Serialize};

use super::Report;
use crate::analyze::doubt::{Answer, MIN_WORDS_TO_JUDGE};
use crate::analyze::star::{Presence, StarAnalysis};
use crate::analyze::Verdict;
use crate::transcribe::quality::{QualityIssue, TranscriptQuality};

/// Pace needs at least this much speaking span, seconds. The recogniser can be a few words
/// off (see the caveats); three words off over 20 s is 9 wpm, a fifth of the 120-165 wpm
/// target band, while over 4 s it is 45 wpm, the whole band: a short answer's rate says more
/// about the recogniser than the speaker.
pub const PACE_MIN_S: f64 = 20.0;
/// Pace needs at least this many words (the same minimum the rate itself has).
pub const PACE_MIN_WORDS: usize = crate::analyze::pace::MIN_WORDS;
/// The pace windows say something about evenness only when there are at least this many
/// judged windows; with fewer, the detail leaves the windows out ("0 of 0" says nothing).
pub const PACE_MIN_WINDOWS: usize = 2;

/// A filler rate needs at least this much speaking span, seconds: one "you know" in 5 s reads
/// as 12 a minute. Under it, a rate is judged only when the fillers would be over the target
/// even spread over this span (then the answer certainly is over it).
pub const FILLERS_MIN_S: f64 = 30.0;
/// A filler verdict off target needs at least this many fillers: one or two fillers are not
/// a habit a listener notices, whatever the rate says over a short answer.
pub const FILLERS_MIN_COUNT: usize = 3;

/// A STAR verdict needs at least this many sentences: a story has four parts, and fewer
/// sentences than parts cannot show its structure (a 14-word answer scored 77/100).
pub const STAR_MIN_SENTENCES: usize = 4;
/// ... and at least this many words (the content minimum of [`crate::analyze::doubt`]).
pub const STAR_MIN_WORDS: usize = MIN_WORDS_TO_JUDGE;
/// ... and at least this much speaking span, seconds: a 4 s answer has no story to score.
pub const STAR_MIN_S: f64 = 15.0;

/// A section whose verdict was withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Pace,
    Fillers,
    Star,
    Flags,
    Question,
    Story,
}

/// One withheld verdict and why (JSON `cant_tell[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Withheld {
    pub section: Section,
    /// For a person: what was missing ("only 3 sentences; a STAR verdict needs at least 4").
    pub reason: String,
}

impl Report {
    /// Why `section`'s verdict was withheld, when it was.
    pub fn withheld(&self, section: Section) -> Option<&str> {
        self.cant_tell
            .iter()
            .find(|w| w.section == section)
            .map(|w| w.reason.as_str())
    }

    /// The transcript's words can be relied on.
    pub fn words_trusted(&self) -> bool {
        self.transcript.quality.trusted
    }
}

/// Why the transcript is not trusted, reason first, for a headline: "the speech sounds like
/// another language", "the words were heard too uncertainly", "noise drowns the words".
pub fn untrusted_reason(q: &TranscriptQuality) -> String {
    // The reason names the language and the evidence.
    let lead: String = match q.issue {
        Some(QualityIssue::OtherLanguage) => "the speech sounds like another language".into(),
        Some(QualityIssue::Noise) => "noise drowns the words".into(),
        Some(QualityIssue::UnclearSpeech) | None => "the words were heard too uncertainly".into(),
    };
    match q.reason.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(why) => format!("{lead} ({})", why.trim_end_matches('.')),
        None => lead,
    }
}

/// Withhold every verdict the take has too little evidence for, or that stands on words the
/// decoder does not trust. Idempotent.
pub fn apply(r: &mut Report) {
    r.cant_tell.clear();
    // Before "no speech": speech whose every word was an annotation ("[speaking in foreign
    // language]") has no words, and its sections say why.
    if !r.words_trusted() {
        withhold_words(r);
        return;
    }
    if !r.speech_found {
        return;
    }
    if let Some(reason) = pace_short(r) {
        r.pace.verdict = Verdict::CantTell;
        r.cant_tell.push(Withheld {
            section: Section::Pace,
            reason,
        });
    } else {
        r.pace.verdict = pace_verdict(r);
    }
    match fillers_short(r) {
        Some(reason) => {
            r.fillers.verdict = Verdict::CantTell;
            r.cant_tell.push(Withheld {
                section: Section::Fillers,
                reason,
            });
        }
        None => r.fillers.verdict = fillers_verdict(r),
    }
    if let Some(reason) = star_short(r) {
        r.star.coaching.clear();
        r.star.outline.clear();
        missing_means_unknown(&mut r.star);
        r.cant_tell.push(Withheld {
            section: Section::Star,
            reason,
        });
    }
}

/// The transcript is not trusted: nothing built on the words stands.
fn withhold_words(r: &mut Report) {
    let why = format!(
        "the transcript is unreliable: {}",
        untrusted_reason(&r.transcript.quality)
    );
    r.pace.verdict = Verdict::CantTell;
    r.fillers.verdict = Verdict::CantTell;
    r.star = StarAnalysis::default();
    missing_means_unknown(&mut r.star);
    r.flags.clear();
    if let Some(q) = &mut r.question {
        for c in &mut q.checks {
            c.passed = false;
            c.outcome = Some(Answer::CantTell);
            c.why = Some(why.clone());
        }
    }
    let mut sections = vec![
        Section::Pace,
        Section::Fillers,
        Section::Star,
        Section::Flags,
    ];
    if r.question.is_some() {
        sections.push(Section::Question);
    }
    sections.push(Section::Story);
    for section in sections {
        r.cant_tell.push(Withheld {
            section,
            reason: why.clone(),
        });
    }
}

/// With the STAR verdict withheld, a part no sentence was labelled with is not known to be
/// missing: its JSON verdict says `cant_tell`, not `missing`. Parts heard stay present.
fn missing_means_unknown(star: &mut StarAnalysis) {
    for part in [
        &mut star.situation,
        &mut star.task,
        &mut star.action,
        &mut star.result,
    ] {
        if part.verdict == Presence::Missing {
            part.verdict = Presence::CantTell;
            part.confidence = 0.0;
        }
    }
}

fn pace_short(r: &Report) -> Option<String> {
    let p = &r.pace;
    let words = r.length.word_count;
    if p.span_s < PACE_MIN_S {
        Some(format!(
            "only {} s of speech; a pace needs at least {PACE_MIN_S:.0} s",
            // Floored: 19.5 s must not read as the 20 s it falls short of.
            (p.span_s * 10.0).floor() / 10.0
        ))
    } else if words < PACE_MIN_WORDS {
        Some(format!(
            "only {words} words; a pace needs at least {PACE_MIN_WORDS}"
        ))
    } else {
        None
    }
}

/// The pace verdict, agreeing with its windows: an overall rate on target with most of its
/// windows off target is uneven, not on target.
fn pace_verdict(r: &Report) -> Verdict {
    let p = &r.pace;
    let judged = p.judged_windows().count();
    if p.verdict == Verdict::OnTarget
        && judged >= PACE_MIN_WINDOWS
        && p.windows_off_target * 2 > judged
    {
        Verdict::Uneven
    } else {
        p.verdict
    }
}

fn fillers_short(r: &Report) -> Option<String> {
    let f = &r.fillers;
    let span = r.pace.span_s;
    let words = r.length.word_count;
    if words < PACE_MIN_WORDS {
        return Some(format!(
            "only {words} words; a filler rate needs at least {PACE_MIN_WORDS}"
        ));
    }
    let surely_over = f.total as f64 * 60.0 / FILLERS_MIN_S > f.target_per_minute_max
        && f.total >= FILLERS_MIN_COUNT;
    (span < FILLERS_MIN_S && !surely_over).then(|| {
        format!(
            "only {span:.0} s of speech and {} filler{}; a filler rate needs at least \
             {FILLERS_MIN_S:.0} s",
            f.total,
            if f.total == 1 { "" } else { "s" }
        )
    })
}

/// The filler verdict, agreeing with its count: fewer than [`FILLERS_MIN_COUNT`] fillers are
/// never off target; a short answer's rate is judged over at least [`FILLERS_MIN_S`].
fn fillers_verdict(r: &Report) -> Verdict {
    let f = &r.fillers;
    if f.total < FILLERS_MIN_COUNT {
        return Verdict::OnTarget;
    }
    let rate = f.total as f64 * 60.0 / r.pace.span_s.max(FILLERS_MIN_S);
    if rate <= f.target_per_minute_max {
        Verdict::OnTarget
    } else if rate < f.distracting_per_minute {
        Verdict::Noticeable
    } else {
        Verdict::Distracting
    }
}

fn star_short(r: &Report) -> Option<String> {
    let sentences = r.star.sentences.len();
    let words = r.length.word_count;
    let span = r.pace.span_s;
    if words < STAR_MIN_WORDS {
        Some(format!(
            "only {words} words; a STAR verdict needs at least {STAR_MIN_WORDS}"
        ))
    } else if sentences < STAR_MIN_SENTENCES {
        Some(format!(
            "only {sentences} sentence{}; a STAR verdict needs at least {STAR_MIN_SENTENCES}",
            if sentences == 1 { "" } else { "s" }
        ))
    } else if span < STAR_MIN_S {
        Some(format!(
            "only {span:.0} s of speech; a STAR verdict needs at least {STAR_MIN_S:.0} s"
        ))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::{report_on, sample_report};
    use crate::report::{json, markdown, session, terminal};
    use crate::term::{ColorChoice, Style};
    use crate::transcribe::quality::TranscriptQuality;

    fn german() -> TranscriptQuality {
        let mut q =
            TranscriptQuality::untrusted(QualityIssue::OtherLanguage, "the model heard German");
        q.language = Some("de".into());
        q
    }

    fn untrusted_report() -> Report {
        let text = "At my last job our deploys kept failing. The previous team was useless. \
                    I needed to make them reliable. So I added smoke tests and we added a \
                    staging server and we trained everyone. ";
        report_on(&text.repeat(3), 0.45, german())
    }

    #[test]
    fn an_untrusted_transcript_withholds_every_verdict_on_the_words_in_every_format() {
        let r = untrusted_report();
        let s = r.summary();
        assert_eq!(s.verdict, Verdict::CantTell);
        assert!(
            s.headline.starts_with(
                "Can't tell: the speech sounds like another language (the model heard German"
            ),
            "{}",
            s.headline
        );
        assert!(r.flags.is_empty(), "no blame on untrusted words");
        assert!(s
            .top_fixes
            .iter()
            .all(|f| ["length", "pauses", "voice"].contains(&f.area.as_str())));
        assert_eq!(r.pace.verdict, Verdict::CantTell);
        assert_eq!(r.fillers.verdict, Verdict::CantTell);
        assert!(r.withheld(Section::Star).is_some());
        for part in [
            &r.star.situation,
            &r.star.task,
            &r.star.action,
            &r.star.result,
        ] {
            assert_eq!(
                part.verdict,
                Presence::CantTell,
                "no part is called missing"
            );
        }
        let q = r.question.as_ref().unwrap();
        assert!(q.checks.iter().all(|c| c.answer() == Answer::CantTell));

        let style = Style::for_output(ColorChoice::Never, true);
        let text = terminal::render(&r, &style, terminal::View::default())
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            text.contains(
                "can't tell: the speech sounds like another language (the model heard German)"
            ),
            "{text}"
        );
        assert!(
            !text.contains("wpm while speaking"),
            "no rate of untrusted words: {text}"
        );
        assert!(text.contains("Unreliable:"), "{text}");
        assert!(!text.contains("/100"), "no STAR score: {text}");
        assert!(!text.contains("blame"), "{text}");
        let md = markdown::render(&r);
        assert!(md.contains("**Unreliable:**") && md.contains("STAR): can't tell"));
        assert!(!md.contains("/100"), "{md}");
        let html = crate::report::html::render(
            &r,
            &crate::report::html::Embedded::Missing("gone.".into()),
        );
        assert!(html.contains("class=\"warning unreliable\""));
        assert!(html.contains("verdict unsure"));
        let v: serde_json::Value = serde_json::from_str(&json::render(&r)).unwrap();
        assert_eq!(v["summary"]["verdict"], "cant_tell");
        assert_eq!(v["transcript"]["quality"]["trusted"], false);
        assert!(v["cant_tell"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["section"] == "star"));
        let answers = [session::Answer {
            question: "Tell me about a time you improved a process.",
            kind: None,
            take: None,
            report: &r,
        }];
        let sum = session::summarise("s", &answers);
        assert_eq!(sum.answers[0].verdict, Verdict::CantTell);
        assert_eq!(sum.answers[0].star_score, None);
        assert!(sum.answers[0].off_target.iter().all(|m| m != "STAR"));
        let t = session::render_text(&sum, &style)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            t.contains("another language (the model heard German)")
                && t.contains("STAR can't tell"),
            "{t}"
        );
    }

    #[test]
    fn apply_is_idempotent_and_a_trusted_long_answer_keeps_its_verdicts() {
        let text = "I led the migration of our billing system. The old system failed every \
                    week. My task was to move it without downtime. I wrote a plan and I tested \
                    each step. I moved the data in stages. In the end we had no outage and \
                    costs fell by a third. ";
        let mut r = report_on(&text.repeat(2), 0.4, TranscriptQuality::default());
        assert!(r.words_trusted());
        assert!(r.withheld(Section::Star).is_none(), "{:?}", r.cant_tell);
        assert!(r.withheld(Section::Pace).is_none(), "{:?}", r.cant_tell);
        let before = r.cant_tell.clone();
        apply(&mut r);
        assert_eq!(r.cant_tell, before);
    }

    #[test]
    fn a_four_second_answer_gets_no_star_score_and_no_pace() {
        let r = report_on(
            "I fixed the build. It works now. We shipped it. Done and dusted today.",
            0.3,
            TranscriptQuality::default(),
        );
        assert!(r.pace.span_s < 5.0);
        assert_eq!(r.pace.verdict, Verdict::CantTell);
        assert!(r.withheld(Section::Star).is_some());
        assert!(
            [
                &r.star.situation,
                &r.star.task,
                &r.star.action,
                &r.star.result
            ]
            .iter()
            .all(|p| p.verdict != Presence::Missing),
            "{:?}",
            r.star
        );
        let lines = crate::report::scorecard::lines(&r);
        let star = lines.iter().find(|l| l.metric == "STAR").unwrap();
        assert_eq!(star.verdict, Verdict::CantTell);
        let pace = lines.iter().find(|l| l.metric == "Pace").unwrap();
        assert!(!pace.value.contains("wpm"), "{}", pace.value);
        assert!(!pace.detail.contains("0 of 0"));
    }

    #[test]
    fn one_filler_in_a_short_answer_is_not_a_distracting_rate() {
        let r = report_on(
            "So I took over the release process, you know, and I wrote the checklist that \
             the team still uses for every release we ship.",
            0.25,
            TranscriptQuality::default(),
        );
        assert!(r.fillers.total >= 1);
        assert_ne!(r.fillers.verdict, Verdict::Distracting);
        assert_ne!(r.fillers.verdict, Verdict::Noticeable);
    }

    #[test]
    fn the_sample_is_trusted_and_withholds_only_the_short_filler_rate() {
        let r = sample_report();
        let sections: Vec<Section> = r.cant_tell.iter().map(|w| w.section).collect();
        assert_eq!(sections, [Section::Fillers], "{:?}", r.cant_tell);
    }
}
