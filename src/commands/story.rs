//! `rehearse story add|edit|list|show|remove|coverage|template`: the prepared stories, kept as
//! Markdown files in the data dir ([`crate::story`]).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use super::common::{json_text, stored_take_facts};
use crate::cli::story::{StoryArgs, StoryCommand};
use crate::output::write_output;
use crate::paths;
use crate::story::coverage;
use crate::story::format::{self, parse_kind};
use crate::story::library::{check_name, Library, MAX_FILE_BYTES};
use crate::term::{printable, printable_line};
use crate::textfile;
use crate::{tell, tell_part};

pub fn story(args: StoryArgs) -> Result<()> {
    let library = Library::new(&paths::data_dir()?);
    match args.command {
        StoryCommand::Add { name, file, kind } => add(&library, &name, file.as_deref(), &kind),
        StoryCommand::Edit { name, file } => edit(&library, &name, file.as_deref()),
        StoryCommand::List { json } => list(&library, json),
        StoryCommand::Show { name, json } => show(&library, &name, json),
        StoryCommand::Remove { name } => {
            library.remove(&name)?;
            tell!("rehearse: removed story {name}");
            Ok(())
        }
        StoryCommand::Coverage { json } => coverage(&library, json),
        StoryCommand::Template { kind } => write_output(None, &format::template(&kinds(&kind)?)),
    }
}

fn kinds(given: &[String]) -> Result<Vec<&'static str>> {
    given
        .iter()
        .map(|k| {
            parse_kind(k).with_context(|| {
                format!("unknown question kind {k:?}: `rehearse questions` lists the kinds")
            })
        })
        .collect()
}

fn add(library: &Library, name: &str, file: Option<&Path>, kind: &[String]) -> Result<()> {
    check_name(name)?;
    if library.exists(name)? {
        bail!("a story named {name:?} already exists: `rehearse story edit {name}` changes it");
    }
    let kinds = kinds(kind)?;
    let text = match file {
        Some(path) => read_file(path)?,
        None if std::io::stdin().is_terminal() => {
            match edit_in_editor(name, &format::template(&kinds))? {
                Some(text) => text,
                None => bail!("the template was not changed, so no story was saved"),
            }
        }
        None => textfile::read_from(
            std::io::stdin().lock(),
            "standard input",
            MAX_FILE_BYTES,
            "a story",
        )
        .context("cannot read the story from standard input")?,
    };
    let story = library.write(name, &text, false)?;
    tell!(
        "rehearse: saved story {name} (\"{}\", {} points, answers {}) in {}",
        printable_line(&story.title),
        story.points.len(),
        printable_line(&story.kinds.join(", ")),
        printable_line(&library.path(name)?.display().to_string())
    );
    Ok(())
}

fn edit(library: &Library, name: &str, file: Option<&Path>) -> Result<()> {
    let old = library.read_text(name)?;
    let text = match file {
        Some(path) => read_file(path)?,
        None => match edit_in_editor(name, &old)? {
            Some(text) => text,
            None => {
                tell!("rehearse: story {name} unchanged");
                return Ok(());
            }
        },
    };
    let story = library.write(name, &text, true)?;
    tell!(
        "rehearse: saved story {name} (\"{}\", {} points)",
        printable_line(&story.title),
        story.points.len()
    );
    Ok(())
}

/// A story file given with `--file`: a regular file of at most the size a stored story may
/// have, refused before it is read otherwise (`/dev/zero`, a FIFO, a 200 MB file).
fn read_file(path: &Path) -> Result<String> {
    Ok(textfile::read(path, MAX_FILE_BYTES, "a story")?)
}

/// The editor the user chose: $VISUAL, then $EDITOR, split into program and arguments.
fn editor() -> Result<Vec<String>> {
    let var = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .context(
            "no editor: set $EDITOR (e.g. EDITOR=nano), or give the story with --file or on \
             standard input",
        )?;
    Ok(var.split_whitespace().map(str::to_string).collect())
}

/// Open `text` in the editor on a scratch file until it parses (or the user gives up).
/// Returns None when the file comes back unchanged.
fn edit_in_editor(name: &str, text: &str) -> Result<Option<String>> {
    let command = editor()?;
    let library = Library::new(&paths::data_dir()?);
    library.ensure_dir()?;
    let dir = library.dir();
    let scratch: PathBuf = dir.join(format!(".{name}.editing-{}.md", std::process::id()));
    std::fs::write(&scratch, text)
        .with_context(|| format!("cannot write {}", scratch.display()))?;
    let result = (|| loop {
        let status = Command::new(&command[0])
            .args(&command[1..])
            .arg(&scratch)
            .status()
            .with_context(|| format!("cannot run the editor {:?}", command.join(" ")))?;
        if !status.success() {
            bail!(
                "the editor {:?} failed ({status}); nothing was saved",
                command[0]
            );
        }
        let edited = read_file(&scratch)?;
        if edited == text {
            return Ok(None);
        }
        match format::parse(&edited) {
            Ok(_) => return Ok(Some(edited)),
            Err(e) if std::io::stdin().is_terminal() => {
                tell!("rehearse: the story has a mistake: {e}");
                tell_part!("Press Enter to fix it in the editor, or type q and Enter to give up: ");
                let mut answer = String::new();
                std::io::stdin().read_line(&mut answer)?;
                if answer.trim().eq_ignore_ascii_case("q") {
                    bail!("nothing was saved: {e}");
                }
            }
            Err(e) => bail!("nothing was saved: the story has a mistake: {e}"),
        }
    })();
    let _ = std::fs::remove_file(&scratch);
    result
}

fn list(library: &Library, json: bool) -> Result<()> {
    let (stories, broken) = library.all()?;
    for e in &broken {
        tell!("rehearse: warning: {}", printable_line(&e.to_string()));
    }
    if json {
        let v: Vec<serde_json::Value> = stories
            .iter()
            .map(|s| {
                serde_json::json!({
                    "name": s.name, "title": s.story.title, "kinds": s.story.kinds,
                    "points": s.story.points.len(),
                })
            })
            .collect();
        return write_output(None, &json_text(&serde_json::Value::Array(v)));
    }
    if stories.is_empty() {
        let text = if broken.is_empty() {
            "No stories yet. `rehearse story add NAME` writes one; `rehearse story template` \
             shows the format.\n"
        } else {
            "No readable stories: fix the files named above.\n"
        };
        return write_output(None, text);
    }
    let width = stories.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for s in &stories {
        let letters: String = format::Part::ALL
            .iter()
            .map(|p| {
                if s.story.points.iter().any(|pt| pt.part == *p) {
                    p.letter()
                } else {
                    '-'
                }
            })
            .collect();
        out.push_str(&format!(
            "{:<width$}  {}  [{letters}, {} points]  answers {}\n",
            printable_line(&s.name),
            printable_line(&s.story.title),
            s.story.points.len(),
            printable_line(&s.story.kinds.join(", "))
        ));
    }
    write_output(None, &out)
}

fn show(library: &Library, name: &str, json: bool) -> Result<()> {
    let named = library.get(name)?;
    if json {
        return write_output(None, &json_text(&serde_json::to_value(&named.story)?));
    }
    // The file as written, made safe for a terminal (a title can hold escape sequences).
    write_output(None, &printable(&library.read_text(name)?))
}

fn coverage(library: &Library, json: bool) -> Result<()> {
    let (stories, broken) = library.all()?;
    let takes = stored_take_facts()?;
    let c = coverage::compute(
        &stories,
        &takes,
        broken.iter().map(ToString::to_string).collect(),
    );
    if json {
        return write_output(None, &json_text(&serde_json::to_value(&c)?));
    }
    write_output(None, &printable(&coverage::render_text(&c)))
}
