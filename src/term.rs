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
    fn always_colours() {
        let s = Style::for_output(ColorChoice::Always, false);
        assert!(s.good("ok").contains("\x1b[32m"));
    }
}
