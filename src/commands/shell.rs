//! `rehearse completions SHELL` and `rehearse man`: shell completion scripts and manual pages,
//! generated from the command-line definition itself so they never fall behind it.
//!
//! The completion script is clap_complete's dynamic one: on each Tab the shell runs
//! `rehearse` with [`COMPLETE_VAR`] set and the words typed so far, and the binary answers
//! from the same definition, so it can offer what only it knows (story names, question ids:
//! [`crate::cli::complete`]).

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::env::Shells;

use crate::cli::complete::COMPLETE_VAR;
use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::tell;

pub fn completions(args: &CompletionsArgs) -> Result<()> {
    let name = args.shell.to_string();
    let shells = Shells::builtins();
    let shell = shells
        .completer(&name)
        .with_context(|| format!("no completion for {name}"))?;
    let mut out = Vec::new();
    shell
        .write_registration(COMPLETE_VAR, "rehearse", "rehearse", "rehearse", &mut out)
        .context("cannot write the completion script")?;
    if name == "zsh" {
        // Autoloaded from a folder on $fpath as `_rehearse` (the README's way), the file's body
        // runs on the first Tab: complete that Tab too, not only register for the next one.
        out.extend_from_slice(ZSH_AUTOLOAD.as_bytes());
    }
    crate::output::write_output(None, &String::from_utf8_lossy(&out))
}

const ZSH_AUTOLOAD: &str = "if [ \"$funcstack[1]\" = \"_rehearse\" ]; then\n    \
                            _clap_dynamic_completer_rehearse \"$@\"\nfi\n";

pub fn man(args: &ManArgs) -> Result<()> {
    let cmd = Cli::command();
    match &args.dir {
        None => crate::output::write_output(None, &page(&cmd, true)?),
        Some(dir) => write_pages(&cmd, dir),
    }
}

fn page(cmd: &clap::Command, top: bool) -> Result<String> {
    crate::cli::man_page::render(cmd, top).context("cannot render the manual page")
}

/// rehearse.1 and rehearse-COMMAND.1 (rehearse-model-download.1, ...) for every command.
fn write_pages(cmd: &clap::Command, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut todo = vec![(cmd.clone().name("rehearse"), String::from("rehearse"))];
    while let Some((c, name)) = todo.pop() {
        for sub in c.get_subcommands().filter(|s| s.get_name() != "help") {
            let sub_name = format!("{name}-{}", sub.get_name());
            todo.push((sub.clone().name(sub_name.clone()), sub_name));
        }
        let path = dir.join(format!("{name}.1"));
        write_page(&path, &page(&c, name == "rehearse")?)
            .with_context(|| format!("cannot write {}", path.display()))?;
        tell!("rehearse: wrote {}", path.display());
    }
    Ok(())
}

/// Write one page without following a symlink or file planted at its name (the folder may be
/// shared, `/usr/local/share/man/man1`): a new temporary file (random name, `O_EXCL`) renamed
/// over the name, which replaces a symlink instead of writing through it. Manual pages are
/// public: 0644.
fn write_page(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".rehearse-man-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
