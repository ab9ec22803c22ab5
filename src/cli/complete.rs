//! What tab completion offers where a static script cannot know: the user's story names after
//! `--story` (and `story show|edit|remove`), the question bank's ids after `--question` and
//! `--kind`. clap_complete's dynamic engine calls back into the binary on each Tab
//! (`REHEARSE_COMPLETE=SHELL rehearse -- WORDS...`, set up by `rehearse completions SHELL`),
//! and these give the candidates.
//!
//! Story names are read as the story commands read them: only the names of plain `*.md` files
//! in the data directory's `stories/` folder that are valid story names (no path can come out
//! of it),
//! and at most [`MAX_ENTRIES`] folder entries are looked at, so a huge folder cannot stall the
//! shell. Nothing is opened and any error gives no candidates.

use clap_complete::engine::CompletionCandidate;

use crate::analyze::questions::BANK;
use crate::story::library::check_name;

/// The environment variable that makes the binary answer a completion request instead of
/// running (see [`clap_complete::env::CompleteEnv`]); `rehearse completions` writes scripts
/// that set it.
pub const COMPLETE_VAR: &str = "REHEARSE_COMPLETE";

/// The most entries of the stories folder looked at for one completion.
pub const MAX_ENTRIES: usize = 2000;

/// The stories in the data directory (`--data-dir` is not seen here: `$REHEARSE_HOME` or the
/// default), sorted.
pub fn story_names() -> Vec<CompletionCandidate> {
    let Ok(dir) = crate::paths::data_dir() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(dir.join("stories")) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .take(MAX_ENTRIES)
        .filter_map(|e| {
            let e = e.ok()?;
            // A plain file (no folder, no symlink to elsewhere), named as a story.
            e.file_type().ok()?.is_file().then_some(())?;
            let name = e.file_name().to_str()?.strip_suffix(".md")?.to_string();
            check_name(&name).ok()?;
            Some(name)
        })
        .collect();
    names.sort();
    names.into_iter().map(CompletionCandidate::new).collect()
}

/// The question bank's ids, each with its question as help (shells that show it: zsh, fish).
pub fn question_ids() -> Vec<CompletionCandidate> {
    BANK.iter()
        .map(|q| CompletionCandidate::new(q.id).help(Some(q.text.into())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_ids_are_the_banks() {
        let ids: Vec<String> = question_ids()
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect();
        assert_eq!(ids.len(), BANK.len());
        assert!(ids.iter().any(|i| i == "conflict"), "{ids:?}");
    }
}
