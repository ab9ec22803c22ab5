//! `rehearse model`: which Whisper model and speech detector model would be used, found how,
//! and whether they are sound.

use anyhow::Result;

use super::common::say;
use crate::cli::ModelArgs;
use crate::speech::silero::{self, VadModelSearch};
use crate::term::printable_line;
use crate::transcribe::model::{self, ModelSearch};
use crate::transcribe::whisper::dtw_preset;

pub fn model(args: ModelArgs) -> Result<()> {
    let (path, source) = ModelSearch::from_environment(args.engine.model.clone()).resolve()?;
    let info = model::validate(&path)?;
    let word_times = match dtw_preset(&info) {
        Some(p) => format!("DTW over the {p:?} alignment heads"),
        None => "token timestamps (no known alignment heads for this model)".into(),
    };
    let (vad, vad_source) =
        VadModelSearch::from_environment(args.engine.vad_model.clone(), Some(&path)).resolve()?;
    let vad_info = silero::validate(&vad)?;
    say(&format!(
        "model: {}\nfound via: {source:?}\nlayers: {} encoder, {} decoder; vocabulary {}; {}\n\
         word times: {word_times}\nspeech detector: {}\nfound via: {vad_source:?}\n\
         {} {}, {}-sample frames\n",
        printable_line(&path.display().to_string()),
        info.n_audio_layer,
        info.n_text_layer,
        info.n_vocab,
        if info.multilingual {
            "multilingual"
        } else {
            "English-only"
        },
        printable_line(&vad.display().to_string()),
        vad_info.kind,
        vad_info.version,
        vad_info.window
    ))
}
