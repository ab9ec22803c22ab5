//! `rehearse practice`: a mock interview. Questions in a row (picked by [`crate::practice`]
//! or given with `--question`), each shown with the story that answers it, thinking time, the
//! answer recorded like `rehearse record` and stored in the history at once (marked not
//! analysed, all in one session); then every answer analysed with one model load, checked
//! against its story, its report added to its take, and summed up in one summary. Stopped
//! part-way, every answer recorded so far is in the history and `rehearse reanalyze` finishes
//! it.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::common::take_at_terminal::{
    capture_take, check_take, clock, enter_presses, keep_take, take_finished, Kept, TakeOptions,
};
use super::common::{
    engine_settings, open_store, output_options, print_notices, stored_take_facts, targets,
};
use crate::analyze::questions::Asked;
use crate::cli::story::PracticeArgs;
use crate::cli::Format;
use crate::output::{self, progress_bar, write_output, write_page};
use crate::paths;
use crate::pipeline::Pipeline;
use crate::practice;
use crate::record::Take;
use crate::report::html::session::ReportLink;
use crate::report::{self, session, Report};
use crate::store::Store;
use crate::story::coverage::practice_weights;
use crate::story::format::NOT_STORY_KINDS;
use crate::story::{Library, Named};
use crate::term::{printable_line, Style};
use crate::{tell, tell_part};

/// One question of the session and what became of it.
struct Turn<'a> {
    asked: Asked,
    story: Option<&'a Named>,
    take: Option<Take>,
    /// The answer as stored in the history (unless `--no-save`).
    kept: Option<Kept>,
    report: Option<Report>,
}

pub fn practice(args: PracticeArgs) -> Result<()> {
    // Everything that can fail is checked before the first question.
    if args.output.format == Format::Markdown {
        bail!("the practice summary comes as terminal text, JSON or HTML: use --format terminal, json or html");
    }
    output::check(&output_options(&args.output))?;
    let targets = targets(&args.targets)?;
    let engine = engine_settings(&args.engine)?;
    let quiet = args.output.quiet;
    let (stories, broken) = Library::new(&paths::data_dir()?).all()?;
    for e in &broken {
        tell!(
            "rehearse: warning: {} (this story is left out of the session)",
            printable_line(&e.to_string())
        );
    }
    let questions = choose_questions(&args, &stories)?;
    let session_id = practice::new_session_id();

    let mut turns: Vec<Turn> = questions
        .into_iter()
        .map(|asked| {
            let story = asked
                .question
                .and_then(|q| practice::story_for(q.id, &stories));
            Turn {
                asked,
                story,
                take: None,
                kept: None,
                report: None,
            }
        })
        .collect();
    let n = turns.len();
    tell!(
        "Practice session {session_id}: {n} question{}, {} s to think before each, answers up to {}.",
        if n == 1 { "" } else { "s" },
        args.think,
        clock(f64::from(args.max_seconds))
    );
    for (i, turn) in turns.iter_mut().enumerate() {
        ask(i + 1, n, turn);
        think(args.think, quiet);
        let take = capture_take(
            &TakeOptions {
                device: args.device.as_deref(),
                max_seconds: f64::from(args.max_seconds),
                countdown: 0,
                out: None,
                question: None,
                quiet,
            },
            None,
        )?;
        check_take(&take, quiet)?;
        if !quiet {
            tell!(
                "rehearse: answer {} recorded ({:.1} s, {})",
                i + 1,
                take.seconds(),
                take.reason.describe()
            );
        }
        if !args.no_save {
            let question = Some(turn.asked.text.as_str());
            turn.kept = Some(keep_take(&take, question, Some(&session_id), false)?);
        }
        turn.take = Some(take);
    }

    let store = if args.no_save {
        None
    } else {
        Some(open_store().context("the answers are kept in the history, not analysed")?)
    };
    analyse_all(&mut turns, engine, targets, store, quiet)?;
    if !args.no_save && !quiet {
        tell!("rehearse: saved {n} takes as session {session_id}");
    }
    let answered: Vec<&Turn> = turns.iter().filter(|t| t.report.is_some()).collect();
    let answers: Vec<session::Answer> = answered
        .iter()
        .filter_map(|t| {
            Some(session::Answer {
                question: &t.asked.text,
                kind: t.asked.question.map(|q| q.id),
                take: t.kept.as_ref().map(|k| k.id.as_str()),
                report: t.report.as_ref()?,
            })
        })
        .collect();
    let summary = session::summarise(&session_id, &answers);
    emit_summary(&summary, &answered, &args)
}

/// Each answer's own HTML report, written beside the session page `page` as
/// `<page stem>-<answer number>.html` (before the session page, so no link points at nothing),
/// or, with no page file, the take to show. One [`ReportLink`] per answer, in order.
fn answer_pages(page: Option<&Path>, answered: &[&Turn]) -> Result<Vec<ReportLink>> {
    let Some(page) = page else {
        return Ok(answered
            .iter()
            .map(|t| {
                t.kept
                    .as_ref()
                    .map_or(ReportLink::None, |k| ReportLink::Take(k.id.clone()))
            })
            .collect());
    };
    let stem = page
        .file_stem()
        .map_or_else(|| "session".into(), |s| s.to_string_lossy().into_owned());
    let mut links = Vec::new();
    for (i, turn) in answered.iter().enumerate() {
        let Some(report) = &turn.report else {
            links.push(ReportLink::None);
            continue;
        };
        let name = format!("{stem}-{}.html", i + 1);
        let path = page.with_file_name(&name);
        let audio = turn
            .kept
            .as_ref()
            .map(|k| k.audio.as_path())
            .or(turn.take.as_ref().map(|t| t.path.as_path()));
        output::write_report_page(report, &path, audio)
            .with_context(|| format!("cannot write answer {}'s report", i + 1))?;
        links.push(ReportLink::File(name));
    }
    Ok(links)
}

/// The questions: as given with `--question`, else drawn from the bank by weight.
fn choose_questions(args: &PracticeArgs, stories: &[Named]) -> Result<Vec<Asked>> {
    if !args.question.is_empty() {
        return args
            .question
            .iter()
            .map(|q| Asked::parse(q).map_err(Into::into))
            .collect();
    }
    let facts = stored_take_facts()?;
    let weights = practice_weights(stories, &facts);
    let mut rng = match args.seed {
        Some(seed) => fastrand::Rng::with_seed(seed),
        None => fastrand::Rng::new(),
    };
    let picked = practice::pick_questions(&weights, args.questions as usize, &mut rng);
    Ok(picked
        .into_iter()
        .map(|q| Asked {
            text: q.text.to_string(),
            question: Some(q),
            from_bank: true,
        })
        .collect())
}

/// Show the question and the story that answers it (shown even with --quiet: it is what the
/// user answers).
fn ask(i: usize, n: usize, turn: &Turn) {
    tell!(
        "\nQuestion {i} of {n}: {}",
        printable_line(&turn.asked.text)
    );
    match (turn.story, turn.asked.question) {
        (Some(s), _) => tell!(
            "  Your story: {} ({})",
            printable_line(&s.name),
            printable_line(&s.story.title)
        ),
        (None, Some(q)) if !NOT_STORY_KINDS.contains(&q.id) => tell!(
            "  None of your stories answers {} yet: `rehearse story add NAME --kind {}` after \
             this session.",
            q.id,
            q.id
        ),
        _ => {}
    }
}

/// Thinking time: a countdown on stderr; Enter (on a terminal) ends it early.
fn think(seconds: u32, quiet: bool) {
    if seconds == 0 {
        return;
    }
    let presses = enter_presses();
    if let Some(rx) = presses.and_then(|p| p.lock().ok()) {
        while rx.try_recv().is_ok() {}
    }
    if !quiet {
        let enter = if presses.is_some() {
            " (Enter to start now)"
        } else {
            ""
        };
        tell_part!("  Think: {seconds} s{enter}... ");
        let _ = std::io::stderr().flush();
    }
    let end = Instant::now() + Duration::from_secs(u64::from(seconds));
    while Instant::now() < end {
        std::thread::sleep(Duration::from_millis(100));
        let pressed = presses
            .and_then(|p| p.lock().ok())
            .is_some_and(|rx| rx.try_recv().is_ok());
        if pressed {
            break;
        }
    }
    if !quiet {
        tell!("answer now.");
    }
}

/// Every answer through the pipeline with one model load, checked against its story, and
/// its report added to its take in the history as soon as it is ready.
fn analyse_all(
    turns: &mut [Turn],
    engine: crate::pipeline::EngineSettings,
    targets: crate::config::Targets,
    mut store: Option<Store>,
    quiet: bool,
) -> Result<()> {
    if !quiet {
        tell!("\nrehearse: analysing {} answers", turns.len());
    }
    let mut pipeline = Pipeline::new(engine, targets, Box::new(move || progress_bar(quiet)));
    for (i, turn) in turns.iter_mut().enumerate() {
        let Some(take) = &turn.take else { continue };
        let audio = turn.kept.as_ref().map_or(&take.path, |k| &k.audio);
        pipeline.question = Some(turn.asked.clone());
        let mut report = pipeline
            .analyze_file(audio)
            .with_context(|| unfinished(i + 1, turn.kept.as_ref(), &take.path))?;
        if let Some(s) = turn.story {
            report.story = Some(report::story::check(&s.name, &s.story, &report));
        }
        if let (Some(store), Some(kept)) = (store.as_mut(), &turn.kept) {
            store
                .attach_report(
                    &kept.id,
                    &report::json::render(&report),
                    &report.model.path,
                    report.audio.duration_s,
                )
                .with_context(|| unfinished(i + 1, Some(kept), &take.path))?;
            print_notices(store);
            take_finished(&kept.id);
        }
        turn.report = Some(report);
    }
    Ok(())
}

/// Where an answer whose analysis failed is kept, and how to finish it.
fn unfinished(n: usize, kept: Option<&Kept>, recording: &std::path::Path) -> String {
    match kept {
        Some(k) => format!(
            "answer {n} could not be analysed; it is kept as take {} ({}), not analysed: \
             `rehearse reanalyze {}` analyses it",
            k.id,
            k.audio.display(),
            k.id
        ),
        None => format!(
            "answer {n} could not be analysed; its recording is kept in {}",
            recording.display()
        ),
    }
}

/// The summary in the chosen format; with `-o FILE` the terminal summary is printed too.
fn emit_summary(
    summary: &session::SessionSummary,
    answered: &[&Turn],
    args: &PracticeArgs,
) -> Result<()> {
    let out = args.output.output.as_deref();
    match args.output.format {
        Format::Json => write_output(out, &summary.to_json())?,
        Format::Html => {
            let links = answer_pages(out, answered)?;
            write_page(
                out,
                args.output.open,
                &report::html::session::render(summary, &links),
            )?
        }
        Format::Terminal | Format::Markdown => {
            let style = Style::for_output(args.output.color, out.is_none());
            return write_output(out, &session::render_text(summary, &style));
        }
    }
    if out.is_some() {
        write_output(
            None,
            &session::render_text(summary, &Style::for_output(args.output.color, true)),
        )?;
    }
    Ok(())
}
