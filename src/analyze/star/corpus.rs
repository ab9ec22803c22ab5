//! The labelled STAR corpus format (`tests/corpus/star/README.md`), read in one place.
//!
//! The corpus test, the format check and the offline trainer (`examples/train_star/`) all
//! read answers through [`parse`], so a file that one of them accepts the others accept too,
//! and a malformed file is reported with its name and line instead of being half-read.

use std::path::{Path, PathBuf};

use thiserror::Error;

use super::Part;
use crate::analyze::questions::BANK;
use crate::transcribe::Transcript;

/// Seconds per word when an answer's text becomes a transcript (150 words a minute).
pub const SECONDS_PER_WORD: f64 = 0.4;

#[derive(Debug, Error)]
pub enum CorpusError {
    #[error("{file}:{line}: {what}")]
    Format {
        file: String,
        line: usize,
        what: String,
    },
    #[error("{file}: {what}")]
    Answer { file: String, what: String },
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// One labelled answer.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusAnswer {
    /// The file name without `.txt`.
    pub name: String,
    /// A question bank id.
    pub question: String,
    pub tags: Vec<String>,
    /// Who wrote it (`# author:`), when the file says.
    pub author: Option<String>,
    /// The label of each sentence, in the order spoken.
    pub gold: Vec<Part>,
    pub sentences: Vec<String>,
}

/// A label letter as written in the corpus: S, T, A, R or -.
pub fn part_of_letter(letter: &str) -> Option<Part> {
    Some(match letter {
        "S" => Part::Situation,
        "T" => Part::Task,
        "A" => Part::Action,
        "R" => Part::Result,
        "-" => Part::Other,
        _ => return None,
    })
}

/// Parse one answer file's text. `name` is used in errors and kept as the answer's name.
pub fn parse(name: &str, text: &str) -> Result<CorpusAnswer, CorpusError> {
    let err = |line: usize, what: String| CorpusError::Format {
        file: name.to_string(),
        line,
        what,
    };
    let mut answer = CorpusAnswer {
        name: name.to_string(),
        question: String::new(),
        tags: Vec::new(),
        author: None,
        gold: Vec::new(),
        sentences: Vec::new(),
    };
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if let Some(q) = line.strip_prefix("# question:") {
            let q = q.trim();
            if !BANK.iter().any(|b| b.id == q) {
                return Err(err(n, format!("unknown question id {q:?}")));
            }
            answer.question = q.to_string();
        } else if let Some(t) = line.strip_prefix("# quality:") {
            answer.tags = t
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        } else if let Some(a) = line.strip_prefix("# author:") {
            answer.author = Some(a.trim().to_string());
        } else if line.starts_with('#') {
            // Other comment lines (a labeller's note) are allowed and ignored.
        } else if line.trim().is_empty() {
            return Err(err(n, "blank line".into()));
        } else {
            let (label, sentence) = line
                .split_once(':')
                .ok_or_else(|| err(n, format!("no label: {line:?}")))?;
            let part = part_of_letter(label.trim())
                .ok_or_else(|| err(n, format!("unknown label {:?}", label.trim())))?;
            let sentence = sentence.trim();
            if sentence.is_empty() {
                return Err(err(n, "empty sentence".into()));
            }
            answer.gold.push(part);
            answer.sentences.push(sentence.to_string());
        }
    }
    if answer.question.is_empty() {
        return Err(CorpusError::Answer {
            file: name.into(),
            what: "no `# question:` line".into(),
        });
    }
    if answer.sentences.is_empty() {
        return Err(CorpusError::Answer {
            file: name.into(),
            what: "no labelled sentences".into(),
        });
    }
    Ok(answer)
}

/// Every `*.txt` answer in `dir`, sorted by file name.
pub fn load_dir(dir: &Path) -> Result<Vec<CorpusAnswer>, CorpusError> {
    let read = |path: &Path, e: std::io::Error| CorpusError::Read {
        path: path.to_path_buf(),
        source: e,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| read(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).map_err(|e| read(p, e))?;
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            parse(&name, &text)
        })
        .collect()
}

impl CorpusAnswer {
    /// The answer as a transcript with evenly spaced timings, and the index of each gold
    /// sentence's first word in it.
    pub fn transcript(&self) -> (Transcript, Vec<usize>) {
        let mut starts = Vec::with_capacity(self.sentences.len());
        let mut n = 0;
        for s in &self.sentences {
            starts.push(n);
            n += s.split_whitespace().count();
        }
        let t = Transcript::evenly_timed(&self.sentences.join(" "), SECONDS_PER_WORD);
        (t, starts)
    }

    /// The gold label of every word of [`Self::transcript`].
    pub fn word_labels(&self) -> Vec<Part> {
        self.sentences
            .iter()
            .zip(&self.gold)
            .flat_map(|(s, &p)| std::iter::repeat_n(p, s.split_whitespace().count()))
            .collect()
    }

    pub fn tagged(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_well_formed_answer_parses() {
        let a = parse(
            "x",
            "# question: conflict\n# quality: strong,disfluent\n# author: a1\nS: so um I was \
             at a shop\nA: I asked her\n-: that's it\n",
        )
        .unwrap();
        assert_eq!(a.question, "conflict");
        assert_eq!(a.tags, ["strong", "disfluent"]);
        assert_eq!(a.author.as_deref(), Some("a1"));
        assert_eq!(a.gold, [Part::Situation, Part::Action, Part::Other]);
        assert_eq!(a.word_labels().len(), 12);
        assert_eq!(a.transcript().1, [0, 7, 10]);
    }

    #[test]
    fn malformed_answers_say_where() {
        let e = parse("x", "# question: conflict\nQ: hello\n").unwrap_err();
        assert_eq!(e.to_string(), "x:2: unknown label \"Q\"");
        let e = parse("x", "# question: nope\nS: hi\n").unwrap_err();
        assert!(e.to_string().starts_with("x:1: unknown question id"));
        let e = parse("x", "# question: conflict\n\nS: hi\n").unwrap_err();
        assert_eq!(e.to_string(), "x:2: blank line");
        let e = parse("x", "S: hi\n").unwrap_err();
        assert_eq!(e.to_string(), "x: no `# question:` line");
        let e = parse("x", "# question: conflict\nS:   \n").unwrap_err();
        assert_eq!(e.to_string(), "x:2: empty sentence");
    }
}
