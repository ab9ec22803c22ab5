//! `rehearse model`: which Whisper model would be used, found how, and whether it is sound.

use anyhow::Result;

use super::common::say;
use crate::cli::ModelArgs;
use crate::term::printable_line;
use crate::transcribe::model::{self, ModelSearch};

pub fn model(args: ModelArgs) -> Result<()> {
    let (path, source) = ModelSearch::from_environment(args.engine.model.clone()).resolve()?;
    let info = model::validate(&path)?;
    say(&format!(
        "model: {}\nfound via: {source:?}\nlayers: {} encoder, {} decoder; vocabulary {}; {}\n",
        printable_line(&path.display().to_string()),
        info.n_audio_layer,
        info.n_text_layer,
        info.n_vocab,
        if info.multilingual {
            "multilingual"
        } else {
            "English-only"
        }
    ))
}
