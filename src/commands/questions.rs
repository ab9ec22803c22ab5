//! `rehearse questions`: the built-in question bank and what a strong answer to each contains.

use anyhow::Result;

use crate::analyze::questions;
use crate::cli::QuestionsArgs;
use crate::output::write_output;

pub fn questions(args: &QuestionsArgs) -> Result<()> {
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(questions::BANK)?;
        s.push('\n');
        s
    } else {
        let mut s = String::new();
        for q in questions::BANK {
            s.push_str(&format!("{}\n  {}\n", q.id, q.text));
            for point in q.strong_answer {
                s.push_str(&format!("    - {point}\n"));
            }
        }
        s.push_str("\nUse one with: rehearse analyze FILE --question ID (or --question \"your own text\")\n");
        s
    };
    write_output(None, &text)
}
