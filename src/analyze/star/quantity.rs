//! Measured amounts in a sentence: numbers, percentages, money, durations and counts.
//!
//! Whisper writes most numbers as digits ("30%", "$2,000", "4 hours") but small ones as words
//! ("two weeks", "half"), so both count. Years ("in 2021") set the scene rather than measure
//! an outcome, and incidental words ("one of my strengths", "double-check") are not amounts.

/// Number words below twenty, each at the index of its value.
const SMALL_NUMBERS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

/// The tens from twenty to ninety.
const TENS: &[&str] = &[
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// The value of a number word from "zero" to "nineteen" or a ten from "twenty" to "ninety".
pub fn number_word(w: &str) -> Option<u64> {
    if let Some(i) = SMALL_NUMBERS.iter().position(|u| *u == w) {
        return Some(i as u64);
    }
    TENS.iter()
        .position(|t| *t == w)
        .map(|i| 20 + 10 * i as u64)
}

/// The value of a scale word: "hundred", "thousand", "million", "billion".
pub fn scale_word(w: &str) -> Option<u64> {
    match w {
        "hundred" => Some(100),
        "thousand" => Some(1_000),
        "million" => Some(1_000_000),
        "billion" => Some(1_000_000_000),
        _ => None,
    }
}

/// Words besides the number and scale words from two up that are amounts wherever they appear.
const AMOUNT_WORDS: &[&str] = &[
    "hundreds",
    "thousands",
    "millions",
    "dozen",
    "dozens",
    "half",
    "twice",
    "doubled",
    "tripled",
    "halved",
    "quadrupled",
    "third",
    "percent",
    "percentage",
    "pounds",
    "dollars",
    "euros",
];

/// Units that make "one" or "a" an amount: "one week", "in a day".
const UNITS: &[&str] = &[
    "minute", "hour", "day", "week", "month", "year", "percent", "point", "pound", "dollar",
];

/// True when the word at `i` is (part of) a measured amount. `raw` is the word as written,
/// `norms` the lower-case bare words of the sentence.
pub fn is_amount(raw: &[&str], norms: &[&str], i: usize) -> bool {
    let text = raw[i];
    if text.contains(['%', '$', '£', '€']) {
        return true;
    }
    let w = norms[i];
    if w.chars().any(|c| c.is_ascii_digit()) {
        return !is_year(w);
    }
    if number_word(w).is_some_and(|n| n >= 2)
        || scale_word(w).is_some()
        || AMOUNT_WORDS.contains(&w)
    {
        return true;
    }
    w == "one" && norms.get(i + 1).is_some_and(|n| is_unit(n))
}

/// Any amount in the sentence.
pub fn has_amount(raw: &[&str], norms: &[&str]) -> bool {
    (0..norms.len()).any(|i| is_amount(raw, norms, i))
}

fn is_year(w: &str) -> bool {
    w.len() == 4
        && w.chars().all(|c| c.is_ascii_digit())
        && (w.starts_with("19") || w.starts_with("20"))
}

fn is_unit(w: &str) -> bool {
    let singular = w.strip_suffix('s').unwrap_or(w);
    UNITS.contains(&singular)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(text: &str) -> bool {
        let raw: Vec<&str> = text.split_whitespace().collect();
        let norms: Vec<String> = raw
            .iter()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .collect();
        let norms: Vec<&str> = norms.iter().map(String::as_str).collect();
        has_amount(&raw, &norms)
    }

    #[test]
    fn measured_outcomes_are_amounts() {
        assert!(amount("errors dropped to 4%."));
        assert!(amount("we saved $200,000 a year"));
        assert!(amount("it took three people about four hours"));
        assert!(amount("cut it roughly in half"));
        assert!(amount("one week early"));
        assert!(amount("about thirty percent more demos"));
    }

    #[test]
    fn years_and_incidental_numbers_are_not() {
        assert!(!amount("This was back in 2021."));
        assert!(!amount("it's one of my strengths"));
        assert!(!amount("I always double-check attachments"));
        assert!(!amount("the patient was fine"));
    }

    #[test]
    fn number_words_have_their_values() {
        assert_eq!(number_word("zero"), Some(0));
        assert_eq!(number_word("nineteen"), Some(19));
        assert_eq!(number_word("twenty"), Some(20));
        assert_eq!(number_word("ninety"), Some(90));
        assert_eq!(number_word("hundred"), None);
        assert_eq!(scale_word("thousand"), Some(1_000));
        assert_eq!(scale_word("dozen"), None);
    }
}
