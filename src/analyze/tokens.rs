//! Words as the analysis rules see them: lower-case, bare, with the punctuation around them.

use crate::transcribe::Word;

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Lower-case word without surrounding punctuation ("don't", "i", "um").
    pub norm: String,
    /// A comma, dash or semicolon follows the word.
    pub comma_after: bool,
    /// A sentence ends after the word (. ! ? or an ellipsis).
    pub sentence_end_after: bool,
    pub question_after: bool,
}

pub fn tokenize(words: &[Word]) -> Vec<Token> {
    words.iter().map(|w| token(&w.text)).collect()
}

fn token(text: &str) -> Token {
    let trimmed = text.trim();
    let trailing: String = trimmed
        .chars()
        .rev()
        .take_while(|c| !c.is_alphanumeric())
        .collect();
    let norm = trimmed
        .trim_matches(|c: char| !c.is_alphanumeric())
        .replace('’', "'")
        .to_lowercase();
    Token {
        norm,
        comma_after: trailing.contains([',', ';', '-', '—', ':']),
        sentence_end_after: trailing.contains(['.', '!', '?', '…']),
        question_after: trailing.contains('?'),
    }
}

impl Token {
    pub fn is(&self, w: &str) -> bool {
        self.norm == w
    }
}

/// True when token `i` starts a clause: first word, or after a comma or sentence end.
pub fn clause_start(toks: &[Token], i: usize) -> bool {
    i == 0 || toks[i - 1].comma_after || toks[i - 1].sentence_end_after
}

/// True when token `i` starts a sentence.
pub fn sentence_start(toks: &[Token], i: usize) -> bool {
    i == 0 || toks[i - 1].sentence_end_after
}

/// True when a clause boundary follows token `i`.
pub fn clause_end(toks: &[Token], i: usize) -> bool {
    i + 1 >= toks.len() || toks[i].comma_after || toks[i].sentence_end_after
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_is_separated_from_the_word() {
        let t = token("Like,");
        assert_eq!(t.norm, "like");
        assert!(t.comma_after && !t.sentence_end_after);
        let t = token("right?");
        assert!(t.question_after && t.sentence_end_after);
        assert_eq!(token("Don’t").norm, "don't");
    }
}
