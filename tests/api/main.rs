//! One integration-test binary: each module talks to the real server over HTTP.

// A failed step in test code should panic: that is how a test reports failure.
#![allow(clippy::unwrap_used)]

#[macro_use]
mod helpers;
mod adversarial;
mod auth;
mod batching;
mod check_ins;
mod cli;
mod constraints;
mod demo;
mod differential;
mod docs;
mod edge;
mod factories;
mod graphiql;
mod health;
mod layering;
mod metrics;
mod mutations_admin;
mod mutations_authz;
mod mutations_common;
mod mutations_concurrency;
mod mutations_links;
mod mutations_objectives;
mod nodes;
mod operations;
mod overview;
mod paging;
mod races;
mod reads;
mod reference;
mod response_shape;
mod schema_sdl;
mod scim_discovery;
mod scim_groups;
mod scim_users;
mod seed;
mod smtp_sink;
mod traces;
mod transport;
