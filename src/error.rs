//! The one internal error vocabulary; each edge (GraphQL, SCIM, CLI) translates it once:
//! [`DomainError`], the per-field [`UserError`]s of a refused write with their [`Code`], and
//! the read engine's [`QueryError`].

use sea_orm::{DbErr, SqlErr};

/// Why a field was refused; the GraphQL edge shows it as `UserErrorCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A required value is missing or blank.
    Required,
    /// The value has the wrong form.
    Invalid,
    /// The text is longer than allowed.
    TooLong,
    /// The number is outside its range.
    OutOfRange,
    /// The named row does not exist, or is deleted.
    NotFound,
    /// A unique rule would be broken.
    AlreadyExists,
    /// The caller may not make this change.
    Forbidden,
    /// The row changed since the caller read it.
    Stale,
    /// The link would close a cycle.
    Cycle,
}

/// One refused field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// From the input's field down, list indexes as strings.
    pub path: Vec<String>,
    /// What kind of problem.
    pub code: Code,
    /// A sentence for people.
    pub message: String,
}

impl UserError {
    /// An error at `path`.
    pub fn new(path: &[&str], code: Code, message: impl Into<String>) -> Self {
        Self {
            path: path.iter().map(|p| (*p).to_owned()).collect(),
            code,
            message: message.into(),
        }
    }

    /// The single error as a [`DomainError`].
    pub fn fail<T>(
        path: &[&str],
        code: Code,
        message: impl Into<String>,
    ) -> Result<T, DomainError> {
        Err(DomainError::User(vec![Self::new(path, code, message)]))
    }
}

/// What can be wrong with a read request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// An argument cannot be used (bad cursor, page too large, malformed value).
    #[error("{message}")]
    BadInput {
        /// The argument, e.g. `first` or `where.midScore.lt`.
        path: String,
        /// What is wrong with it.
        message: String,
    },
    /// The request would run more SQL statements than its budget allows.
    #[error("the request needs more than {budget} SQL statements")]
    OverBudget {
        /// The configured budget.
        budget: usize,
    },
}

impl QueryError {
    /// A bad argument at `path`.
    pub fn bad_input(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadInput {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// What can go wrong inside the domain.
#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    /// The caller is not signed in, or the signed-in user may not sign in any more.
    #[error("not signed in")]
    Unauthenticated,
    /// The named row does not exist (or is deleted).
    #[error("{entity} {id} not found")]
    NotFound {
        /// The kind of row.
        entity: &'static str,
        /// The id that was looked up.
        id: String,
    },
    /// A unique rule would be broken.
    #[error("conflict on {constraint}")]
    Conflict {
        /// The constraint or field that conflicts.
        constraint: String,
    },
    /// The caller's expected version is not the stored one (optimistic concurrency).
    #[error("{entity} {id} was changed by someone else (now version {current})")]
    Stale {
        /// The kind of row.
        entity: &'static str,
        /// The row's id.
        id: String,
        /// The stored version.
        current: i32,
    },
    /// What the caller asked for was refused: validation, missing rows, permission, conflicts.
    /// Mutations report these as `userErrors` data, never as top-level errors.
    #[error("{} user error(s)", .0.len())]
    User(Vec<UserError>),
    /// Input was rejected.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The offending field.
        field: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A read request that cannot be served as asked (bad argument, over budget).
    #[error(transparent)]
    Query(#[from] QueryError),
    /// No database connection could be had in time (the database is down, unreachable or
    /// saturated): the request may be retried.
    #[error("database unavailable")]
    Unavailable(#[source] DbErr),
    /// A database failure the client did not cause.
    #[error("database error")]
    Database(#[source] DbErr),
    /// Any other failure the client did not cause.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<DbErr> for DomainError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            return Self::Unavailable(err);
        }
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(constraint)) => Self::Conflict { constraint },
            _ => Self::Database(err),
        }
    }
}

/// Whether `err` says no connection could be had (rather than that a statement failed).
fn is_unavailable(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    use sea_orm::sqlx::Error as Sqlx;
    let runtime = match err {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(runtime) | DbErr::Exec(runtime) | DbErr::Query(runtime) => runtime,
        _ => return false,
    };
    let RuntimeErr::SqlxError(sqlx) = runtime else {
        return false;
    };
    match sqlx.as_ref() {
        Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::Io(_) | Sqlx::Tls(_) => true,
        // PostgreSQL's connection exceptions (08…), operator intervention such as a
        // terminated session or a shutdown (57P…), too many connections (53300), and a
        // database that does not accept connections (55000 at connect time).
        Sqlx::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || code.starts_with("57P") || code == "53300" || code == "55000"
        }),
        _ => false,
    }
}

/// Formats an error and its whole `source()` chain on one line, for logs.
pub fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
