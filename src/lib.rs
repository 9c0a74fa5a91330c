//! A GraphQL server for OKRs (objectives and key results), with SCIM 2.0 provisioning.
//!
//! # Layout
//!
//! The dependencies point one way: the edges ([`graphql`], [`scim`], [`overview`], the CLI)
//! call the [`domain`], which reads through the read engine ([`query`]) and writes the
//! `entity` crate's tables. Every resource is declared once in the [`catalog`], which the
//! layers above derive their descriptions, row readers and inputs from; the value rules
//! every layer shares (ids, texts, scores) are in [`values`], which depends on nothing; the
//! `migration` crate stands alone.
//! [`app`] wires configuration, database and HTTP together.

pub mod access_log;
pub mod app;
pub mod auth;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod cors;
pub mod db;
pub mod domain;
pub mod error;
pub mod error_bodies;
pub mod fixtures;
pub mod graphql;
pub mod health;
pub mod metrics;
pub mod overview;
pub mod query;
pub mod scim;
pub mod serve;
pub mod signed_in;
pub mod state;
pub mod telemetry;
pub mod values;
