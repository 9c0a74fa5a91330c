//! Completing responses as the GraphQL specification's execution does (§6.4.4, §7.1.2):
//! every selected field present in selection order, `null` for a field that raised an error,
//! and a non-null field's `null` propagated to its nearest nullable parent.
//!
//! async-graphql executes the request; [`marks`] first adds what completion will need to
//! know about the run, and [`complete()`] then rebuilds `data` from the document and the
//! schema's [`types`].

pub mod complete;
pub mod marks;
pub mod types;

pub use complete::{Executed, complete};
pub use marks::{Executable, mark};
