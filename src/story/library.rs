//! Stories on disk: `<data dir>/stories/<name>.md`, one file per story.
//!
//! A story's NAME is the file name, so it is checked, never cleaned up: lowercase ASCII
//! letters, digits, `-` and `_`, starting with a letter or digit, at most 40 characters.
//! Anything else (a slash, `..`, a space, an empty name) is refused with an error that shows a
//! name that would do, so no name can reach outside the stories folder. Writes go to a
//! temporary file in the same folder and are renamed into place.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::format::{self, FormatError, Story};

/// The longest story name, in characters.
pub const MAX_NAME: usize = 40;
/// A story file larger than this is not a story (a wrong file, or binary data).
pub const MAX_FILE_BYTES: u64 = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum StoryError {
    #[error(
        "{name:?} is not a story name: use lowercase letters, digits, `-` and `_` (up to \
         {MAX_NAME}, starting with a letter or digit){hint}",
        hint = suggest_name(name).map(|s| format!(", e.g. {s:?}")).unwrap_or_default()
    )]
    BadName { name: String },
    #[error("no story named {name:?}: `rehearse story list` shows them{hint}",
        hint = if known.is_empty() { String::new() } else { format!(" ({})", known.join(", ")) })]
    NotFound { name: String, known: Vec<String> },
    #[error("a story named {name:?} already exists: `rehearse story edit {name}` changes it")]
    Exists { name: String },
    // The cause is part of the message and deliberately not a `source`: the error chain would
    // print it a second time.
    #[error("story {}: {error}", path.display())]
    Format { path: PathBuf, error: FormatError },
    #[error("story {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("cannot {action} {}: {error}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        error: io::Error,
    },
}

/// Check a story name; returns it as the file stem.
pub fn check_name(name: &str) -> Result<&str, StoryError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_'))
        && name.as_bytes()[0].is_ascii_alphanumeric();
    if ok {
        Ok(name)
    } else {
        Err(StoryError::BadName {
            name: name.to_string(),
        })
    }
}

/// A valid name made from what the user typed, to show in the error.
fn suggest_name(name: &str) -> Option<String> {
    let mut s = String::new();
    for c in name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c);
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    let s: String = s.trim_end_matches('-').chars().take(MAX_NAME).collect();
    let s = s.trim_end_matches('-').to_string();
    (!s.is_empty() && s != name).then_some(s)
}

/// A story with its name, as read from the library.
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub name: String,
    pub story: Story,
}

/// The stories folder of a data directory.
pub struct Library {
    dir: PathBuf,
}

impl Library {
    pub fn new(data_dir: &Path) -> Library {
        Library {
            dir: data_dir.join("stories"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Make the stories folder (owner only) if it is not there.
    pub fn ensure_dir(&self) -> Result<(), StoryError> {
        create_private_dir(&self.dir).map_err(|source| StoryError::Io {
            action: "create the stories folder",
            path: self.dir.clone(),
            error: source,
        })
    }

    /// The file of a story (checked name).
    pub fn path(&self, name: &str) -> Result<PathBuf, StoryError> {
        Ok(self.dir.join(format!("{}.md", check_name(name)?)))
    }

    pub fn exists(&self, name: &str) -> Result<bool, StoryError> {
        Ok(self.path(name)?.is_file())
    }

    /// The names of all stories, sorted.
    pub fn names(&self) -> Result<Vec<String>, StoryError> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => {
                return Err(StoryError::Io {
                    action: "read the stories folder",
                    path: self.dir.clone(),
                    error: source,
                })
            }
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let name = e.file_name().to_str()?.strip_suffix(".md")?.to_string();
                check_name(&name).ok()?;
                Some(name)
            })
            .collect();
        names.sort();
        Ok(names)
    }

    /// A story's text as stored.
    pub fn read_text(&self, name: &str) -> Result<String, StoryError> {
        let path = self.path(name)?;
        let meta = fs::metadata(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => StoryError::NotFound {
                name: name.to_string(),
                known: self.names().unwrap_or_default(),
            },
            _ => StoryError::Io {
                action: "read",
                path: path.clone(),
                error: e,
            },
        })?;
        if meta.len() > MAX_FILE_BYTES {
            return Err(StoryError::Unreadable {
                path,
                reason: format!(
                    "the file is {} KB; a story file is a page of notes (at most {} KB)",
                    meta.len() / 1024,
                    MAX_FILE_BYTES / 1024
                ),
            });
        }
        let bytes = fs::read(&path).map_err(|source| StoryError::Io {
            action: "read",
            path: path.clone(),
            error: source,
        })?;
        String::from_utf8(bytes).map_err(|e| StoryError::Unreadable {
            path,
            reason: format!(
                "it is not UTF-8 text (byte {}); save it as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        })
    }

    /// A story, parsed and checked.
    pub fn get(&self, name: &str) -> Result<Named, StoryError> {
        let text = self.read_text(name)?;
        let story = format::parse(&text).map_err(|source| StoryError::Format {
            path: self.path(name).unwrap_or_default(),
            error: source,
        })?;
        Ok(Named {
            name: name.to_string(),
            story,
        })
    }

    /// Every story that parses, and for each one that does not, its error.
    pub fn all(&self) -> Result<(Vec<Named>, Vec<StoryError>), StoryError> {
        let mut good = Vec::new();
        let mut bad = Vec::new();
        for name in self.names()? {
            match self.get(&name) {
                Ok(s) => good.push(s),
                Err(e) => bad.push(e),
            }
        }
        Ok((good, bad))
    }

    /// Write a story's text after checking it parses; `replace` allows overwriting.
    pub fn write(&self, name: &str, text: &str, replace: bool) -> Result<Story, StoryError> {
        let path = self.path(name)?;
        let story = format::parse(text).map_err(|source| StoryError::Format {
            path: path.clone(),
            error: source,
        })?;
        if !replace && path.exists() {
            return Err(StoryError::Exists {
                name: name.to_string(),
            });
        }
        if replace && !path.exists() {
            return Err(StoryError::NotFound {
                name: name.to_string(),
                known: self.names()?,
            });
        }
        self.ensure_dir()?;
        let tmp = self
            .dir
            .join(format!(".{name}.md.tmp-{}", std::process::id()));
        let io_err = |source| StoryError::Io {
            action: "write",
            path: path.clone(),
            error: source,
        };
        let _ = fs::remove_file(&tmp);
        write_private(&tmp, text).map_err(io_err)?;
        if !replace {
            // Refuse to overwrite a story another process wrote meanwhile.
            if let Err(e) = fs::hard_link(&tmp, &path) {
                let _ = fs::remove_file(&tmp);
                return Err(if e.kind() == io::ErrorKind::AlreadyExists {
                    StoryError::Exists {
                        name: name.to_string(),
                    }
                } else {
                    io_err(e)
                });
            }
            let _ = fs::remove_file(&tmp);
        } else if let Err(e) = fs::rename(&tmp, &path) {
            let _ = fs::remove_file(&tmp);
            return Err(io_err(e));
        }
        Ok(story)
    }

    pub fn remove(&self, name: &str) -> Result<(), StoryError> {
        let path = self.path(name)?;
        fs::remove_file(&path).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => StoryError::NotFound {
                name: name.to_string(),
                known: self.names().unwrap_or_default(),
            },
            _ => StoryError::Io {
                action: "remove",
                path: path.clone(),
                error: e,
            },
        })
    }
}

/// The stories folder, readable by its owner only (like the take store).
fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// A new file readable by its owner only: a story holds facts about the user's work.
fn write_private(path: &Path, text: &str) -> io::Result<()> {
    use std::io::Write;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "# Review dispute\nAnswers: conflict\n## Action\n- I listened first.\n";

    #[test]
    fn names_that_could_leave_the_folder_are_refused() {
        for bad in [
            "",
            "..",
            "../x",
            "a/b",
            "/etc/passwd",
            "a\\b",
            "Billing",
            "a b",
            ".hidden",
            "-x",
            "é",
            "a.md",
        ] {
            assert!(check_name(bad).is_err(), "{bad:?} accepted");
        }
        let long = "a".repeat(MAX_NAME + 1);
        assert!(check_name(&long).is_err());
        for good in ["billing", "billing-2024", "a_b", "7"] {
            assert_eq!(check_name(good).unwrap(), good);
        }
        let msg = check_name("Billing Migration").unwrap_err().to_string();
        assert!(msg.contains("e.g. \"billing-migration\""), "{msg}");
        let msg = check_name("../../etc").unwrap_err().to_string();
        assert!(msg.contains("e.g. \"etc\""), "{msg}");
    }

    #[test]
    fn a_mistake_in_a_story_is_said_once_in_the_error_chain() {
        let home = tempfile::tempdir().unwrap();
        let lib = Library::new(home.path());
        let text = "# Billing\nAnswers: techincal_problem\n\n## Action\n- I moved it.\n";
        let err = anyhow::Error::from(lib.write("billing", text, false).unwrap_err());
        let chain = format!("{err:#}");
        assert_eq!(chain.matches("techincal_problem").count(), 1, "{chain}");
        assert!(chain.contains("did you mean technical_problem"), "{chain}");
    }

    #[test]
    fn stories_are_written_listed_read_and_removed() {
        let home = tempfile::tempdir().unwrap();
        let lib = Library::new(home.path());
        assert!(lib.names().unwrap().is_empty());
        lib.write("review", STORY, false).unwrap();
        assert!(matches!(
            lib.write("review", STORY, false),
            Err(StoryError::Exists { .. })
        ));
        assert!(matches!(
            lib.write("other", STORY, true),
            Err(StoryError::NotFound { .. })
        ));
        assert_eq!(lib.names().unwrap(), ["review"]);
        assert_eq!(lib.get("review").unwrap().story.title, "Review dispute");
        lib.write("review", &STORY.replace("dispute", "row"), true)
            .unwrap();
        assert_eq!(lib.get("review").unwrap().story.title, "Review row");
        lib.remove("review").unwrap();
        let err = lib.get("review").unwrap_err().to_string();
        assert!(err.contains("no story named \"review\""), "{err}");
        assert!(home.path().join("stories").is_dir());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            lib.write("private", STORY, false).unwrap();
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&lib.path("private").unwrap()), 0o600);
            assert_eq!(mode(lib.dir()), 0o700);
            lib.remove("private").unwrap();
        }
        // Nothing left behind but the (empty) folder.
        assert_eq!(fs::read_dir(lib.dir()).unwrap().count(), 0);
    }

    #[test]
    fn a_story_with_a_mistake_is_never_written_and_a_hand_broken_one_is_a_clear_error() {
        let home = tempfile::tempdir().unwrap();
        let lib = Library::new(home.path());
        let err = lib
            .write("x", "# T\nAnswers: conflict\n## Actoin\n- y\n", false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("x.md: line 3: unknown section"), "{err}");
        assert!(!lib.exists("x").unwrap());
        lib.write("x", STORY, false).unwrap();
        fs::write(lib.path("x").unwrap(), "# T\nAnswers: conflict, lunch\n").unwrap();
        let err = lib.get("x").unwrap_err().to_string();
        assert!(
            err.contains("line 2: unknown question kind \"lunch\""),
            "{err}"
        );
        let (good, bad) = lib.all().unwrap();
        assert!(good.is_empty() && bad.len() == 1);
        fs::write(lib.path("x").unwrap(), [0xff, 0xfe, 0x00]).unwrap();
        let err = lib.get("x").unwrap_err().to_string();
        assert!(err.contains("not UTF-8"), "{err}");
    }
}
