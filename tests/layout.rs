//! The crate's layout, checked: arrows between the top-level modules only point down, and no
//! two files use each other, directly or round a circle.
//!
//! Reads every `src/**/*.rs`, resolves the `crate::…`, `super::…` and (in `main.rs`)
//! `rehearse::…` paths in its code (comments left out) to the top-level module they name, and
//! builds the graph of which top-level module uses which. Then: no circle anywhere (the
//! failure names one), nothing but `main` and the commands uses the clap structs in `cli`,
//! nothing but `main` uses `commands`, `output` uses neither, and no command file uses another
//! command's file (shared edge code lives in `commands/common/`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

/// A source file as a module path: `src/history/metrics.rs` -> ["history", "metrics"],
/// `src/history/mod.rs` -> ["history"], `src/lib.rs` -> [], `src/main.rs` -> ["main"].
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let file = parts.pop().expect("a file name");
    let stem = file.trim_end_matches(".rs");
    if !(stem == "mod" || (parts.is_empty() && stem == "lib")) {
        parts.push(stem.to_string());
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code without `//` comments (doc links name modules without using them).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| l.find("//").map_or(l, |i| &l[..i]))
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The names a path continues with after `prefix::`: one for `crate::a::b`, each group
/// member's first segment for `crate::{a, b::c}`.
fn first_segments(rest: &str) -> Vec<String> {
    if let Some(group) = rest.strip_prefix('{') {
        let mut depth = 0;
        let mut items = vec![String::new()];
        for c in group.chars() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => break,
                '}' => depth -= 1,
                ',' if depth == 0 => items.push(String::new()),
                _ => items.last_mut().expect("one item").push(c),
            }
        }
        return items
            .iter()
            .map(|i| i.trim().chars().take_while(|c| is_ident(*c)).collect())
            .filter(|s: &String| !s.is_empty())
            .collect();
    }
    vec![rest.chars().take_while(|c| is_ident(*c)).collect()]
}

/// Every top-level module the code of the file at `module` uses.
fn uses(module: &[String], code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("::") {
        let before: String = code[..i]
            .chars()
            .rev()
            .take_while(|c| is_ident(*c))
            .collect::<String>()
            .chars()
            .rev()
            .collect();
        let start = i - before.len();
        let preceded_by_path = code[..start].ends_with("::") || code[..start].ends_with('$');
        let rest = &code[i + 2..];
        match before.as_str() {
            "crate" if !preceded_by_path => out.extend(first_segments(rest)),
            "rehearse" if module == ["main"] && !preceded_by_path => {
                out.extend(first_segments(rest))
            }
            // A chain of `super::`s counts from its first link only.
            "super" if !preceded_by_path => {
                let mut depth = 1;
                let mut tail = rest;
                while let Some(t) = tail.strip_prefix("super::") {
                    depth += 1;
                    tail = t;
                }
                // A file's own module is module[..]; `super` is its parent.
                let parent = module.len().saturating_sub(depth);
                match module.get(..parent) {
                    Some([top, ..]) => {
                        out.insert(top.clone());
                    }
                    // super reaches the crate root: the next segment is a top-level module.
                    Some([]) => out.extend(first_segments(tail)),
                    None => {}
                }
            }
            _ => {}
        }
    }
    out
}

/// Top-level module -> the top-level modules it uses, from the files under `src`.
fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_path(f.strip_prefix(src).unwrap()).first().cloned())
        .collect();
    let mut g = Graph::new();
    for f in &files {
        let module = module_path(f.strip_prefix(src).unwrap());
        let Some(top) = module.first() else {
            continue; // lib.rs only declares the modules
        };
        let text = std::fs::read_to_string(f).expect("a readable source file");
        let used = uses(&module, &code(&text))
            .into_iter()
            .filter(|m| m != top && modules.contains(m));
        g.entry(top.clone()).or_default().extend(used);
    }
    g
}

/// The paths a `crate::`/`super::` prefix continues with, as segments: `a::b::f` -> [a, b, f],
/// `a::{b, c::d}` -> [a, b] and [a, c, d].
fn full_paths(rest: &str) -> Vec<Vec<String>> {
    let mut segments = Vec::new();
    let mut tail = rest;
    loop {
        if let Some(group) = tail.strip_prefix('{') {
            let mut depth = 0;
            let mut items = vec![String::new()];
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => items.push(String::new()),
                    _ => {}
                }
                if !(c == ',' && depth == 0) {
                    items.last_mut().expect("one item").push(c);
                }
            }
            let mut out = Vec::new();
            for item in items {
                for mut more in full_paths(item.trim()) {
                    let mut path = segments.clone();
                    path.append(&mut more);
                    out.push(path);
                }
            }
            return out;
        }
        let ident: String = tail.chars().take_while(|c| is_ident(*c)).collect();
        if ident.is_empty() {
            break;
        }
        tail = &tail[ident.len()..];
        segments.push(ident);
        match tail.strip_prefix("::") {
            Some(t) => tail = t,
            None => break,
        }
    }
    vec![segments]
}

/// File (as its module path, `report/voice`) -> the files its shipped code uses (tests, after
/// `#[cfg(test)]`, left out): each `crate::`/`super::` path resolved to the longest start of it
/// that is a file's module.
fn file_graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<Vec<String>> = files
        .iter()
        .map(|f| module_path(f.strip_prefix(src).unwrap()))
        .collect();
    let name = |m: &[String]| {
        if m.is_empty() {
            "lib".to_string()
        } else {
            m.join("/")
        }
    };
    let mut g = Graph::new();
    for f in &files {
        let module = module_path(f.strip_prefix(src).unwrap());
        let text = std::fs::read_to_string(f).expect("a readable source file");
        let shipped = text.split("#[cfg(test)]").next().unwrap_or_default();
        let code = code(shipped);
        let used = g.entry(name(&module)).or_default();
        for (i, _) in code.match_indices("::") {
            let before: String = code[..i]
                .chars()
                .rev()
                .take_while(|c| is_ident(*c))
                .collect::<String>()
                .chars()
                .rev()
                .collect();
            let start = i - before.len();
            if code[..start].ends_with("::") || code[..start].ends_with('$') {
                continue;
            }
            let mut rest = &code[i + 2..];
            let base: Vec<String> = match before.as_str() {
                "crate" => Vec::new(),
                "rehearse" if module == ["main"] => Vec::new(),
                "super" => {
                    let mut depth = 1;
                    while let Some(t) = rest.strip_prefix("super::") {
                        depth += 1;
                        rest = t;
                    }
                    module[..module.len().saturating_sub(depth)].to_vec()
                }
                _ => continue,
            };
            for tail in full_paths(rest) {
                let path: Vec<String> = base.iter().cloned().chain(tail).collect();
                let target = (1..=path.len())
                    .rev()
                    .map(|k| path[..k].to_vec())
                    .find(|p| modules.contains(p));
                if let Some(target) = target.filter(|t| *t != module) {
                    used.insert(name(&target));
                }
            }
        }
    }
    g
}

/// A circle in the graph, as the modules along it (first repeated at the end), if any.
fn find_cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        g: &Graph,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in g.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, g, done, path) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|n| visit(n, g, &mut done, &mut Vec::new()))
}

fn src_graph() -> Graph {
    graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

fn users_of<'a>(g: &'a Graph, module: &str) -> Vec<&'a str> {
    g.iter()
        .filter(|(_, used)| used.contains(module))
        .map(|(m, _)| m.as_str())
        .collect()
}

#[test]
fn no_file_uses_a_file_that_uses_it() {
    let g = file_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(g.len() > 50, "the scan found the files: {g:?}");
    // Paths resolve to files: a group, a `super`, and a function inside a file.
    assert!(g["report/terminal"].contains("report/scorecard"), "{g:?}");
    assert!(g["report/scorecard"].contains("report/voice"), "{g:?}");
    assert!(g["report/voice"].contains("report"), "{g:?}");
    assert!(g["main"].contains("commands"), "{g:?}");
    if let Some(cycle) = find_cycle(&g) {
        panic!(
            "the files use each other in a circle: {}",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn the_file_graph_finds_a_circle_between_files_of_one_module() {
    let dir = std::env::temp_dir().join(format!("layout-files-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("report")).unwrap();
    std::fs::write(dir.join("lib.rs"), "pub mod report;").unwrap();
    std::fs::write(
        dir.join("report/mod.rs"),
        "pub mod a; pub mod b; pub struct R;",
    )
    .unwrap();
    std::fs::write(dir.join("report/a.rs"), "use super::{b::{g, h}, R};").unwrap();
    std::fs::write(
        dir.join("report/b.rs"),
        "fn g() { crate::report::a::f(); }\n#[cfg(test)]\nmod t { use super::super::a; }",
    )
    .unwrap();
    let g = file_graph(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(g["report/a"].contains("report/b") && g["report/a"].contains("report"));
    assert_eq!(g["report/b"], BTreeSet::from(["report/a".to_string()]));
    assert!(find_cycle(&g).is_some(), "{g:?}");
}

#[test]
fn no_module_uses_a_module_that_uses_it() {
    let g = src_graph();
    assert!(g.len() > 10, "the scan found the modules: {g:?}");
    assert!(g["commands"].contains("pipeline") && g["main"].contains("commands"));
    if let Some(cycle) = find_cycle(&g) {
        panic!(
            "the modules use each other in a circle: {}",
            cycle.join(" -> ")
        );
    }
}

#[test]
fn only_main_and_the_commands_use_the_clap_structs() {
    let g = src_graph();
    assert_eq!(users_of(&g, "cli"), ["commands", "main"]);
    assert_eq!(users_of(&g, "commands"), ["main"]);
}

#[test]
fn output_uses_nothing_above_it() {
    let g = src_graph();
    let above = ["cli", "commands", "main"];
    let used: Vec<&String> = g["output"]
        .iter()
        .filter(|m| above.contains(&m.as_str()))
        .collect();
    assert!(used.is_empty(), "output uses {used:?}");
}

#[test]
fn no_command_uses_another_command() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let names: BTreeSet<String> = files
        .iter()
        .map(|f| f.file_stem().unwrap().to_string_lossy().into_owned())
        .filter(|n| n != "mod" && n != "common")
        .collect();
    for f in &files {
        let me = f.file_stem().unwrap().to_string_lossy().into_owned();
        if me == "mod" {
            continue; // the dispatcher calls every command
        }
        let text = code(&std::fs::read_to_string(f).unwrap());
        for other in names.iter().filter(|n| **n != me) {
            for pattern in [
                format!("super::{other}::"),
                format!("commands::{other}::"),
                format!("super::{other};"),
            ] {
                assert!(
                    !text.contains(&pattern),
                    "commands/{me}.rs uses commands/{other}.rs ({pattern}); shared edge code \
                     belongs in commands/common/"
                );
            }
        }
    }
}

/// The checker itself: a circle is found and named, a chain is not a circle, and paths are
/// resolved the way Rust does.
#[test]
fn the_checker_finds_a_circle_and_resolves_paths() {
    let g: Graph = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.into(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(find_cycle(&g).unwrap(), ["a", "b", "c", "a"]);
    let mut chain = g.clone();
    chain.get_mut("c").unwrap().clear();
    assert_eq!(find_cycle(&chain), None);

    let m = |p: &str| module_path(Path::new(p));
    assert_eq!(m("history/metrics.rs"), ["history", "metrics"]);
    assert_eq!(m("history/mod.rs"), ["history"]);
    let names = |v: BTreeSet<String>| v.into_iter().collect::<Vec<_>>();
    assert_eq!(
        names(uses(
            &m("history/metrics.rs"),
            "use crate::{config::Range, report};\nuse super::x;"
        )),
        ["config", "history", "report"]
    );
    // From a top-level file, super is the crate root.
    assert_eq!(
        names(uses(&m("term.rs"), "use super::settings::Thing;")),
        ["settings"]
    );
    assert_eq!(
        names(uses(
            &m("store/take.rs"),
            "x = super::super::report::clock(1.0);"
        )),
        ["report"]
    );
    assert!(uses(&m("report/mod.rs"), &code("// see [`crate::commands`]")).is_empty());
}
