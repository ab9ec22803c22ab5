//! Terminal styling: colour only for a terminal, never when NO_COLOR is set.

use std::io::IsTerminal;

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
