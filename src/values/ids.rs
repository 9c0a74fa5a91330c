//! The one canonical form of every id (decisions.md 23). Numeric ids are decimal digits with
//! no sign, no leading zero and no spaces; user ids are the lowercase hyphenated UUID the
//! server assigned. Any other spelling is refused, never read as a different id.

/// The row id `text` names, when it is written canonically (`"3"`, never `"03"` or `"+3"`).
pub fn numeric(text: &str) -> Option<i64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if canonical { text.parse().ok() } else { None }
}

/// Whether `text` is a user id as the server writes them: a lowercase hyphenated UUID.
pub fn is_user_id(text: &str) -> bool {
    uuid::Uuid::try_parse(text).is_ok_and(|id| id.hyphenated().to_string() == text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_ids_have_exactly_one_spelling() {
        assert_eq!(numeric("3"), Some(3));
        assert_eq!(numeric("0"), Some(0));
        assert_eq!(numeric("9223372036854775807"), Some(i64::MAX));
        for other in [
            "",
            "+3",
            "03",
            " 3",
            "3 ",
            "-3",
            "3.0",
            "0x3",
            "9223372036854775808",
            "３",
        ] {
            assert_eq!(numeric(other), None, "{other:?}");
        }
    }

    #[test]
    fn user_ids_are_lowercase_hyphenated_uuids() {
        let id = uuid::Uuid::now_v7().to_string();
        assert!(is_user_id(&id));
        assert!(!is_user_id(&id.to_uppercase()));
        assert!(!is_user_id(&id.replace('-', "")));
        assert!(!is_user_id(&format!("{{{id}}}")));
        assert!(!is_user_id(&format!("urn:uuid:{id}")));
        assert!(!is_user_id(&format!("{id}\0")));
        assert!(!is_user_id(""));
    }
}
