//! Terminal styling: colour only for a terminal, never when NO_COLOR is set;
//! [`printable`], which makes untrusted text (file names, take ids, questions, imported
//! reports) safe to show on a terminal; and [`tell!`](crate::tell), the messages on standard
//! error that never stop the program.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::IsTerminal;

/// A message line for the user on standard error, like `eprintln!`, except that a standard
/// error nobody reads (a closed pipe: `rehearse model download 2>&1 | head -1`) loses the
/// message instead of panicking: messages are not the command's result, so the work goes on
/// and the exit status is the command's. (A fully closed descriptor, `2>&-`, is already safe:
/// Rust's runtime opens /dev/null in its place.) Results go to standard output through
/// [`crate::output::write_output`], whose errors do reach `main`.
#[macro_export]
macro_rules! tell {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = writeln!(::std::io::stderr(), $($arg)*);
    }};
}

/// [`tell!`](crate::tell) without the newline: a prompt, or a countdown's next number.
#[macro_export]
macro_rules! tell_part {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = write!(::std::io::stderr(), $($arg)*);
    }};
}

/// `text` with every character that could steer a terminal written out as a visible escape
/// (`\x1b`, `\u{202e}`): C0 controls except tab and newline, DEL, C1 controls (some terminals
/// take U+009B as CSI), and the bidirectional overrides and isolates that can make text read
/// differently from what it is. Borrowed unchanged when there is nothing to escape.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !is_unsafe(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            let _ = write!(out, "\\x{:02x}", c as u32);
        } else {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
    Cow::Owned(out)
}

/// Like [`printable`] for one line: newlines and tabs are escaped too.
pub fn printable_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c == '\n' || c == '\t' || is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    let escaped: String = text
        .chars()
        .map(|c| match c {
            '\n' => "\\n".to_string(),
            '\t' => "\\t".to_string(),
            c => printable(c.encode_utf8(&mut [0; 4])).into_owned(),
        })
        .collect();
    Cow::Owned(escaped)
}

fn is_unsafe(c: char) -> bool {
    matches!(c,
        '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}'
        | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text as it reaches a terminal from this program's own renderers: the colour codes
/// [`Style`] writes (`ESC [ digits/; m`) are kept, any other control character is escaped
/// as [`printable`] does. A renderer that paints untrusted text can thus not move the cursor,
/// set the window title, write the clipboard or hide what it prints behind an escape.
pub fn printable_styled(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(at) = rest.find(is_unsafe) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let sgr = own_sgr(tail);
        if sgr > 0 {
            out.push_str(&tail[..sgr]);
            rest = &tail[sgr..];
        } else {
            let c = tail.chars().next().unwrap_or(' ');
            out.push_str(&printable(c.encode_utf8(&mut [0; 4])));
            rest = &tail[c.len_utf8()..];
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The length of a colour code [`Style`] writes at the start of `s`, or 0.
fn own_sgr(s: &str) -> usize {
    const OWN: [&str; 7] = ["0", "1", "2", "31", "32", "33", "1;33"];
    let Some(body) = s.strip_prefix("\x1b[") else {
        return 0;
    };
    match body.find('m') {
        Some(end) if OWN.contains(&&body[..end]) => 2 + end + 1,
        _ => 0,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy)]
pub struct Style {
    enabled: bool,
}

impl Style {
    pub fn plain() -> Self {
        Style { enabled: false }
    }

    /// Decide for output going to stdout (`to_terminal` false when writing a file).
    pub fn for_output(choice: ColorChoice, to_terminal: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let enabled = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && to_terminal && std::io::stdout().is_terminal(),
        };
        Style { enabled }
    }

    pub fn enabled(&self) -> bool {
        self.enabled
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }
    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }
    pub fn good(&self, s: &str) -> String {
        self.paint("32", s)
    }
    pub fn warn(&self, s: &str) -> String {
        self.paint("33", s)
    }
    pub fn bad(&self, s: &str) -> String {
        self.paint("31", s)
    }
    /// A filler inside the transcript: highlighted, or bracketed without colour.
    pub fn filler(&self, s: &str) -> String {
        if self.enabled {
            self.paint("1;33", s)
        } else {
            format!("[{s}]")
        }
    }
}

/// The width a report is wrapped to: the terminal's when standard output is one (and the
/// report goes there, `to_terminal`), else `COLUMNS` when it holds a number, else 80; never
/// under [`MIN_WIDTH`].
pub fn report_width(to_terminal: bool) -> usize {
    let from_terminal = (to_terminal && std::io::stdout().is_terminal())
        .then(|| terminal_size::terminal_size_of(std::io::stdout()))
        .flatten()
        .map(|(w, _)| usize::from(w.0));
    let from_env = || {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
    };
    from_terminal
        .filter(|&w| w > 0)
        .or_else(from_env)
        .unwrap_or(DEFAULT_WIDTH)
        .max(MIN_WIDTH)
}

/// The width of a report that goes nowhere in particular (a file, a pipe without `COLUMNS`).
pub const DEFAULT_WIDTH: usize = 80;
/// Narrower than this, a report is wrapped at this width anyway: a scorecard row needs it.
pub const MIN_WIDTH: usize = 40;

/// Columns `s` takes on screen: its characters, not counting colour escape codes.
pub fn visible_width(s: &str) -> usize {
    let mut n = 0;
    let mut in_escape = false;
    for c in s.chars() {
        match (in_escape, c) {
            (false, '\x1b') => in_escape = true,
            (true, 'm') => in_escape = false,
            (false, _) => n += 1,
            _ => {}
        }
    }
    n
}

/// `s` padded with spaces to `width` visible columns (`{:<width}` would count the escape
/// codes of a coloured string and pad too little).
pub fn pad(s: &str, width: usize) -> String {
    let fill = width.saturating_sub(visible_width(s));
    format!("{s}{}", " ".repeat(fill))
}

/// `text` wrapped to `width` columns at spaces only (never inside a word, not even at a
/// hyphen; colour codes take no room), the first line indented `first` spaces and the rest
/// `rest`. A word longer than a line is left whole.
pub fn wrap(text: &str, width: usize, first: usize, rest: usize) -> String {
    let first = " ".repeat(first);
    let rest = " ".repeat(rest);
    let options = textwrap::Options::new(width.max(MIN_WIDTH))
        .initial_indent(&first)
        .subsequent_indent(&rest)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::fill(text, &options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_style_adds_no_escape_codes() {
        let s = Style::plain();
        assert_eq!(s.bad("x"), "x");
        assert_eq!(s.filler("um"), "[um]");
    }

    #[test]
    fn control_characters_are_shown_not_obeyed() {
        assert_eq!(
            printable("plain ünïcode\tand\nlines"),
            "plain ünïcode\tand\nlines"
        );
        assert_eq!(printable("a\x1b]0;pwned\x07b"), "a\\x1b]0;pwned\\x07b");
        assert_eq!(printable("\u{9b}2J \u{202e}abc"), "\\x9b2J \\u{202e}abc");
        assert_eq!(printable_line("two\nlines\r"), "two\\nlines\\x0d");
    }

    #[test]
    fn own_colours_survive_foreign_escapes_do_not() {
        let s = Style::for_output(ColorChoice::Always, false);
        let text = format!("{} \x1b[8mhidden\x1b[2J", s.bad("bad"));
        assert_eq!(
            printable_styled(&text),
            "\x1b[31mbad\x1b[0m \\x1b[8mhidden\\x1b[2J"
        );
    }

    #[test]
    fn padding_counts_only_visible_columns() {
        let s = Style::for_output(ColorChoice::Always, false);
        assert_eq!(visible_width(&s.bold("Pace")), 4);
        assert_eq!(pad(&s.bold("Pace"), 8), format!("{}    ", s.bold("Pace")));
        assert_eq!(pad("Pace", 8), "Pace    ");
        assert_eq!(pad("Fillers!", 4), "Fillers!");
    }

    #[test]
    fn always_colours() {
        let s = Style::for_output(ColorChoice::Always, false);
        assert!(s.good("ok").contains("\x1b[32m"));
    }
}
