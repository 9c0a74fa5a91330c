//! The layers depend only downwards: edges (`graphql`, `scim`, `overview`, `cli`) → `domain`
//! → `query` → `catalog` → `values`, with `error` beside the bottom. Each rule lists the
//! modules a layer's source may not name; a `crate::…` path to one of them fails the test.

use std::path::{Path, PathBuf};

/// The layer's files (a folder, searched recursively, or one file) and the modules above it.
const RULES: &[(&str, &[&str])] = &[
    (
        "src/values",
        &[
            "error", "catalog", "query", "domain", "graphql", "scim", "overview", "app", "cli",
        ],
    ),
    (
        "src/error.rs",
        &[
            "catalog", "query", "domain", "graphql", "scim", "overview", "app", "cli",
        ],
    ),
    (
        "src/catalog",
        &[
            "query", "domain", "graphql", "scim", "overview", "app", "cli",
        ],
    ),
    (
        "src/query",
        &["domain", "graphql", "scim", "overview", "app", "cli"],
    ),
    (
        "src/domain",
        &["graphql", "scim", "overview", "app", "cli", "fixtures"],
    ),
];

fn sources(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_owned());
        return;
    }
    for entry in std::fs::read_dir(path).unwrap() {
        sources(&entry.unwrap().path(), out);
    }
}

#[test]
fn every_layer_depends_only_on_the_layers_below_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut violations = Vec::new();
    for (layer, above) in RULES {
        let mut files = Vec::new();
        sources(&root.join(layer), &mut files);
        assert!(!files.is_empty(), "{layer} has no sources");
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for module in *above {
                for spelling in [
                    format!("crate::{module}::"),
                    format!("crate::{module};"),
                    format!("crate::{{{module}"),
                ] {
                    if text.contains(&spelling) {
                        violations.push(format!("{} names {spelling}", file.display()));
                    }
                }
            }
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
}
