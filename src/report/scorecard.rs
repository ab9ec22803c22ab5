//! The scorecard: one line per metric with its value, target, verdict and what to do next.
//! Shared by the human-readable formats so they never disagree.

use super::evidence::{self, Section};
use super::voice;
use super::{clock, Report};
use crate::analyze::flags::Flag;
use crate::analyze::star::{self, Part, Presence};
use crate::analyze::voice::VoiceVerdict;
use crate::analyze::Verdict;

pub struct Line {
    pub metric: &'static str,
    pub value: String,
    pub target: String,
    pub verdict: Verdict,
    /// Secondary figures, e.g. articulation rate.
    pub detail: String,
    pub advice: String,
}

pub fn lines(r: &Report) -> Vec<Line> {
    let mut lines = vec![length(r), pace(r), fillers(r), pauses(r), structure(r)];
    lines.extend(voice(r));
    lines
}

fn length(r: &Report) -> Line {
    let l = &r.length;
    Line {
        metric: "Length",
        value: format!("{} answer, {} words", clock(l.answer_s), l.word_count),
        target: format!("{}-{}", clock(l.target_s.min), clock(l.target_s.max)),
        verdict: l.verdict,
        detail: format!("recording {}", clock(l.duration_s)),
        advice: match l.verdict {
            Verdict::TooShort => {
                "Too short to tell a full story: add the steps you took and a concrete result."
            }
            Verdict::TooLong => {
                "Too long: cut the background to a sentence or two and get to what you did."
            }
            Verdict::NotEnoughSpeech => "No answer to measure.",
            _ => "A good length for a behavioural answer.",
        }
        .to_string(),
    }
}

fn pace(r: &Report) -> Line {
    let p = &r.pace;
    let judged = p.judged_windows().count();
    let mut detail = format!(
        "{:.0} wpm while speaking (pauses excluded)",
        p.articulation_wpm
    );
    if p.verdict == Verdict::CantTell {
        detail = format!(
            "a pace needs at least {:.0} s of speech, {} words and a trusted transcript",
            evidence::PACE_MIN_S,
            evidence::PACE_MIN_WORDS
        );
    } else if judged >= evidence::PACE_MIN_WINDOWS {
        detail.push_str(&format!(
            "; {} of {judged} {}-second windows off target",
            p.windows_off_target, p.window_s
        ));
    }
    Line {
        metric: "Pace",
        // A rate over too short a span is not shown as one.
        value: if p.verdict == Verdict::CantTell {
            format!("{} words in {:.0} s", r.length.word_count, p.span_s)
        } else {
            format!("{:.0} wpm", p.wpm)
        },
        target: format!("{:.0}-{:.0} wpm", p.target.min, p.target.max),
        verdict: p.verdict,
        detail,
        advice: match p.verdict {
            Verdict::TooFast => {
                "Slow down: finish each point, breathe, then start the next.".into()
            }
            Verdict::TooSlow => {
                "Pick up the pace: rehearse until the story flows without searching.".into()
            }
            Verdict::Uneven => format!(
                "On target on average, but {} of {judged} windows are off target: keep an \
                 even pace through the whole answer.",
                p.windows_off_target
            ),
            Verdict::NotEnoughSpeech => "Not enough speech for a pace.".into(),
            Verdict::CantTell => can_t_tell(r, Section::Pace),
            _ => "Comfortable to follow.".into(),
        },
    }
}

/// "Can't tell: only 4 s of speech; ...": the advice of a withheld section.
fn can_t_tell(r: &Report, section: Section) -> String {
    format!(
        "Can't tell: {}.",
        r.withheld(section).unwrap_or("not enough evidence")
    )
}

fn fillers(r: &Report) -> Line {
    let f = &r.fillers;
    let mut common: Vec<(&String, &usize)> = f.by_word.iter().collect();
    common.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    // Every word, most frequent first, after the total: a shortened list (the terminal's
    // one line of evidence) then still says how many there were in all.
    let top = common
        .iter()
        .map(|(w, n)| format!("\"{w}\" x{n}"))
        .collect::<Vec<_>>()
        .join(", ");
    Line {
        metric: "Fillers",
        value: if f.verdict == Verdict::CantTell {
            format!("{} in {:.0} s", f.total, r.pace.span_s)
        } else {
            format!(
                "{} ({:.1}/min, {:.1} per 100 words)",
                f.total, f.per_minute, f.per_100_words
            )
        },
        target: format!("at most {:.0}/min", f.target_per_minute_max),
        verdict: f.verdict,
        detail: match (top.is_empty(), f.heard_in_audio) {
            (true, _) => "none found".into(),
            (false, 0) => format!("{} in all: {top}", f.total),
            (false, n) => format!(
                "{} in all ({n} heard in the audio, not in the transcript): {top}",
                f.total
            ),
        },
        advice: match f.verdict {
            Verdict::Noticeable | Verdict::Distracting => format!(
                "Replace fillers with a silent pause; start with {}.",
                common
                    .first()
                    .map_or(String::new(), |(w, _)| format!("\"{w}\""))
            ),
            Verdict::NotEnoughSpeech => "Not enough speech to judge.".into(),
            Verdict::CantTell => can_t_tell(r, Section::Fillers),
            _ => "Few fillers: listeners will not notice them.".into(),
        },
    }
}

fn pauses(r: &Report) -> Line {
    let p = &r.pauses;
    let long: Vec<String> = p
        .events
        .iter()
        .filter(|e| e.long)
        .take(3)
        .map(|e| format!("{:.1} s at {}", e.duration_s, clock(e.start_s)))
        .collect();
    Line {
        metric: "Pauses",
        value: format!("{} long, {} in all", p.long_count, p.count),
        target: format!("no pause over {:.0} s", p.long_threshold_s),
        verdict: if p.long_count == 0 {
            Verdict::OnTarget
        } else {
            Verdict::TooLong
        },
        detail: format!(
            "pauses of {:.2} s or more: {:.1}/min, {:.1} s in total; {:.1} s before speaking",
            p.min_s, p.per_minute, p.total_s, p.leading_silence_s
        ),
        advice: if long.is_empty() {
            "Short pauses only: they help the listener.".into()
        } else {
            format!(
                "Long pauses ({}): know your next point before you finish this one.",
                long.join(", ")
            )
        },
    }
}

fn structure(r: &Report) -> Line {
    let s = &r.star;
    // A well-structured answer that blames, dodges or answers another question is not on
    // target: the verdict says which flag holds it back.
    let held_back: Vec<&Flag> = r.flags.iter().filter(|f| f.is_sure_content()).collect();
    if let Some(why) = r.withheld(Section::Star) {
        return Line {
            metric: "STAR",
            value: "no score".into(),
            target: format!(
                "S T A R in order, {}+, no content red flag",
                star::GOOD_SCORE
            ),
            verdict: Verdict::CantTell,
            detail: format!(
                "at least {} sentences, {} words and {:.0} s of speech needed",
                evidence::STAR_MIN_SENTENCES,
                evidence::STAR_MIN_WORDS,
                evidence::STAR_MIN_S
            ),
            advice: format!("Can't tell: {why}."),
        };
    }
    let verdict = if s.sentences.is_empty() {
        Verdict::NotEnoughSpeech
    } else if s.score >= star::GOOD_SCORE && held_back.is_empty() {
        Verdict::OnTarget
    } else {
        Verdict::NeedsWork
    };
    let advice = match held_back.first() {
        Some(f) if s.score >= star::GOOD_SCORE => format!(
            "Not on target despite the structure: the {} flag (\"{}\"). A good shape does not \
             make up for it.",
            f.kind.label(),
            star::excerpt(&f.quote, 8)
        ),
        Some(f) => format!(
            "{} Also the {} flag (\"{}\").",
            s.coaching.first().cloned().unwrap_or_default(),
            f.kind.label(),
            star::excerpt(&f.quote, 8)
        )
        .trim_start()
        .to_string(),
        None => s.coaching.first().cloned().unwrap_or_else(|| {
            "Well structured: every part is there, in order, with a measured result.".into()
        }),
    };
    Line {
        metric: "STAR",
        value: format!("{}/100, {}", s.score, present_letters(r)),
        target: format!(
            "S T A R in order, {}+, no content red flag",
            star::GOOD_SCORE
        ),
        verdict,
        detail: format!(
            "{}; Result {}; Actions \"I\" {} / \"we\" {}",
            Part::STORY
                .iter()
                .map(|&p| format!(
                    "{} {:.0}%",
                    p.letter(),
                    s.part(p).map_or(0.0, |x| x.word_share) * 100.0
                ))
                .collect::<Vec<_>>()
                .join(" "),
            result_number(r),
            s.action_i,
            s.action_we
        ),
        advice,
    }
}

/// The scorecard row, when the report has a voice section.
fn voice(r: &Report) -> Option<Line> {
    let v = r.voice.as_ref()?;
    let worst = voice::worst(v);
    Some(Line {
        metric: "Voice",
        value: voice::value(v),
        target: format!(
            "pitch SD >= {:.0} st, no fade",
            crate::analyze::voice::MONOTONE_ST
        ),
        verdict: if worst == VoiceVerdict::NotEnoughSpeech {
            Verdict::NotEnoughSpeech
        } else {
            worst.general()
        },
        detail: voice::detail(v),
        advice: voice::advice(v, worst),
    })
}

/// "has a number", "has no number", or that its number was heard uncertainly.
fn result_number(r: &Report) -> String {
    let s = &r.star;
    match &s.result_number_doubtful {
        _ if s.result_quantified => "has a number".into(),
        Some(n) => format!("number \"{n}\" heard uncertainly, not counted"),
        None => "has no number".into(),
    }
}

/// "S T A R" with a dash for each missing part: "S - A -".
pub fn present_letters(r: &Report) -> String {
    Part::STORY
        .iter()
        .map(|&p| {
            if r.star.part(p).is_some_and(|x| x.present) {
                p.letter().to_string()
            } else {
                "-".to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// "Result quantified: yes; Actions "I" 3 / "we" 0; order S-T-A-R".
pub fn star_facts(r: &Report) -> String {
    let s = &r.star;
    format!(
        "Result quantified: {}; Actions \"I\" {} / \"we\" {}; order {}",
        match &s.result_number_doubtful {
            _ if s.result_quantified => "yes".to_string(),
            Some(n) => format!("no (\"{n}\" heard uncertainly)"),
            None => "no".to_string(),
        },
        s.action_i,
        s.action_we,
        if s.order_ok { "S-T-A-R" } else { "mixed up" }
    )
}

/// The structure score's items: "10/10 Situation present; 0/15 Result missing; ...".
pub fn score_breakdown(r: &Report) -> String {
    r.star
        .score_reasons
        .iter()
        .map(|x| format!("{}/{} {}", x.points, x.max, x.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

/// One line per STAR part: "18% of words, 12% of time, sentences 1-2", or "missing".
pub fn part_summary(r: &Report, part: Part) -> String {
    let Some(p) = r.star.part(part) else {
        return String::new();
    };
    match p.verdict {
        Presence::Missing => return "missing".into(),
        Presence::CantTell => {
            return match p.unsure_sentence {
                Some(i) => format!("not clear (sentence {} may be it)", i + 1),
                None => "not clear".into(),
            }
        }
        Presence::Present => {}
    }
    format!(
        "{:.0}% of words, {:.0}% of time, sentence{} {}",
        p.word_share * 100.0,
        p.time_share * 100.0,
        if p.sentences.len() == 1 { "" } else { "s" },
        ranges(&p.sentences)
    )
}

/// Sentence indices, counted from 1 for people, with runs collapsed: "1-3, 6".
fn ranges(indices: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let mut j = i;
        while j + 1 < indices.len() && indices[j + 1] == indices[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            format!("{}", indices[i] + 1)
        } else {
            format!("{}-{}", indices[i] + 1, indices[j] + 1)
        });
        i = j + 1;
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_runs_are_collapsed() {
        assert_eq!(ranges(&[0, 1, 2, 5, 7, 8]), "1-3, 6, 8-9");
        assert_eq!(ranges(&[]), "");
    }
}
