//! Cross-origin requests from browser pages: which origins may call the API, with which
//! methods and headers. Off unless origins are configured (`CORS_ALLOWED_ORIGINS`); in
//! development mode every `http://localhost` and `http://127.0.0.1` origin (any port) is
//! allowed as well, so a front-end dev server works with no setting.

use std::time::Duration;

use anyhow::{Context as _, bail};
use axum::http::{HeaderName, HeaderValue, Method, request::Parts};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::Config;

/// The CORS layer the configuration asks for, if any; an origin, method or header that
/// cannot be one is a start-up error that names it.
pub fn layer(config: &Config) -> anyhow::Result<Option<CorsLayer>> {
    let origins = config
        .cors_allowed_origins
        .iter()
        .map(|origin| origin.trim())
        .filter(|origin| !origin.is_empty())
        .map(origin)
        .collect::<anyhow::Result<Vec<HeaderValue>>>()?;
    let local = config.development_mode();
    if origins.is_empty() && !local {
        return Ok(None);
    }
    let methods = parse_all(
        "CORS_ALLOWED_METHODS",
        "a method",
        &config.cors_allowed_methods,
        Method::from_bytes,
    )?;
    let headers = parse_all(
        "CORS_ALLOWED_HEADERS",
        "a header name",
        &config.cors_allowed_headers,
        HeaderName::from_bytes,
    )?;
    let allow = AllowOrigin::predicate(move |candidate: &HeaderValue, _: &Parts| {
        origins.contains(candidate) || (local && is_local(candidate))
    });
    Ok(Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods(methods)
            .allow_headers(headers)
            .expose_headers([HeaderName::from_static("x-request-id")])
            .max_age(Duration::from_secs(config.cors_max_age_secs)),
    ))
}

/// Every item of a list setting, parsed; the first that is not `what` is an error naming it.
fn parse_all<T, E>(
    setting: &str,
    what: &str,
    items: &[String],
    parse: impl Fn(&[u8]) -> Result<T, E>,
) -> anyhow::Result<Vec<T>> {
    items
        .iter()
        .map(|item| {
            parse(item.trim().as_bytes())
                .map_err(|_| anyhow::anyhow!("{setting}: `{item}` is not {what}"))
        })
        .collect()
}

/// A configured origin: `scheme://host[:port]`, nothing after it (browsers send exactly
/// that in `Origin`, and compare it exactly).
fn origin(text: &str) -> anyhow::Result<HeaderValue> {
    let Some((scheme, rest)) = text.split_once("://") else {
        bail!("CORS_ALLOWED_ORIGINS: `{text}` is not an origin (write it as https://host[:port])");
    };
    if !matches!(scheme, "http" | "https") || rest.is_empty() || rest.contains('/') {
        bail!(
            "CORS_ALLOWED_ORIGINS: `{text}` is not an origin (write it as https://host[:port], with no path)"
        );
    }
    HeaderValue::from_str(text)
        .with_context(|| format!("CORS_ALLOWED_ORIGINS: `{text}` is not a header value"))
}

/// `http://localhost[:port]` or `http://127.0.0.1[:port]`.
fn is_local(origin: &HeaderValue) -> bool {
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    ["http://localhost", "http://127.0.0.1"].iter().any(|base| {
        origin.strip_prefix(base).is_some_and(|rest| {
            rest.is_empty()
                || rest.strip_prefix(':').is_some_and(|port| {
                    !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
                })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_origins_count_as_local() {
        for yes in [
            "http://localhost",
            "http://localhost:5173",
            "http://127.0.0.1:3000",
        ] {
            assert!(is_local(&HeaderValue::from_static(yes)), "{yes}");
        }
        for no in [
            "https://localhost:5173",
            "http://localhost.evil.com",
            "http://localhost:",
            "http://127.0.0.1:80x",
            "http://127.0.0.10",
        ] {
            assert!(!is_local(&HeaderValue::from_static(no)), "{no}");
        }
    }

    #[test]
    fn configured_origins_are_scheme_host_and_port_only() {
        assert!(origin("https://app.example.com").is_ok());
        assert!(origin("http://localhost:5173").is_ok());
        for bad in [
            "app.example.com",
            "https://app.example.com/",
            "ftp://x",
            "https://",
        ] {
            assert!(origin(bad).is_err(), "{bad}");
        }
    }
}
