//! The RFC 7644 §3.4.2.2 filter grammar and PATCH paths, parsed into an AST.
//!
//! The AST knows nothing of HTTP or of our tables: [`super::query`] resolves its attribute
//! paths against the schemas and hands the domain a typed filter to compile into SQL.
//! Keywords, operators and attribute names are case-insensitive; `not` binds tighter than
//! `and`, which binds tighter than `or`.

use std::fmt;

use crate::query::filter::{FilterLimits, FilterRefusal, check_text};

/// Deepest allowed nesting of parentheses, `not` and value paths.
const MAX_DEPTH: usize = 32;

/// An attribute reference: `[urn:…:]name[.sub]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    /// The schema URN, when the name was qualified with one.
    pub urn: Option<String>,
    /// The attribute name, as written.
    pub name: String,
    /// The sub-attribute name, as written.
    pub sub: Option<String>,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    /// `eq`
    Eq,
    /// `ne`
    Ne,
    /// `co`
    Co,
    /// `sw`
    Sw,
    /// `ew`
    Ew,
    /// `gt`
    Gt,
    /// `ge`
    Ge,
    /// `lt`
    Lt,
    /// `le`
    Le,
}

/// A literal on the right of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    /// A JSON string.
    Str(String),
    /// A JSON number.
    Num(serde_json::Number),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterExpr {
    /// `a and b`
    And(Box<FilterExpr>, Box<FilterExpr>),
    /// `a or b`
    Or(Box<FilterExpr>, Box<FilterExpr>),
    /// `not (a)`
    Not(Box<FilterExpr>),
    /// `attr pr`
    Present(AttrPath),
    /// `attr op value`
    Compare(AttrPath, CompareOp, CompValue),
    /// `attr[filter]`: some value of a multi-valued attribute matches the inner filter,
    /// whose paths are relative to that value.
    ValuePath(AttrPath, Box<FilterExpr>),
}

/// A PATCH `path`: `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    /// The attribute (with its sub-attribute when there is no filter).
    pub attr: AttrPath,
    /// The value filter, if any.
    pub filter: Option<FilterExpr>,
    /// The sub-attribute after a value filter.
    pub sub: Option<String>,
}

/// Why a filter or path could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseError {}

fn err<T>(message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(message.into()))
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Str(String),
    Word(String),
}

fn tokenize(input: &str) -> Result<Vec<Token>, ParseError> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '[' | ']' => {
                chars.next();
                tokens.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    '[' => Token::OpenBracket,
                    _ => Token::CloseBracket,
                });
            }
            '"' => {
                chars.next();
                let mut end = None;
                let mut escaped = false;
                for (i, c) in chars.by_ref() {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => {
                            end = Some(i);
                            break;
                        }
                        _ => {}
                    }
                }
                let Some(end) = end else {
                    return err("unterminated string");
                };
                match serde_json::from_str::<String>(&input[start..=end]) {
                    Ok(text) => tokens.push(Token::Str(text)),
                    Err(_) => return err("invalid string escape"),
                }
            }
            _ => {
                let mut word = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '"') {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

/// Most conditions in a PATCH path's value filter (`members[value eq "…" or …]`).
pub const PATH_TERM_LIMIT: usize = 32;

/// Checks a filter's size before it is parsed: the parser builds one tree node per condition,
/// and everything after it recurses over that tree. Counts comparisons, `and`, `or` and `not`
/// against `limits.terms` and checks every string literal; a syntax error is left for the
/// parser to report.
pub fn check_size(input: &str, limits: &FilterLimits) -> Result<(), FilterRefusal> {
    let Ok(tokens) = tokenize(input) else {
        return Ok(());
    };
    let mut terms = 0usize;
    for token in &tokens {
        match token {
            Token::Word(word)
                if operator(word).is_some()
                    || ["and", "or", "not"]
                        .iter()
                        .any(|keyword| word.eq_ignore_ascii_case(keyword)) =>
            {
                terms += 1;
            }
            Token::Str(text) => check_text(text)?,
            _ => {}
        }
        if terms > limits.terms {
            return Err(FilterRefusal::Terms {
                limit: limits.terms,
            });
        }
    }
    Ok(())
}

/// Parses a filter such as `userName eq "bjensen" and not (emails[type eq "work"] pr)`.
pub fn parse_filter(input: &str) -> Result<FilterExpr, ParseError> {
    let mut parser = Parser {
        tokens: tokenize(input)?,
        pos: 0,
        in_value: false,
    };
    let expr = parser.or(0)?;
    match parser.peek() {
        None => Ok(expr),
        Some(token) => err(format!("unexpected {}", describe(token))),
    }
}

/// Parses a PATCH path such as `emails[type eq "work"].value` or
/// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`.
pub fn parse_path(input: &str) -> Result<PatchPath, ParseError> {
    let limits = FilterLimits {
        terms: PATH_TERM_LIMIT,
        values: PATH_TERM_LIMIT,
        sort_keys: 0,
    };
    check_size(input, &limits).map_err(|refusal| ParseError(refusal.to_string()))?;
    let tokens = tokenize(input)?;
    let mut parser = Parser {
        tokens,
        pos: 0,
        in_value: true,
    };
    let Some(Token::Word(word)) = parser.next() else {
        return err("a path starts with an attribute name");
    };
    let attr = attr_path(&word)?;
    if parser.peek().is_none() {
        return Ok(PatchPath {
            attr,
            filter: None,
            sub: None,
        });
    }
    if attr.sub.is_some() || parser.next() != Some(Token::OpenBracket) {
        return err("unexpected text after the attribute");
    }
    let filter = parser.or(1)?;
    if parser.next() != Some(Token::CloseBracket) {
        return err("missing ]");
    }
    let sub = match parser.next() {
        None => None,
        Some(Token::Word(rest)) => match rest.strip_prefix('.') {
            Some(sub) if is_attr_name(sub) => Some(sub.to_owned()),
            _ => return err(format!("invalid sub-attribute {rest:?}")),
        },
        Some(token) => return err(format!("unexpected {}", describe(&token))),
    };
    if parser.peek().is_some() {
        return err("unexpected text after the path");
    }
    Ok(PatchPath {
        attr,
        filter: Some(filter),
        sub,
    })
}

fn describe(token: &Token) -> String {
    match token {
        Token::Open => "(".to_owned(),
        Token::Close => ")".to_owned(),
        Token::OpenBracket => "[".to_owned(),
        Token::CloseBracket => "]".to_owned(),
        Token::Str(s) => format!("string {s:?}"),
        Token::Word(w) => format!("{w:?}"),
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Inside `[…]`: another value filter may not start.
    in_value: bool,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        token
    }

    fn peek_keyword(&self, keyword: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(keyword))
    }

    fn or(&mut self, depth: usize) -> Result<FilterExpr, ParseError> {
        let mut left = self.and(depth)?;
        while self.peek_keyword("or") {
            self.pos += 1;
            let right = self.and(depth)?;
            left = FilterExpr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<FilterExpr, ParseError> {
        let mut left = self.unary(depth)?;
        while self.peek_keyword("and") {
            self.pos += 1;
            let right = self.unary(depth)?;
            left = FilterExpr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self, depth: usize) -> Result<FilterExpr, ParseError> {
        if depth > MAX_DEPTH {
            return err("the filter is nested too deeply");
        }
        if self.peek_keyword("not") && self.tokens.get(self.pos + 1) == Some(&Token::Open) {
            self.pos += 2;
            let inner = self.or(depth + 1)?;
            self.expect_close()?;
            return Ok(FilterExpr::Not(Box::new(inner)));
        }
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or(depth + 1)?;
                self.expect_close()?;
                Ok(inner)
            }
            Some(Token::Word(word)) => self.attribute_expression(&word, depth),
            Some(token) => err(format!("expected an attribute, found {}", describe(&token))),
            None => err("the filter ends too early"),
        }
    }

    fn expect_close(&mut self) -> Result<(), ParseError> {
        match self.next() {
            Some(Token::Close) => Ok(()),
            _ => err("missing )"),
        }
    }

    fn attribute_expression(&mut self, word: &str, depth: usize) -> Result<FilterExpr, ParseError> {
        let path = attr_path(word)?;
        if self.peek() == Some(&Token::OpenBracket) {
            if self.in_value || path.sub.is_some() {
                return err("value filters cannot nest or follow a sub-attribute");
            }
            self.pos += 1;
            self.in_value = true;
            let inner = self.or(depth + 1);
            self.in_value = false;
            let inner = inner?;
            if self.next() != Some(Token::CloseBracket) {
                return err("missing ]");
            }
            return Ok(FilterExpr::ValuePath(path, Box::new(inner)));
        }
        let Some(Token::Word(op)) = self.next() else {
            return err(format!("expected an operator after {word:?}"));
        };
        let op = match operator(&op) {
            Some(Operator::Present) => return Ok(FilterExpr::Present(path)),
            Some(Operator::Compare(op)) => op,
            None => return err(format!("unknown operator {op:?}")),
        };
        let value = match self.next() {
            Some(Token::Str(s)) => CompValue::Str(s),
            Some(Token::Word(w)) => literal(&w)?,
            _ => return err("expected a value after the operator"),
        };
        Ok(FilterExpr::Compare(path, op, value))
    }
}

/// An attribute operator: `pr` or a comparison.
enum Operator {
    Present,
    Compare(CompareOp),
}

/// The operator `word` names, in any case.
fn operator(word: &str) -> Option<Operator> {
    Some(Operator::Compare(
        match word.to_ascii_lowercase().as_str() {
            "pr" => return Some(Operator::Present),
            "eq" => CompareOp::Eq,
            "ne" => CompareOp::Ne,
            "co" => CompareOp::Co,
            "sw" => CompareOp::Sw,
            "ew" => CompareOp::Ew,
            "gt" => CompareOp::Gt,
            "ge" => CompareOp::Ge,
            "lt" => CompareOp::Lt,
            "le" => CompareOp::Le,
            _ => return None,
        },
    ))
}

fn literal(word: &str) -> Result<CompValue, ParseError> {
    match word.to_ascii_lowercase().as_str() {
        "true" => return Ok(CompValue::Bool(true)),
        "false" => return Ok(CompValue::Bool(false)),
        "null" => return Ok(CompValue::Null),
        _ => {}
    }
    match serde_json::from_str::<serde_json::Value>(word) {
        Ok(serde_json::Value::Number(n)) => Ok(CompValue::Num(n)),
        _ => err(format!("invalid value {word:?}")),
    }
}

fn is_attr_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '$' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }
        _ => false,
    }
}

/// Splits `[urn:…:]name[.sub]`.
pub fn attr_path(word: &str) -> Result<AttrPath, ParseError> {
    let is_urn = word
        .get(..4)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("urn:"));
    let (urn, rest) = if is_urn && word.len() > 4 {
        match word.rfind(':') {
            Some(i) => (Some(word[..i].to_owned()), &word[i + 1..]),
            None => (None, word),
        }
    } else {
        (None, word)
    };
    let (name, sub) = match rest.split_once('.') {
        Some((name, sub)) => (name, Some(sub)),
        None => (rest, None),
    };
    if !is_attr_name(name) || sub.is_some_and(|s| !is_attr_name(s)) {
        return err(format!("invalid attribute name {word:?}"));
    }
    Ok(AttrPath {
        urn,
        name: name.to_owned(),
        sub: sub.map(str::to_owned),
    })
}

#[cfg(test)]
#[path = "filter_tests.rs"]
mod tests;
