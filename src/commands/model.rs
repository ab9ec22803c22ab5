//! `rehearse model`: which Whisper model would be used, found how, and whether it is sound.

use anyhow::Result;

use crate::cli::ModelArgs;
use crate::transcribe::model::{self, ModelSearch};

pub fn model(args: ModelArgs) -> Result<()> {
    let (path, source) = ModelSearch::from_environment(args.engine.model.clone()).resolve()?;
    let info = model::validate(&path)?;
    println!("model: {}", path.display());
    println!("found via: {source:?}");
    println!(
        "layers: {} encoder, {} decoder; vocabulary {}; {}",
        info.n_audio_layer,
        info.n_text_layer,
        info.n_vocab,
        if info.multilingual {
            "multilingual"
        } else {
            "English-only"
        }
    );
    Ok(())
}
