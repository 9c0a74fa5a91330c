//! GraphiQL at `/`: served from local files when `scripts/fetch-graphiql.sh` has fetched
//! them (works without internet), from the unpkg CDN otherwise. A relative
//! `GRAPHIQL_ASSETS_DIR` is looked for in the working directory, then beside the executable,
//! then two folders up from it (`target/release/okrs` of a checkout finds the checkout's
//! `assets/graphiql`). When the files cannot be loaded, the page says why and what to do
//! instead of waiting forever.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use tower_http::services::ServeDir;

use crate::state::AppState;

/// URL prefix of the local GraphiQL files.
const LOCAL_PREFIX: &str = "/graphiql-assets";

/// The four files GraphiQL 4 needs, as `(local file name, CDN URL)`.
const FILES: [(&str, &str); 4] = [
    (
        "react.production.min.js",
        "https://unpkg.com/react@18.3.1/umd/react.production.min.js",
    ),
    (
        "react-dom.production.min.js",
        "https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js",
    ),
    (
        "graphiql.min.js",
        "https://unpkg.com/graphiql@4.1.2/graphiql.min.js",
    ),
    (
        "graphiql.min.css",
        "https://unpkg.com/graphiql@4.1.2/graphiql.min.css",
    ),
];

/// The query shown in the editor on first open.
const DEFAULT_QUERY: &str = "# Welcome to the OKR server. Press the run button to see who you are.\n{\n  me {\n    userName\n    name\n    isAdmin\n  }\n}\n";

/// The GraphiQL page, plus the local files when they are found.
pub fn routes(assets_dir: &Path) -> Router<AppState> {
    let candidates = candidates(
        assets_dir,
        std::env::current_dir().ok().as_deref(),
        std::env::current_exe().ok().as_deref(),
    );
    let found = candidates
        .iter()
        .find(|dir| FILES.iter().all(|(file, _)| dir.join(file).is_file()));
    if let Some(dir) = found {
        tracing::info!(dir = %dir.display(), "GraphiQL: serving its files from this folder");
        Router::new()
            .route("/", get(page_local))
            .nest_service(LOCAL_PREFIX, ServeDir::new(dir))
    } else {
        let tried: Vec<String> = candidates
            .iter()
            .map(|dir| dir.display().to_string())
            .collect();
        tracing::info!(
            tried = %tried.join(", "),
            "GraphiQL: its files are not here, so browsers load them from unpkg.com; run \
             scripts/fetch-graphiql.sh for a GraphiQL that works without internet"
        );
        Router::new().route("/", get(page_cdn))
    }
}

/// Where a configured assets folder may be: itself when absolute; else in the working
/// directory, beside the executable, and two folders above it.
fn candidates(configured: &Path, cwd: Option<&Path>, exe: Option<&Path>) -> Vec<PathBuf> {
    if configured.is_absolute() {
        return vec![configured.to_owned()];
    }
    let beside_exe = exe.and_then(Path::parent);
    let mut dirs: Vec<PathBuf> = cwd.into_iter().map(|dir| dir.join(configured)).collect();
    dirs.extend(beside_exe.map(|dir| dir.join(configured)));
    dirs.extend(
        beside_exe
            .and_then(Path::parent)
            .and_then(Path::parent)
            .map(|dir| dir.join(configured)),
    );
    dirs.dedup();
    dirs
}

async fn page_local(State(state): State<AppState>) -> Html<String> {
    let urls = FILES.map(|(file, _)| format!("{LOCAL_PREFIX}/{file}"));
    let help = "GraphiQL's files did not load from this server. Check that the folder \
        GRAPHIQL_ASSETS_DIR names still holds them (run scripts/fetch-graphiql.sh again) and \
        restart the server.";
    Html(page(&urls, help, state.dev_token.as_deref()))
}

async fn page_cdn(State(state): State<AppState>) -> Html<String> {
    let urls = FILES.map(|(_, url)| url.to_owned());
    let help = "GraphiQL's files did not load: this server has no copy of them, and unpkg.com, \
        where they were asked from, could not be reached. For a GraphiQL that works without \
        internet, run scripts/fetch-graphiql.sh in the server's source folder (it needs npm) \
        and restart the server; it finds assets/graphiql in its working directory or beside \
        its executable (GRAPHIQL_ASSETS_DIR names another folder). The API itself works: \
        POST /graphql.";
    Html(page(&urls, help, state.dev_token.as_deref()))
}

/// The HTML page; in development mode the editor's headers hold the ready-made token. When
/// GraphiQL's scripts did not load, the page shows `help` instead of the editor.
fn page(urls: &[String; 4], help: &str, dev_token: Option<&str>) -> String {
    let headers = match dev_token {
        Some(token) => format!("{{\n  \"Authorization\": \"Bearer {token}\"\n}}"),
        None => "{\n  \"Authorization\": \"Bearer <your token>\"\n}".to_owned(),
    };
    // JSON string literals are valid JavaScript; `<` is escaped so nothing can close the tag.
    let js = |text: &str| {
        serde_json::Value::from(text)
            .to_string()
            .replace('<', "\\u003c")
    };
    let [react, react_dom, graphiql, css] = urls;
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>OKR server · GraphiQL</title>
  <style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
  <link rel="stylesheet" href="{css}">
  <script src="{react}"></script>
  <script src="{react_dom}"></script>
  <script src="{graphiql}"></script>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script>
    const root = document.getElementById('graphiql');
    // The scripts above ran (or failed) before this one: nothing to wait for.
    if (typeof GraphiQL === 'undefined' || typeof ReactDOM === 'undefined') {{
      root.id = 'graphiql-unavailable';
      root.style.cssText = 'font: 16px/1.5 system-ui, sans-serif; max-width: 40em; margin: 3em auto;';
      root.textContent = {help};
    }} else {{
      const fetcher = GraphiQL.createFetcher({{ url: '/graphql' }});
      ReactDOM.createRoot(root).render(
        React.createElement(GraphiQL, {{
          fetcher,
          defaultQuery: {query},
          defaultHeaders: {headers},
          defaultEditorToolsVisibility: 'headers',
          shouldPersistHeaders: false,
        }})
      );
    }}
  </script>
</body>
</html>
"#,
        query = js(DEFAULT_QUERY),
        headers = js(&headers),
        help = js(help),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_folder_is_looked_for_in_the_working_directory_then_beside_the_executable() {
        let found = candidates(
            Path::new("assets/graphiql"),
            Some(Path::new("/srv")),
            Some(Path::new("/repo/target/release/okrs")),
        );
        assert_eq!(
            found,
            [
                PathBuf::from("/srv/assets/graphiql"),
                PathBuf::from("/repo/target/release/assets/graphiql"),
                PathBuf::from("/repo/assets/graphiql"),
            ]
        );
        let absolute = candidates(Path::new("/opt/graphiql"), Some(Path::new("/srv")), None);
        assert_eq!(absolute, [PathBuf::from("/opt/graphiql")]);
    }
}
