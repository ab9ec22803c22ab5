//! The practice session as one page: a row per answer, the session's totals, what to work on
//! next. Same shell as the take page (no network requests, readable on a phone).

use std::fmt::Write;

use super::{escape, page};
use crate::report::clock;
use crate::report::session::{figure, star_cell, story_cell, SessionSummary};

pub fn render(s: &SessionSummary) -> String {
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<header>\n<h1>Practice session {}</h1>\n<p>{} answer{}, {} of speech</p>\n</header>",
        escape(&s.session),
        s.overall.answers,
        if s.overall.answers == 1 { "" } else { "s" },
        clock(s.overall.speaking_s)
    );
    body.push_str(
        "<section aria-labelledby=\"h-answers\">\n<h2 id=\"h-answers\">Answers</h2>\n\
         <table class=\"session\">\n<thead><tr><th scope=\"col\">#</th>\
         <th scope=\"col\">Question</th><th scope=\"col\">Story points covered</th>\
         <th scope=\"col\">Length</th><th scope=\"col\">Pace (wpm)</th>\
         <th scope=\"col\">Fillers/min</th><th scope=\"col\">Long pauses</th>\
         <th scope=\"col\">STAR</th><th scope=\"col\">Off target</th>\
         <th scope=\"col\">Verdict</th></tr></thead>\n<tbody>\n",
    );
    for r in &s.answers {
        if !r.speech_found {
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td>{}</td><td colspan=\"8\" class=\"off\">no speech found</td></tr>",
                r.number,
                escape(&r.question)
            );
            continue;
        }
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td class=\"{}\">{}</td><td class=\"{}\">{}</td></tr>",
            r.number,
            escape(&r.question),
            escape(&story_cell(r.story.as_ref())),
            clock(r.answer_s),
            escape(&figure(r, "Pace", format!("{:.0}", r.wpm))),
            escape(&figure(
                r,
                "Fillers",
                format!("{:.1}", r.fillers_per_minute)
            )),
            r.long_pauses,
            escape(&star_cell(r.star_score)),
            if r.off_target.is_empty() { "ok" } else { "off" },
            if r.off_target.is_empty() {
                "none".to_string()
            } else {
                escape(&r.off_target.join(", "))
            },
            r.verdict.css_class(),
            escape(&r.finding)
        );
    }
    body.push_str("</tbody>\n</table>\n</section>\n");
    let o = &s.overall;
    let _ = writeln!(
        body,
        "<section aria-labelledby=\"h-overall\">\n<h2 id=\"h-overall\">Overall</h2>\n<ul>\n\
         <li>Pace {:.0} wpm{}</li>\n<li>Fillers {:.1} per minute{}</li>\n\
         <li>Long pauses {}</li>\n<li>STAR {} (target 80+)</li>\n<li>Story points covered {}</li>\n</ul>\n</section>",
        o.wpm,
        o.pace_target_wpm
            .map_or(String::new(), |t| format!(" (target {:.0}-{:.0})", t.min, t.max)),
        o.fillers_per_minute,
        o.fillers_per_minute_max
            .map_or(String::new(), |m| format!(" (target at most {m:.0})")),
        o.long_pauses,
        o.mean_star_score
            .map_or("-".into(), |x| format!("{x:.0}/100 on average")),
        if o.points_total > 0 {
            format!("{} of {}", o.points_covered, o.points_total)
        } else {
            "- (no story)".into()
        }
    );
    body.push_str("<section aria-labelledby=\"h-next\">\n<h2 id=\"h-next\">Next</h2>\n");
    for step in &s.next_steps {
        let _ = writeln!(body, "<p class=\"coach\">{}</p>", escape(step));
    }
    body.push_str("</section>\n");
    page::wrap(&format!("Practice session {}", s.session), &body)
}
