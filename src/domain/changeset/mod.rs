//! Changesets: each write operation casts exactly the fields it may change and runs its
//! checks on them, collecting every error (not just the first) under a field path such as
//! `["keyResults", "2", "midScore"]`.
//!
//! The casts follow decisions.md 17: an empty string becomes null before validation, a
//! required string that is null or only whitespace is `Required`, a longer text than the
//! field allows is `TooLong`; non-blank strings are kept exactly as given.

mod constraint;

pub use constraint::on_constraint;

use rust_decimal::Decimal;

use crate::error::{Code, DomainError, UserError};
use crate::values::ids;
use crate::values::scores::to_ppb;
use crate::values::text::{TextFault, text_fault};

/// Longest objective and key-result text (characters).
pub const CONTENT_MAX: usize = 1_000;
/// Longest assessment and reflection text (characters).
pub const TEXT_MAX: usize = 10_000;
/// Longest title or name (characters): cycle titles, group names, display and formatted
/// names, departments.
pub const NAME_MAX: usize = 200;
/// Longest part of a person's name: given, family, middle (characters).
pub const NAME_PART_MAX: usize = 100;
/// Longest e-mail address (characters; RFC 5321 allows 254).
pub const EMAIL_MAX: usize = 254;
/// Longest `userName`, `externalId` and other identifier a client assigns (characters).
/// Every limit here keeps an indexed text far below PostgreSQL's index-row limit
/// (about 2,700 bytes, while 256 characters are at most 1,024 bytes of UTF-8).
pub const IDENTIFIER_MAX: usize = 256;

/// A value that may be absent, explicitly null, or given (GraphQL's three states).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Given<T> {
    /// The key was not sent.
    #[default]
    Absent,
    /// The key was sent as `null`.
    Null,
    /// A value was sent.
    Value(T),
}

/// Collects the errors of one operation's input.
#[derive(Debug, Default)]
pub struct Changeset {
    prefix: Vec<String>,
    errors: Vec<UserError>,
}

impl Changeset {
    /// An empty changeset.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error at `field` (under the current nesting); a dotted field such as
    /// `owner.userId` names a field of a nested input.
    pub fn add(&mut self, field: &str, code: Code, message: impl Into<String>) {
        let mut path = self.prefix.clone();
        path.extend(field.split('.').map(str::to_owned));
        self.errors.push(UserError {
            path,
            code,
            message: message.into(),
        });
    }

    /// Records an error at `field` unless `ok`.
    pub fn check(&mut self, ok: bool, field: &str, code: Code, message: &str) {
        if !ok {
            self.add(field, code, message);
        }
    }

    /// Runs `cast` with paths nested under `field`/`index` (an item of a list input).
    pub fn nested<T>(&mut self, field: &str, index: usize, cast: impl FnOnce(&mut Self) -> T) -> T {
        let depth = self.prefix.len();
        self.prefix.push(field.to_owned());
        self.prefix.push(index.to_string());
        let value = cast(self);
        self.prefix.truncate(depth);
        value
    }

    /// A required text: `""`, null and whitespace are `Required`; longer than `max` is `TooLong`.
    pub fn required_text(
        &mut self,
        field: &str,
        value: Option<&str>,
        max: usize,
    ) -> Option<String> {
        let value = value.filter(|text| !text.is_empty());
        match value {
            Some(text) if !text.trim().is_empty() => self.within(field, text, max),
            _ => {
                self.add(field, Code::Required, "can't be blank");
                None
            }
        }
    }

    /// Records at `field` what makes `text` unstorable: a NUL character (`Invalid`) or more
    /// than `max` characters (`TooLong`). For a value that is already shaped (an optional
    /// attribute of an identity provider's resource).
    pub fn bounded(&mut self, field: &str, text: &str, max: usize) {
        self.within(field, text, max);
    }

    fn within(&mut self, field: &str, text: &str, max: usize) -> Option<String> {
        match text_fault(text, max) {
            None => return Some(text.to_owned()),
            Some(TextFault::Nul) => {
                self.add(field, Code::Invalid, "contains a NUL character (U+0000)");
            }
            Some(TextFault::TooLong) => {
                let message = format!("is longer than {max} characters");
                self.add(field, Code::TooLong, message);
            }
        }
        None
    }

    /// A numeric id in its canonical form (decisions.md 23): empty is `Required`, any other
    /// spelling (`"03"`, `"+3"`, `" 3"`, not a number) is `Invalid`.
    pub fn id(&mut self, field: &str, raw: &str) -> Option<i64> {
        if raw.is_empty() {
            self.add(field, Code::Required, "can't be blank");
            return None;
        }
        let id = ids::numeric(raw);
        if id.is_none() {
            self.add(
                field,
                Code::Invalid,
                "is not an id (decimal digits, no sign or leading zero)",
            );
        }
        id
    }

    /// A user id: the lowercase hyphenated UUID the server assigned. Empty is `Required`,
    /// any other form `Invalid`.
    pub fn user_id<'a>(&mut self, field: &str, raw: &'a str) -> Option<&'a str> {
        if raw.is_empty() {
            self.add(field, Code::Required, "can't be blank");
            return None;
        }
        if !ids::is_user_id(raw) {
            self.add(
                field,
                Code::Invalid,
                "is not a user id (a lowercase hyphenated UUID)",
            );
            return None;
        }
        Some(raw)
    }

    /// A score in parts per billion: `0 <= s <= 1` with at most nine decimal places.
    /// Absent gives `default`; explicit null is `Invalid` (decisions.md 10).
    pub fn score(
        &mut self,
        field: &str,
        value: Given<Decimal>,
        default: Option<i64>,
    ) -> Option<i64> {
        let decimal = match value {
            Given::Absent => return default,
            Given::Null => {
                self.add(field, Code::Invalid, "must be a number, not null");
                return None;
            }
            Given::Value(decimal) => decimal,
        };
        if decimal < Decimal::ZERO || decimal > Decimal::ONE {
            self.add(field, Code::OutOfRange, "must be 0.0 -> 1.0");
            return None;
        }
        let ppb = to_ppb(decimal).ok();
        if ppb.is_none() {
            self.add(field, Code::Invalid, "has more than nine decimal places");
        }
        ppb
    }

    /// Whether no error was recorded so far.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// `value` when every check passed, otherwise all the errors.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, DomainError> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ if self.errors.is_empty() => Err(DomainError::Internal(anyhow::anyhow!(
                "a changeset without errors produced no value"
            ))),
            _ => Err(DomainError::User(self.errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(changeset: Changeset) -> Vec<(Vec<String>, Code)> {
        changeset
            .errors
            .into_iter()
            .map(|e| (e.path, e.code))
            .collect()
    }

    #[test]
    fn empty_and_blank_strings_are_required() {
        let mut cs = Changeset::new();
        assert_eq!(cs.required_text("a", Some(""), 5), None);
        assert_eq!(cs.required_text("b", Some("  "), 5), None);
        assert_eq!(cs.required_text("c", None, 5), None);
        assert_eq!(
            cs.required_text("d", Some(" x "), 5),
            Some(" x ".to_owned())
        );
        assert_eq!(codes(cs).len(), 3);
    }

    #[test]
    fn long_text_is_too_long_counted_in_characters() {
        let mut cs = Changeset::new();
        assert_eq!(
            cs.required_text("a", Some("ééé"), 3),
            Some("ééé".to_owned())
        );
        assert_eq!(cs.required_text("a", Some("éééé"), 3), None);
        assert_eq!(codes(cs), vec![(vec!["a".to_owned()], Code::TooLong)]);
    }

    #[test]
    fn scores_are_exact_and_in_range_and_null_is_invalid() {
        let mut cs = Changeset::new();
        assert_eq!(cs.score("s", Given::Absent, Some(0)), Some(0));
        assert_eq!(
            cs.score("s", Given::Value(Decimal::new(999, 3)), None),
            Some(999_000_000)
        );
        assert_eq!(
            cs.score("s", Given::Value(Decimal::ONE), None),
            Some(1_000_000_000)
        );
        assert_eq!(cs.score("n", Given::Null, Some(0)), None);
        assert_eq!(
            cs.score("o", Given::Value(Decimal::new(1_000_000_001, 9)), None),
            None
        );
        assert_eq!(cs.score("p", Given::Value(Decimal::new(1, 10)), None), None);
        let found: Vec<Code> = codes(cs).into_iter().map(|(_, c)| c).collect();
        assert_eq!(found, vec![Code::Invalid, Code::OutOfRange, Code::Invalid]);
    }

    #[test]
    fn nested_items_get_indexed_paths() {
        let mut cs = Changeset::new();
        cs.nested("keyResults", 2, |cs| {
            cs.required_text("content", Some(""), 5)
        });
        cs.add("content", Code::Required, "x");
        let paths: Vec<Vec<String>> = codes(cs).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            paths,
            vec![vec!["keyResults", "2", "content"], vec!["content"]]
        );
    }
}
