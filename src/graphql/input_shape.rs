//! Bounds on the size of what a client sends, checked before anything recurses over it.
//!
//! The GraphQL parser, async-graphql's input coercion and the filter compiler all recurse
//! over nested values, so a document or a `variables` object nested a few hundred levels deep
//! would overflow a worker's stack and abort the whole process. The document's text is
//! measured before it is parsed (a linear scan that skips strings and comments), the parsed
//! document's list values and the `variables` JSON are measured before execution, and each
//! violation names the limit it broke. The same walk checks the one rule of the document's
//! values that async-graphql's validation misses: `@skip(if:)` and `@include(if:)` take a
//! Boolean.

use async_graphql::Positioned;
use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql_value::{ConstValue, Value};
use serde_json::Value as Json;

/// The configured ceilings on input shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShapeLimits {
    /// Deepest nesting of `{`, `[` and `(` in a document, and of objects and arrays in
    /// `variables` (`QUERY_NESTING_LIMIT`).
    pub nesting: usize,
    /// Most items in one list value, in the document or in `variables` (`INPUT_LIST_LIMIT`).
    pub list_items: usize,
}

/// Which limit an input broke; its `Display` is the message the client sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeExceeded {
    /// Nested deeper than `QUERY_NESTING_LIMIT`.
    #[error("The {what} is nested more than {limit} levels deep (QUERY_NESTING_LIMIT is {limit})")]
    Nesting {
        /// `document` or `variables`.
        what: &'static str,
        /// The configured limit.
        limit: usize,
    },
    /// `@skip(if:)` or `@include(if:)` given something other than a Boolean or a variable;
    /// async-graphql's validation accepts any value for a built-in scalar, and would then
    /// read it as `false`.
    #[error("@{directive}(if:) takes a Boolean, not {found}")]
    Condition {
        /// `skip` or `include`.
        directive: String,
        /// What was given instead.
        found: &'static str,
    },
    /// A list longer than `INPUT_LIST_LIMIT`.
    #[error("A list in the {what} has {count} items; INPUT_LIST_LIMIT allows {limit}")]
    ListItems {
        /// `document` or `variables`.
        what: &'static str,
        /// How many items the list has.
        count: usize,
        /// The configured limit.
        limit: usize,
    },
}

/// Checks the nesting of a document's text without parsing it: brackets inside strings,
/// block strings and comments do not count.
pub fn check_text(text: &str, limits: ShapeLimits) -> Result<(), ShapeExceeded> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => i = skip_block_string(bytes, i + 3),
            b'"' => i = skip_string(bytes, i + 1),
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > limits.nesting {
                    return Err(ShapeExceeded::Nesting {
                        what: "document",
                        limit: limits.nesting,
                    });
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The index of the closing quote of a string whose text starts at `i` (or the end).
fn skip_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' | b'\n' | b'\r' => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index of the last quote of a block string whose text starts at `i` (or the end).
fn skip_block_string(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\\\"\"\"") {
            i += 4;
        } else if bytes[i..].starts_with(b"\"\"\"") {
            return i + 2;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

/// Checks the lists in a parsed document: arguments, directive arguments and variable
/// defaults, in operations and fragments. (Its nesting was bounded by [`check_text`].)
pub fn check_document(
    document: &ExecutableDocument,
    limits: ShapeLimits,
) -> Result<(), ShapeExceeded> {
    let meter = ListMeter { limits };
    for (_, operation) in document.operations.iter() {
        let operation = &operation.node;
        for variable in &operation.variable_definitions {
            meter.directives(&variable.node.directives)?;
            if let Some(default) = &variable.node.default_value {
                meter.const_value(&default.node)?;
            }
        }
        meter.directives(&operation.directives)?;
        meter.selection_set(&operation.selection_set.node)?;
    }
    for fragment in document.fragments.values() {
        meter.directives(&fragment.node.directives)?;
        meter.selection_set(&fragment.node.selection_set.node)?;
    }
    Ok(())
}

struct ListMeter {
    limits: ShapeLimits,
}

impl ListMeter {
    fn selection_set(&self, set: &SelectionSet) -> Result<(), ShapeExceeded> {
        for item in &set.items {
            self.directives(item.node.directives())?;
            match &item.node {
                Selection::Field(field) => {
                    for (_, value) in &field.node.arguments {
                        self.value(&value.node)?;
                    }
                    self.selection_set(&field.node.selection_set.node)?;
                }
                Selection::InlineFragment(fragment) => {
                    self.selection_set(&fragment.node.selection_set.node)?;
                }
                Selection::FragmentSpread(_) => {}
            }
        }
        Ok(())
    }

    fn directives(&self, directives: &[Positioned<Directive>]) -> Result<(), ShapeExceeded> {
        for directive in directives {
            let name = directive.node.name.node.as_str();
            for (argument, value) in &directive.node.arguments {
                self.value(&value.node)?;
                if matches!(name, "skip" | "include") && argument.node == "if" {
                    check_condition(name, &value.node)?;
                }
            }
        }
        Ok(())
    }

    fn count(&self, count: usize) -> Result<(), ShapeExceeded> {
        if count > self.limits.list_items {
            return Err(ShapeExceeded::ListItems {
                what: "document",
                count,
                limit: self.limits.list_items,
            });
        }
        Ok(())
    }

    fn value(&self, value: &Value) -> Result<(), ShapeExceeded> {
        match value {
            Value::List(items) => {
                self.count(items.len())?;
                items.iter().try_for_each(|item| self.value(item))
            }
            Value::Object(fields) => fields.values().try_for_each(|field| self.value(field)),
            _ => Ok(()),
        }
    }

    fn const_value(&self, value: &ConstValue) -> Result<(), ShapeExceeded> {
        match value {
            ConstValue::List(items) => {
                self.count(items.len())?;
                items.iter().try_for_each(|item| self.const_value(item))
            }
            ConstValue::Object(fields) => fields
                .values()
                .try_for_each(|field| self.const_value(field)),
            _ => Ok(()),
        }
    }
}

/// `if:` of `@skip`/`@include` must be a Boolean literal or a variable (whose type
/// validation checks).
fn check_condition(directive: &str, value: &Value) -> Result<(), ShapeExceeded> {
    let found = match value {
        Value::Boolean(_) | Value::Variable(_) => return Ok(()),
        Value::List(_) => "a list",
        Value::Object(_) => "an object",
        Value::Null => "null",
        Value::Number(_) => "a number",
        Value::String(_) | Value::Binary(_) => "a string",
        Value::Enum(_) => "an enum value",
    };
    Err(ShapeExceeded::Condition {
        directive: directive.to_owned(),
        found,
    })
}

/// Checks the nesting and lists of a request's `variables` without recursion.
pub fn check_variables<'a>(
    variables: impl IntoIterator<Item = &'a Json>,
    limits: ShapeLimits,
) -> Result<(), ShapeExceeded> {
    // The variables object itself is level 0; each value inside it starts at level 1.
    let mut pending: Vec<(&Json, usize)> = variables.into_iter().map(|v| (v, 1)).collect();
    while let Some((value, depth)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &Json>> = match value {
            Json::Array(items) => {
                if items.len() > limits.list_items {
                    return Err(ShapeExceeded::ListItems {
                        what: "variables",
                        count: items.len(),
                        limit: limits.list_items,
                    });
                }
                Box::new(items.iter())
            }
            Json::Object(fields) => Box::new(fields.values()),
            _ => continue,
        };
        if depth > limits.nesting {
            return Err(ShapeExceeded::Nesting {
                what: "variables",
                limit: limits.nesting,
            });
        }
        pending.extend(children.map(|child| (child, depth + 1)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ShapeLimits = ShapeLimits {
        nesting: 4,
        list_items: 3,
    };

    fn nested(levels: usize) -> String {
        format!("{{ a(w: {}1{}) }}", "[".repeat(levels), "]".repeat(levels))
    }

    #[test]
    fn text_nesting_counts_every_bracket_kind() {
        // `{`, `(` and the lists: 2 + levels.
        assert!(check_text(&nested(2), LIMITS).is_ok());
        assert_eq!(
            check_text(&nested(3), LIMITS),
            Err(ShapeExceeded::Nesting {
                what: "document",
                limit: 4
            })
        );
    }

    #[test]
    fn brackets_in_strings_block_strings_and_comments_do_not_count() {
        let text = "{ a(s: \"[[[[[\\\"[[[\", b: \"\"\"{{{{{ \\\"\"\" [[[[\"\"\") # ((((((\n }";
        assert!(check_text(text, LIMITS).is_ok());
    }

    #[test]
    fn an_unterminated_string_ends_the_scan_without_panicking() {
        assert!(check_text("{ a(s: \"[[[[[[", LIMITS).is_ok());
        assert!(check_text("{ a(s: \"\"\"[[[[[[ \\", LIMITS).is_ok());
        assert!(check_text("\"\\", LIMITS).is_ok());
    }

    #[test]
    fn long_lists_in_arguments_directives_and_defaults_are_refused() {
        let refused = |query: &str| {
            let document = async_graphql::parser::parse_query(query).expect("valid GraphQL");
            matches!(
                check_document(&document, LIMITS),
                Err(ShapeExceeded::ListItems { count: 4, .. })
            )
        };
        assert!(refused("{ a(x: {y: [1, 2, 3, 4]}) }"));
        assert!(refused("{ a @d(if: [1, 2, 3, 4]) }"));
        assert!(refused("query ($v: [Int] = [1, 2, 3, 4]) { a }"));
        assert!(refused(
            "{ ...F } fragment F on Q { b { c(x: [1, 2, 3, 4]) } }"
        ));
        assert!(!refused("{ a(x: [1, 2, 3]) }"));
    }

    #[test]
    fn skip_and_include_take_only_booleans_or_variables() {
        let check = |query: &str| {
            let document = async_graphql::parser::parse_query(query).expect("valid GraphQL");
            check_document(&document, LIMITS)
        };
        assert!(check("query ($v: Boolean!) { a @skip(if: $v) b @include(if: true) }").is_ok());
        for bad in ["[true]", "\"true\"", "1", "null", "{a: true}", "TRUE"] {
            let query = format!("{{ a @skip(if: {bad}) }}");
            assert!(
                matches!(check(&query), Err(ShapeExceeded::Condition { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            check("{ ...F } fragment F on Q { a @include(if: [false]) }"),
            Err(ShapeExceeded::Condition { .. })
        ));
    }

    #[test]
    fn variables_are_measured_without_recursion() {
        let deep: Json = (0..100_000).fold(Json::Null, |inner, _| Json::Array(vec![inner]));
        assert!(matches!(
            check_variables([&deep], LIMITS),
            Err(ShapeExceeded::Nesting { .. })
        ));
        let wide = Json::Array(vec![Json::Null; 4]);
        assert!(matches!(
            check_variables([&wide], LIMITS),
            Err(ShapeExceeded::ListItems { count: 4, .. })
        ));
        let fine = serde_json::json!({"a": [[1, 2, 3]]});
        assert!(check_variables([&fine], LIMITS).is_ok());
        // Dropping a deep value recurses in serde_json; keep the test from doing that.
        std::mem::forget(deep);
    }
}
