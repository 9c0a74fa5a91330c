//! The weekly overview e-mail (domain.md §6.4 with decisions.md 20).
//!
//! - [`plan`]: who gets what: an overview of their objectives (their own OKRs and their
//!   groups'), or one reminder naming every running cycle they have no objectives in.
//! - [`render`]: the HTML and plain-text parts, built from the same data.
//! - [`mailer`]: SMTP with retries and backoff.
//! - [`job`]: the schedule, and a lease row per scheduled time so that one replica sends each
//!   message once, and a replica that dies mid-run leaves work another can finish.

pub mod job;
pub mod mailer;
pub mod plan;
pub mod render;
