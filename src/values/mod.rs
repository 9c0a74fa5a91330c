//! The value rules every layer shares, below the read engine and the domain: the one
//! spelling of an id ([`ids`]), what makes a text unstorable ([`text`]) and scores as exact
//! decimals and parts per billion ([`scores`]). They depend on nothing in the crate.

pub mod ids;
pub mod scores;
pub mod text;
