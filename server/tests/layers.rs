//! The layering rule of ARCHITECTURE.md, checked on the source: a module may use what is in its own layer or
//! below, never above. Platform < providers < events < profiles, auth, brands < areas < the composition.

use std::{
    collections::BTreeSet,
    path::{Path, PathBuf},
};

/// The layer of a top-level module (or of a name the crate root re-exports).
fn layer(name: &str) -> Option<(u8, &'static str)> {
    Some(match name {
        "platform" | "db" | "error" | "config" | "crypto" | "clock" | "jobs" | "telemetry" | "idempotency" => {
            (0, "platform")
        }
        "superapp" | "sim" | "gateways" => (1, "providers"),
        "events" => (2, "events"),
        "profiles" | "auth" | "brands" | "state" | "AppState" => (3, "profiles, auth and brands"),
        "loyalty" | "games" | "surveys" | "imports" | "ingest" | "privacy" | "ops" | "admin" | "customers"
        | "dashboard" | "stores" | "campaigns" | "product_codes" | "commerce" | "messaging" | "website" | "scoring"
        | "journeys" => (4, "areas"),
        "lib" | "main" | "demo" | "web" | "openapi" | "launch" | "compose" | "open_store" | "build_router"
        | "job_registry" | "LaunchOptions" | "run_workers" | "Providers" => (5, "composition"),
        _ => return None,
    })
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The first segment of every `crate::` path in `source` (comments left out), with `use crate::{a, b::c}`
/// groups opened.
fn crate_paths(source: &str) -> BTreeSet<String> {
    let code: String = source
        .lines()
        .map(|line| match line.trim_start().starts_with("//") {
            true => "",
            false => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => items.push(std::mem::take(&mut item)),
                    _ => {}
                }
                if depth == 0 && c != ',' && c != '}' {
                    item.push(c);
                }
            }
            items.push(item);
            found.extend(items.iter().filter_map(|i| first_ident(i.trim())));
        } else if let Some(name) = first_ident(rest) {
            found.insert(name);
        }
    }
    found
}

fn first_ident(s: &str) -> Option<String> {
    let name: String = s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    (!name.is_empty() && name != "self").then_some(name)
}

#[test]
fn every_module_uses_only_its_own_layer_and_the_ones_below() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "the source tree was not found");
    let mut violations = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        let (own, own_name) = layer(&module)
            .unwrap_or_else(|| panic!("src/{module} has no layer: add it to this test and ARCHITECTURE.md"));
        for used in crate_paths(&std::fs::read_to_string(file).unwrap()) {
            let (theirs, their_name) = layer(&used).unwrap_or_else(|| {
                panic!(
                    "{} uses crate::{used}, which has no layer: add it here",
                    relative.display()
                )
            });
            if theirs > own {
                violations.push(format!(
                    "{} ({own_name}) uses crate::{used} ({their_name})",
                    relative.display()
                ));
            }
        }
    }
    assert!(violations.is_empty(), "layers point up:\n{}", violations.join("\n"));
}

#[test]
fn the_log_knows_no_area() {
    let events = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/events");
    let mut files = Vec::new();
    rust_files(&events, &mut files);
    for file in files {
        let used = crate_paths(&std::fs::read_to_string(&file).unwrap());
        for area in [
            "loyalty", "games", "surveys", "profiles", "auth", "privacy", "ingest", "imports", "AppState",
        ] {
            assert!(!used.contains(area), "{} uses crate::{area}", file.display());
        }
    }
}

#[test]
fn the_path_reader_opens_groups_and_skips_comments() {
    let source = "use crate::{\n    db::{Db, now_ms},\n    error::Result,\n    AppState,\n};\n// crate::loyalty in a comment\nlet x = crate::games::draw::pick(1);";
    let found: Vec<_> = crate_paths(source).into_iter().collect();
    assert_eq!(found, ["AppState", "db", "error", "games"]);
}
