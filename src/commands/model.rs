//! `rehearse model`: which Whisper model and speech detector model would be used, found how,
//! and whether they are sound.

use anyhow::Result;

use crate::cli::ModelArgs;
use crate::speech::silero::{self, VadModelSearch};
use crate::transcribe::model::{self, ModelSearch};
use crate::transcribe::whisper::dtw_preset;

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
    println!(
        "word times: {}",
        match dtw_preset(&info) {
            Some(p) => format!("DTW over the {p:?} alignment heads"),
            None => "token timestamps (no known alignment heads for this model)".into(),
        }
    );
    let (vad, source) =
        VadModelSearch::from_environment(args.engine.vad_model.clone(), Some(&path)).resolve()?;
    let vad_info = silero::validate(&vad)?;
    println!("speech detector: {}", vad.display());
    println!("found via: {source:?}");
    println!(
        "{} {}, {}-sample frames",
        vad_info.kind, vad_info.version, vad_info.window
    );
    Ok(())
}
