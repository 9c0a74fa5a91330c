//! GraphiQL at `/`: served from local files when `scripts/fetch-graphiql.sh` has fetched
//! them (works without internet), from the unpkg CDN otherwise.

use std::path::Path;

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

/// The GraphiQL page, plus the local files when they are present.
pub fn routes(assets_dir: &Path) -> Router<AppState> {
    let local = FILES
        .iter()
        .all(|(file, _)| assets_dir.join(file).is_file());
    if local {
        Router::new()
            .route("/", get(page_local))
            .nest_service(LOCAL_PREFIX, ServeDir::new(assets_dir))
    } else {
        Router::new().route("/", get(page_cdn))
    }
}

async fn page_local(State(state): State<AppState>) -> Html<String> {
    let urls = FILES.map(|(file, _)| format!("{LOCAL_PREFIX}/{file}"));
    Html(page(&urls, state.dev_token.as_deref()))
}

async fn page_cdn(State(state): State<AppState>) -> Html<String> {
    let urls = FILES.map(|(_, url)| url.to_owned());
    Html(page(&urls, state.dev_token.as_deref()))
}

/// The HTML page; in development mode the editor's headers hold the ready-made token.
fn page(urls: &[String; 4], dev_token: Option<&str>) -> String {
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
    const fetcher = GraphiQL.createFetcher({{ url: '/graphql' }});
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {{
        fetcher,
        defaultQuery: {query},
        defaultHeaders: {headers},
        defaultEditorToolsVisibility: 'headers',
        shouldPersistHeaders: false,
      }})
    );
  </script>
</body>
</html>
"#,
        query = js(DEFAULT_QUERY),
        headers = js(&headers),
    )
}
