//! The `okrs` binary's subcommands, run as real processes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use crate::factories as f;
use crate::helpers::TEST_SECRET;

const BIN: &str = env!("CARGO_BIN_EXE_okrs");

pub(crate) fn okrs(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut command = Command::new(BIN);
    command.env_clear().args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("okrs runs")
}

backend_test! {
    async fn the_token_subcommand_mints_tokens_the_server_accepts(app) {
        let user = f::user(&app.db).await;
        let env = [("JWT_SECRET", TEST_SECRET), ("DATABASE_URL", app.database_url.as_str())];
        let output = okrs(&["token", &user.id, "--ttl-hours", "1"], &env);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let token = String::from_utf8(output.stdout).unwrap();
        let (_, body) = app.graphql("{ me { id } }", json!({}), Some(token.trim())).await;
        assert_eq!(body["data"]["me"]["id"], user.id);
    }
}

backend_test! {
    async fn the_token_subcommand_refuses_ids_that_name_no_user_who_may_sign_in(app) {
        let env = [("JWT_SECRET", TEST_SECRET), ("DATABASE_URL", app.database_url.as_str())];
        let inactive = f::user(&app.db).await;
        f::set_active(&app.db, &inactive, false).await;
        let unknown = "01900000-0000-7000-8000-000000000000";
        for (id, words) in [
            ("not-a-uuid", "not a user id"),
            (unknown, "no user has the id"),
            (&inactive.id, "inactive"),
        ] {
            let output = okrs(&["token", id], &env);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!output.status.success() && output.stdout.is_empty(), "{id}: {stderr}");
            assert!(stderr.contains(words), "{id}: {stderr}");
            assert!(!stderr.contains("postgres@"), "no credentials in messages: {stderr}");
        }
    }
}

#[test]
fn flags_are_accepted_after_the_subcommand_too() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/flags.db?mode=rwc", dir.path().display());
    // `serve --help` lists the server's flags, and `migrate --database-url …` takes one.
    let output = okrs(&["serve", "--help"], &[]);
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && help.contains("--bind-addr") && help.contains("--database-url"),
        "{help}"
    );
    let output = okrs(&["migrate", "--database-url", &url], &[]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(dir.path().join("flags.db").exists());
    // Log lines written to a pipe carry no colour codes.
    assert!(
        !String::from_utf8_lossy(&output.stderr).contains('\u{1b}'),
        "no ANSI escapes"
    );
}

#[test]
fn the_token_subcommand_explains_a_missing_secret() {
    let output = okrs(&["token", "someone"], &[]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("JWT_SECRET"));
    let output = okrs(&["token", "someone"], &[("JWT_SECRET", "short")]);
    assert!(!output.status.success());
}

#[test]
fn export_schema_prints_the_sdl() {
    let output = okrs(&["export-schema"], &[]);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8(output.stdout).unwrap(),
        okrs::graphql::schema::sdl()
    );
}

#[test]
fn migrate_creates_the_tables_in_a_new_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/new.db?mode=rwc", dir.path().display());
    let output = okrs(&["migrate"], &[("DATABASE_URL", &url)]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = okrs(&["seed", "--demo"], &[("DATABASE_URL", &url)]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Seeding twice is refused rather than duplicating the demo users.
    let output = okrs(&["seed", "--demo"], &[("DATABASE_URL", &url)]);
    assert!(!output.status.success());
}

/// A server on a new SQLite file, logging JSON: the process (killed when dropped), its log
/// lines as they come, and the address it listens on.
fn start_server(dir: &tempfile::TempDir) -> (KillOnDrop, impl Iterator<Item = String>, String) {
    let url = format!("sqlite://{}/s.db?mode=rwc", dir.path().display());
    start_server_on(&url, &[])
}

/// A server on the database `url`, logging JSON, with `env` set too: the process (killed when
/// dropped), its log lines as they come, and the address it listens on.
pub(crate) fn start_server_on(
    url: &str,
    env: &[(&str, &str)],
) -> (KillOnDrop, impl Iterator<Item = String> + use<>, String) {
    let mut child = Command::new(BIN)
        .env_clear()
        .envs([
            ("DATABASE_URL", url),
            ("BIND_ADDR", "127.0.0.1:0"),
            ("JWT_SECRET", TEST_SECRET),
            ("LOG_FORMAT", "json"),
            ("SEED_DEMO", "never"),
        ])
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap())
        .lines()
        .map_while(Result::ok);
    let addr = lines
        .by_ref()
        .filter_map(|line| serde_json::from_str::<Value>(&line).ok())
        .find_map(|log| {
            (log["fields"]["message"] == "listening")
                .then(|| log["fields"]["addr"].as_str().unwrap().to_owned())
        })
        .expect("the server logs its address");
    (KillOnDrop(child), lines, addr)
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let (mut server, lines, addr) = start_server(&dir);
    let health = std::net::TcpStream::connect(&addr);
    assert!(health.is_ok(), "the server accepts connections at {addr}");
    let killed = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server.0.wait().unwrap();
    assert!(status.success(), "exit status {status:?}");
    let rest: Vec<String> = lines.collect();
    assert!(rest.iter().any(|l| l.contains("shutting down")), "{rest:?}");
}

#[test]
fn overview_dry_run_prints_each_message_without_sending() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/o.db?mode=rwc", dir.path().display());
    assert!(
        okrs(&["seed", "--demo"], &[("DATABASE_URL", &url)])
            .status
            .success()
    );
    let output = okrs(
        &["overview", "--dry-run"],
        &[
            ("DATABASE_URL", &url),
            ("MAIL_BASE_URL", "https://okrs.example.com"),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        printed.matches("\nSubject: ").count() + usize::from(printed.starts_with("Subject: ")),
        6,
        "one message per demo user:\n{printed}"
    );
    assert!(
        printed.contains("To: grace.hopper@example.com\nSubject: It's time to review your OKRs")
    );
    assert!(printed.contains("To: ada.admin@example.com\nSubject: It's time to define your OKRs"));
    assert!(printed.contains("https://okrs.example.com/grace.hopper"));
    let refused = okrs(&["overview"], &[("DATABASE_URL", &url)]);
    assert!(!refused.status.success());
}

/// Sends one GraphQL POST over a plain connection and reads the whole answer.
fn post_graphql(addr: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn every_request_gets_one_structured_access_log_line() {
    let dir = tempfile::tempdir().unwrap();
    let (_server, lines, addr) = start_server(&dir);
    let lines = lines.filter_map(|line| serde_json::from_str::<Value>(&line).ok());
    let answer = post_graphql(&addr, r#"{"query":"query Names { __typename }"}"#);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let answer = post_graphql(
        &addr,
        r#"{"query":"mutation Who { createGroup(input: {name: \"x\"}) { group { id } } }"}"#,
    );
    assert!(answer.contains("UNAUTHENTICATED"), "{answer}");
    let mut access = lines.filter(|log| log["target"] == "okrs::access");
    let first = access.next().expect("an access line");
    let fields = &first["fields"];
    assert_eq!(fields["method"], "POST");
    assert_eq!(fields["path"], "/graphql");
    assert_eq!(fields["status"], 200);
    assert!(fields["duration_ms"].is_number(), "{first}");
    assert_eq!(fields["operation_name"], "Names");
    assert_eq!(fields["operation_type"], "query");
    assert_eq!(fields["sql_statements"], 0);
    assert!(fields["error_codes"].is_null(), "{first}");
    assert_eq!(fields["request_id"].as_str().unwrap().len(), 36, "{first}");
    let second = access.next().expect("a second access line");
    assert_eq!(second["fields"]["operation_type"], "mutation");
    assert_eq!(second["fields"]["error_codes"], "UNAUTHENTICATED");
}

/// A child process killed when dropped.
pub(crate) struct KillOnDrop(pub(crate) std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
