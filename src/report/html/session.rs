//! The practice session as one page: a row per answer, the session's totals, what to work on
//! next, and a link to each answer's own report. Same shell as the take page (no network
//! requests, readable on a phone).

use std::fmt::Write;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{escape, page};
use crate::report::clock;
use crate::report::session::{figure, star_cell, story_cell, SessionSummary};

/// Where an answer's full report is, for its row's link.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportLink {
    /// A page written beside the session page: its file name (the link is relative, so it
    /// works from a `file://` page and when the two files are moved together).
    File(String),
    /// No page was written (the session page went to standard output): the saved take, which
    /// `rehearse show ID --format html --open` shows.
    Take(String),
    /// Neither: the answer was not saved (`--no-save`) and no page was written.
    None,
}

/// Characters a file name keeps in a relative link; everything else is percent-encoded, so a
/// name with spaces, `#` or `?` still names the file.
const LINK_KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn report_cell(link: Option<&ReportLink>, number: usize) -> String {
    match link {
        Some(ReportLink::File(name)) => format!(
            "<a href=\"{}\">report {number}</a>",
            escape(&utf8_percent_encode(name, LINK_KEEP).to_string())
        ),
        Some(ReportLink::Take(id)) => format!(
            "take {0}: <code>rehearse show {0} --format html --open</code>",
            escape(id)
        ),
        _ => "not saved".into(),
    }
}

/// The page; `links` has one entry per row of `s.answers`, in order.
pub fn render(s: &SessionSummary, links: &[ReportLink]) -> String {
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
         <th scope=\"col\">Verdict</th><th scope=\"col\">Full report</th></tr></thead>\n<tbody>\n",
    );
    for (i, r) in s.answers.iter().enumerate() {
        let report = report_cell(links.get(i), r.number);
        if !r.speech_found {
            let _ = writeln!(
                body,
                "<tr><td>{}</td><td>{}</td><td colspan=\"8\" class=\"off\">no speech found</td>\
                 <td>{report}</td></tr>",
                r.number,
                escape(&r.question)
            );
            continue;
        }
        let _ = writeln!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td><td class=\"{}\">{}</td><td class=\"{}\">{}</td>\
             <td>{report}</td></tr>",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_answer_links_its_report_file_or_names_its_take() {
        use crate::report::session::{summarise, Answer};
        let r = crate::report::tests::sample_report();
        let answer = |take| Answer {
            question: "Tell me about a time you failed.",
            kind: Some("failure"),
            take,
            report: &r,
        };
        let s = summarise("5e55a0aa", &[answer(None), answer(Some("0123abcd"))]);
        let page = render(
            &s,
            &[
                ReportLink::File("my session #1-1.html".into()),
                ReportLink::Take("0123abcd".into()),
            ],
        );
        assert!(
            page.contains("<a href=\"my%20session%20%231-1.html\">report 1</a>"),
            "{page}"
        );
        assert!(
            page.contains(
                "take 0123abcd: <code>rehearse show 0123abcd --format html --open</code>"
            ),
            "{page}"
        );
        let none = render(&s, &[]);
        assert!(!none.contains("<a href"), "{none}");
        assert_eq!(none.matches("<td>not saved</td>").count(), s.answers.len());
    }
}
