//! URL handles for users and groups (decisions.md 3).

use std::collections::HashSet;

use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryFilter,
    QuerySelect, Statement,
};

/// Lowercase ASCII letters and digits; every run of other characters becomes one `-`,
/// and leading or trailing dashes are trimmed. `"This is / a Test"` → `"this-is-a-test"`.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// A user's base slug: `given.family` (the parts slugified, empty ones left out); with no
/// names, the slugified local part of the user name; `user` if all of that is empty.
pub fn user_base_slug(given: Option<&str>, family: Option<&str>, user_name: &str) -> String {
    let parts: Vec<String> = [given, family]
        .into_iter()
        .flatten()
        .map(slugify)
        .filter(|part| !part.is_empty())
        .collect();
    if !parts.is_empty() {
        return parts.join(".");
    }
    let local = slugify(user_name.split('@').next().unwrap_or_default());
    if local.is_empty() {
        "user".to_owned()
    } else {
        local
    }
}

/// A group's base slug: the slugified name, or `group` if that is empty.
pub fn group_base_slug(name: &str) -> String {
    let slug = slugify(name);
    if slug.is_empty() {
        "group".to_owned()
    } else {
        slug
    }
}

/// `base` if free, otherwise the first free `base-2`, `base-3`, …
pub fn first_free(base: &str, taken: &HashSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| base.to_owned())
}

/// The SQL `LIKE` pattern matching the numbered variants of a base slug. Slugs contain
/// only `[a-z0-9.-]`, so no `LIKE` metacharacter needs escaping.
pub fn numbered_variants_pattern(base: &str) -> String {
    format!("{base}-%")
}

/// The first key of the advisory locks that serialise slug allocation (`slug` in ASCII).
const SLUG_LOCK_KEY: i32 = 0x736c_7567;

/// The slugs in `column` of `E`'s table that are `base` or one of its numbered variants.
///
/// On PostgreSQL this first takes a transaction-level advisory lock for the table, so two
/// transactions allocating slugs at once queue here: the second then sees the first's slug
/// (READ COMMITTED reads what committed before each statement) and takes the next suffix
/// instead of colliding on the unique index. SQLite's `BEGIN IMMEDIATE` already serialises
/// writers. Call it inside the transaction that inserts the slug.
pub async fn taken_slugs<E: EntityTrait>(
    db: &impl ConnectionTrait,
    column: E::Column,
    base: &str,
) -> Result<HashSet<String>, DbErr> {
    if db.get_database_backend() == DbBackend::Postgres {
        let table = E::default().table_name().to_owned();
        let lock = Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1, hashtext($2))",
            [SLUG_LOCK_KEY.into(), table.into()],
        );
        db.execute_raw(lock).await?;
    }
    let slugs: Vec<String> = E::find()
        .select_only()
        .column(column)
        .filter(
            Condition::any()
                .add(column.eq(base))
                .add(column.like(numbered_variants_pattern(base))),
        )
        .into_tuple()
        .all(db)
        .await?;
    Ok(slugs.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_separators_collapse_and_ends_are_trimmed() {
        assert_eq!(slugify("This is / a Test"), "this-is-a-test");
        assert_eq!(slugify("  --Group 1--  "), "group-1");
        assert_eq!(slugify("Ünïcode"), "n-code");
    }

    #[test]
    fn user_slugs_join_names_with_a_dot() {
        assert_eq!(
            user_base_slug(Some("Steve"), Some("Tester"), "s@x.io"),
            "steve.tester"
        );
        assert_eq!(user_base_slug(None, Some("Tester"), "s@x.io"), "tester");
        assert_eq!(
            user_base_slug(Some("Mary Ann"), Some("O'Neil"), "m"),
            "mary-ann.o-neil"
        );
    }

    #[test]
    fn user_slugs_fall_back_to_the_user_name_local_part() {
        assert_eq!(
            user_base_slug(None, None, "Jane.Doe@example.com"),
            "jane-doe"
        );
        assert_eq!(user_base_slug(Some(" "), Some(""), "jd@example.com"), "jd");
        assert_eq!(user_base_slug(None, None, "@@"), "user");
    }

    #[test]
    fn taken_slugs_get_the_first_free_number() {
        let taken: HashSet<String> = ["a", "a-2", "a-4"].map(str::to_owned).into();
        assert_eq!(first_free("a", &taken), "a-3");
        assert_eq!(first_free("b", &taken), "b");
    }
}
