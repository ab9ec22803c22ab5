//! Stories: the small set of prepared answers a candidate rehearses, kept as Markdown files
//! in the data directory, and the checks that tie spoken answers back to them.
//!
//! - [`format`](mod@format): the story file (title, the question kinds it answers, S/T/A/R notes and key
//!   facts), parsed with errors that name the line, and the template `story add` opens.
//! - [`library`]: the stories folder; names are checked so none can reach outside it.
//! - [`matching`]: which of a story's points an answer covered, when, and where it wandered.
//! - [`coverage`]: which question kinds the set answers, and how each story has fared.

pub mod coverage;
pub mod format;
pub mod library;
pub mod matching;

pub use format::{Part, Point, Story};
pub use library::{Library, Named, StoryError};
pub use matching::{check, StoryCheck};
