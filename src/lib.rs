//! A GraphQL server for OKRs (objectives and key results), with SCIM 2.0 provisioning.
//!
//! # Layout
//!
//! The dependencies point one way: the edges ([`graphql`], [`scim`], the CLI) call the [`domain`],
//! which reads and writes the `entity` crate's tables; the `migration` crate stands alone.
//! [`app`] wires configuration, database and HTTP together.

/// Building and running the HTTP server.
pub mod app;
/// Bearer-token verification and minting.
pub mod auth;
/// The command line.
pub mod cli;
/// Typed configuration from environment variables and flags.
pub mod config;
/// Opening the database and applying migrations.
pub mod db;
/// The domain: operations, policies and read defaults that every edge calls.
pub mod domain;
/// The internal error vocabulary.
pub mod error;
/// GraphQL and SCIM error bodies for refusals made before a handler runs (413, 414, 408).
pub mod error_bodies;
/// The demo and benchmark datasets.
pub mod fixtures;
/// The GraphQL edge.
pub mod graphql;
/// Liveness and readiness probes.
pub mod health;
/// The weekly overview e-mail.
pub mod overview;
/// The read engine: filters, sorting and keyset pages compiled to SQL.
pub mod query;
/// The SCIM 2.0 provisioning edge.
pub mod scim;
/// Serving HTTP connections with timeouts and a bounded graceful shutdown.
pub mod serve;
/// Shared handler state.
pub mod state;
/// Logging setup.
pub mod telemetry;
