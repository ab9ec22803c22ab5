//! Time each stage of one file's analysis (for finding where the time after a recorded take's
//! stop goes): `cargo run --release --example stage_times FILE`. Needs the models
//! (REHEARSE_MODEL / REHEARSE_VAD_MODEL or ./models).

use std::time::Instant;

use rehearse::analyze::voice;
use rehearse::audio::{self, TARGET_RATE};
use rehearse::config::Targets;
use rehearse::pipeline::{EngineSettings, Pipeline};

fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).expect("usage: stage_times FILE");
    let engine = EngineSettings::resolve(None, None, None, None)?;
    let pipeline = Pipeline::new(
        engine,
        Targets::default(),
        Box::new(indicatif::ProgressBar::hidden),
    );
    pipeline.whisper()?;
    pipeline.detector()?;
    let t = Instant::now();
    let a = audio::load(std::path::Path::new(&path))?;
    println!("load            {:.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let map = pipeline.speech_map(&a.samples)?;
    println!("speech map      {:.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let (activity, transcript) = pipeline.listen(&a.samples, pipeline.engine.threads, None)?;
    println!(
        "listen          {:.3} s (map + every piece)",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let pitch = voice::pitch::track(&a.samples, TARGET_RATE, &activity.segments);
    println!("pitch track     {:.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let heard = pipeline.audio_fillers(&a.samples, &activity, &transcript, &pitch);
    println!("audio fillers   {:.3} s", t.elapsed().as_secs_f64());
    let _ = (map, heard);
    let mut p = pipeline;
    let t = Instant::now();
    p.analyze_file(std::path::Path::new(&path))?;
    println!("whole analysis  {:.3} s", t.elapsed().as_secs_f64());
    Ok(())
}
