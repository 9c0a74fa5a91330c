//! Texts nothing may store or compare with, the same rule at every edge.

/// What makes a text one that nothing may store or compare with (decisions.md 22 and 24);
/// each edge reports it in its own vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFault {
    /// It contains U+0000, which PostgreSQL refuses in a text and SQLite cuts patterns at.
    Nul,
    /// It has more than the allowed number of characters.
    TooLong,
}

/// The rule `text` breaks when at most `max` characters are allowed, if any.
pub fn text_fault(text: &str, max: usize) -> Option<TextFault> {
    if text.contains('\0') {
        Some(TextFault::Nul)
    } else if text.chars().count() > max {
        Some(TextFault::TooLong)
    } else {
        None
    }
}
