//! Word error rate of reports against the human transcripts, for scripts
//! (`scripts/bench-noise.sh`): the scorer the tests use (`tests/common/wer.rs`), from the
//! command line.
//!
//! ```sh
//! cargo run --release --example wer -- REF_JSON REPORT_JSON...   # one reference, many reports
//! cargo run --release --example wer -- -  < pairs.tsv              # lines "REF_JSON<TAB>REPORT_JSON"
//! ```
//!
//! `REF_JSON` is a clip's reference (`tests/fixtures/realspeech/*.json`: `transcript`);
//! `REPORT_JSON` a `rehearse analyze --format json` report, or any JSON with
//! `transcript.words[].text` or `transcript.text`. Prints one JSON object per report: the
//! counts (`ref_words`, `hyp_words`, `hits`, `subs`, `dels`, `ins`), `wer`, `recall`, and from
//! the report `speech_found` and `trusted` (`transcript.quality.trusted`) where it has them.

#[allow(dead_code)]
#[path = "../tests/common/wer.rs"]
mod wer;

use std::io::BufRead;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

fn read_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

fn score(reference: &Path, report: &Path) -> Result<Value> {
    let r = read_json(reference)?;
    let h = read_json(report)?;
    let s = wer::score_report(&r, &h).with_context(|| {
        format!(
            "{} or {} has no transcript",
            reference.display(),
            report.display()
        )
    })?;
    Ok(json!({
        "reference": reference,
        "report": report,
        "ref_words": s.ref_words,
        "hyp_words": s.hyp_words,
        "hits": s.hits,
        "subs": s.subs,
        "dels": s.dels,
        "ins": s.ins,
        "wer": s.wer(),
        "recall": s.recall(),
        "speech_found": h["speech_found"],
        "trusted": h["transcript"]["quality"]["trusted"],
    }))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let pairs: Vec<(String, String)> = match args.as_slice() {
        [dash] if dash == "-" => std::io::stdin()
            .lock()
            .lines()
            .map(|l| {
                let l = l.context("reading standard input")?;
                let (a, b) = l
                    .split_once('\t')
                    .with_context(|| format!("not REF<TAB>REPORT: {l:?}"))?;
                Ok((a.to_string(), b.to_string()))
            })
            .collect::<Result<_>>()?,
        [reference, reports @ ..] if !reports.is_empty() => reports
            .iter()
            .map(|h| (reference.clone(), h.clone()))
            .collect(),
        _ => bail!("usage: wer REF_JSON REPORT_JSON... | wer - < pairs.tsv"),
    };
    for (r, h) in pairs {
        println!("{}", score(Path::new(&r), Path::new(&h))?);
    }
    Ok(())
}
