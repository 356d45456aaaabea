//! The site `cargo xtask build` writes to `target/site`: the three WASM bundles (the mini app split at its lazy
//! screens), every asset named by its content hash and precompressed, and the pages that name them.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::Context;

use super::{cargo, ensure_wasm_target, step};

/// The link module the split mini app imports its lazily loaded chunks through.
const SPLIT_LINK: &str = "__wasm_split.js";

/// Builds one bundle of the `frontend` crate with `features` and binds it as `{name}.js` and `{name}_bg.wasm` in
/// `out`. With `split`, the functions marked `#[lazy]` go to chunks of their own (`{name}_chunk_*.wasm`, loaded
/// through `__wasm_split.js` the first time they run), so the first load carries only what the first screen needs.
pub(super) fn build_bundle(root: &Path, features: &[&str], name: &str, out: &Path, split: bool) -> anyhow::Result<()> {
    let mut args = vec![
        "rustc",
        "--package",
        "frontend",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ];
    args.extend_from_slice(features);
    if split {
        // The splitter reads the call graph from the linker's relocations; only the final link needs them, so the
        // dependencies' build stays as cached.
        args.extend_from_slice(&["--", "-Clink-args=--emit-relocs"]);
    }
    cargo(&args)?;
    let mut wasm = root.join("target/wasm32-unknown-unknown/wasm-release/frontend.wasm");
    std::fs::create_dir_all(out)?;
    if split {
        let input = std::fs::read(&wasm).context("reading the mini app's WASM")?;
        for entry in std::fs::read_dir(out)? {
            let path = entry?.path();
            let file = path.file_name().and_then(|f| f.to_str()).unwrap_or_default();
            if file == SPLIT_LINK || file.starts_with("split_") || file.starts_with("chunk_") {
                std::fs::remove_file(&path)?;
            }
        }
        let main = out.join(format!("{name}_main.wasm"));
        let main_module = format!("./{name}.js");
        let link = format!("./{SPLIT_LINK}");
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = out;
        options.main_out_path = &main;
        options.main_module = &main_module;
        options.link_name = &link;
        wasm_split_cli_support::transform(options).map_err(|e| anyhow::anyhow!("splitting the {name} WASM: {e:#}"))?;
        wasm = main;
    }
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .web(true)?
        .typescript(false)
        .remove_name_section(true)
        .remove_producers_section(true)
        // The split chunks import the main module's function table.
        .keep_lld_exports(split)
        .out_name(name)
        .generate(out)
        .with_context(|| format!("binding the {name} WASM module"))
}

/// One page of the site and the assets it loads, by the names its template uses.
struct Page {
    template: &'static str,
    assets: &'static [&'static str],
}

const PAGES: &[Page] = &[
    Page {
        template: "index.html",
        // `cham.js` imports the split link module at once: it is part of the first load.
        assets: &[
            "style.css",
            "bridge.js",
            "cham.js",
            SPLIT_LINK,
            "cham_bg.wasm",
            "favicon.svg",
        ],
    },
    Page {
        template: "admin.html",
        assets: &["style.css", "cham_admin.js", "cham_admin_bg.wasm", "favicon.svg"],
    },
    Page {
        template: "staff.html",
        assets: &["style.css", "cham_staff.js", "cham_staff_bg.wasm", "favicon.svg"],
    },
];

/// Where an asset's source is, by its template name.
fn asset_source(root: &Path, staging: &Path, name: &str) -> PathBuf {
    match name {
        "style.css" => root.join("style/main.css"),
        "bridge.js" | "favicon.svg" => root.join("frontend").join(name),
        _ => staging.join(name),
    }
}

/// An asset's content. The browser build's bridge carries the simulator's stand-in after the bridge itself (the
/// Zalo package bundles the bridge alone).
pub(super) fn asset_data(root: &Path, staging: &Path, name: &str) -> anyhow::Result<Vec<u8>> {
    let source = asset_source(root, staging, name);
    let mut data = std::fs::read(&source).with_context(|| format!("reading {}", source.display()))?;
    if name == "bridge.js" {
        let sim = root.join("frontend/bridge-sim.js");
        data.push(b'\n');
        data.extend(std::fs::read(&sim).with_context(|| format!("reading {}", sim.display()))?);
    }
    Ok(data)
}

/// `cham_bg.wasm` with content hash `h` → `cham_bg.h.wasm`.
fn hashed_name(name: &str, hash: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

/// A WASM module without its custom sections (function names, relocations, producers): what the browser needs and
/// nothing for debugging.
fn without_custom_sections(wasm: &[u8]) -> anyhow::Result<Vec<u8>> {
    anyhow::ensure!(wasm.len() >= 8 && wasm.starts_with(b"\0asm"), "not a WASM module");
    let mut out = wasm[..8].to_vec();
    let mut at = 8;
    while at < wasm.len() {
        let start = at;
        let id = wasm[at];
        at += 1;
        // The section's size: unsigned LEB128.
        let (mut size, mut shift) = (0usize, 0u32);
        loop {
            let byte = *wasm.get(at).context("a WASM section size runs past the end")?;
            at += 1;
            size |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
            anyhow::ensure!(shift < 35, "a WASM section size is too long");
        }
        let end = at
            .checked_add(size)
            .filter(|&e| e <= wasm.len())
            .context("a WASM section runs past the end")?;
        if id != 0 {
            out.extend_from_slice(&wasm[start..end]);
        }
        at = end;
    }
    Ok(out)
}

/// A file written under `site/assets` with its content hash in its name, precompressed beside it; its name, raw
/// and brotli sizes.
pub(super) fn publish(site: &Path, name: &str, hash: &str, data: &[u8]) -> anyhow::Result<(String, usize, usize)> {
    let file = format!("assets/{}", hashed_name(name, hash));
    let (br, gz) = (brotli(data)?, gzip(data)?);
    std::fs::write(site.join(&file), data)?;
    std::fs::write(site.join(format!("{file}.br")), &br)?;
    std::fs::write(site.join(format!("{file}.gz")), &gz)?;
    Ok((file, data.len(), br.len()))
}

pub(super) fn content_hash(data: &[u8]) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(data))[..12].to_owned()
}

/// Publishes the mini app's lazily loaded chunks and the two modules that name each other: `cham.js` imports the
/// link module, which imports `cham.js` back and fetches the chunks. Each chunk is named by its own hash; the two
/// modules share one hash over both and every chunk's, so a change anywhere renames both. Returns the published
/// entries of `cham.js` and the link module (the page loads both at once) and how many bytes the chunks are with
/// brotli.
pub(super) type Published = (String, usize, usize);
pub(super) fn publish_split(site: &Path, staging: &Path) -> anyhow::Result<(Published, Published, usize)> {
    let mut link = std::fs::read_to_string(staging.join(SPLIT_LINK)).context("reading the split link module")?;
    let mut main = std::fs::read_to_string(staging.join("cham.js")).context("reading cham.js")?;
    let mut chunks: Vec<PathBuf> = std::fs::read_dir(staging)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    chunks.retain(|p| {
        let file = p.file_name().and_then(|f| f.to_str()).unwrap_or_default();
        (file.starts_with("split_") || file.starts_with("chunk_")) && file.ends_with(".wasm")
    });
    chunks.sort();
    let mut chunks_br = 0;
    for path in &chunks {
        let file = path.file_name().and_then(|f| f.to_str()).context("a chunk's name")?;
        let data = without_custom_sections(&std::fs::read(path)?)?;
        let (published, _, br) = publish(site, file, &content_hash(&data), &data)?;
        chunks_br += br;
        let quoted = format!("\"./{file}\"");
        anyhow::ensure!(link.contains(&quoted), "the split link module does not load {file}");
        link = link.replace(&quoted, &format!("\"./{}\"", published.trim_start_matches("assets/")));
    }
    let hash = content_hash(format!("{main}\0{link}").as_bytes());
    let main_file = hashed_name("cham.js", &hash);
    let link_file = hashed_name(SPLIT_LINK, &hash);
    // Only the import statements change: the WASM's import object keeps the module's original name as its key.
    let (main_from, link_from) = (format!("from \"./{SPLIT_LINK}\""), "from \"./cham.js\"".to_owned());
    anyhow::ensure!(
        main.contains(&main_from) && link.contains(&link_from),
        "the split modules do not name each other"
    );
    main = main.replace(&main_from, &format!("from \"./{link_file}\""));
    link = link.replace(&link_from, &format!("from \"./{main_file}\""));
    let link = publish(site, SPLIT_LINK, &hash, link.as_bytes())?;
    Ok((publish(site, "cham.js", &hash, main.as_bytes())?, link, chunks_br))
}

fn brotli(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer.write_all(data)?;
    }
    Ok(out)
}

fn gzip(data: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data)?;
    Ok(encoder.finish()?)
}

/// Builds the site into `target/site`: the WASM bundles, and every asset under `assets/` with its content hash in
/// its name (so it can be cached for ever) and precompressed beside it (`.br`, `.gz`); the pages name them. Prints
/// what each page's first load transfers with brotli.
pub(super) fn build(root: &Path) -> anyhow::Result<()> {
    ensure_wasm_target()?;
    let staging = root.join("target/site-staging");
    step("building the WASM mini app");
    build_bundle(root, &[], "cham", &staging, true)?;
    step("building the WASM admin console");
    build_bundle(
        root,
        &["--no-default-features", "--features", "admin"],
        "cham_admin",
        &staging,
        false,
    )?;
    step("building the WASM staff view");
    build_bundle(
        root,
        &["--no-default-features", "--features", "staff"],
        "cham_staff",
        &staging,
        false,
    )?;
    let site = root.join("target/site");
    if site.exists() {
        std::fs::remove_dir_all(&site).context("clearing target/site")?;
    }
    std::fs::create_dir_all(site.join("assets"))?;
    let ((main_file, main_raw, main_br), (link_file, link_raw, link_br), chunks_br) = publish_split(&site, &staging)?;
    let mut published: Vec<(&str, String, usize, usize)> = vec![
        ("cham.js", main_file, main_raw, main_br),
        (SPLIT_LINK, link_file, link_raw, link_br),
    ];
    for page in PAGES {
        for &name in page.assets {
            if published.iter().any(|(n, ..)| *n == name) {
                continue;
            }
            let data = asset_data(root, &staging, name)?;
            let (file, raw, br) = publish(&site, name, &content_hash(&data), &data)?;
            published.push((name, file, raw, br));
        }
    }
    for page in PAGES {
        let mut html = std::fs::read_to_string(root.join("frontend").join(page.template))
            .with_context(|| format!("reading frontend/{}", page.template))?;
        for (name, file, ..) in &published {
            html = html.replace(&format!("{{{{asset:{name}}}}}"), file);
        }
        anyhow::ensure!(
            !html.contains("{{asset:"),
            "frontend/{} names an asset the build does not publish",
            page.template
        );
        std::fs::write(site.join(page.template), &html)?;
        let html_br = brotli(html.as_bytes())?.len();
        eprintln!("{} loads (brotli, as the server sends it):", page.template);
        let mut total = html_br;
        eprintln!(
            "  {:<40} {:>9} bytes raw {:>9} bytes brotli",
            page.template,
            html.len(),
            html_br
        );
        for (name, file, raw, br) in published.iter().filter(|(n, ..)| page.assets.contains(n)) {
            let _ = name;
            total += br;
            eprintln!("  {file:<40} {raw:>9} bytes raw {br:>9} bytes brotli");
        }
        eprintln!(
            "  {:<40} {:>29} bytes over the wire ({:.1} KB)",
            "first load",
            total,
            total as f64 / 1024.0
        );
        if page.template == "index.html" {
            eprintln!(
                "  {:<40} {:>29} bytes with brotli, each loaded the first time its screen opens",
                "later screens (all chunks together)", chunks_br
            );
        }
    }
    Ok(())
}
