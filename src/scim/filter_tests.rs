use proptest::prelude::*;

use super::*;

fn path(name: &str) -> AttrPath {
    attr_path(name).unwrap()
}

fn cmp(name: &str, op: CompareOp, value: &str) -> FilterExpr {
    FilterExpr::Compare(path(name), op, CompValue::Str(value.to_owned()))
}

fn and(a: FilterExpr, b: FilterExpr) -> FilterExpr {
    FilterExpr::And(Box::new(a), Box::new(b))
}

fn or(a: FilterExpr, b: FilterExpr) -> FilterExpr {
    FilterExpr::Or(Box::new(a), Box::new(b))
}

fn not(a: FilterExpr) -> FilterExpr {
    FilterExpr::Not(Box::new(a))
}

#[test]
fn every_comparison_operator_parses_case_insensitively() {
    let ops = [
        ("eq", CompareOp::Eq),
        ("NE", CompareOp::Ne),
        ("co", CompareOp::Co),
        ("Sw", CompareOp::Sw),
        ("ew", CompareOp::Ew),
        ("gt", CompareOp::Gt),
        ("ge", CompareOp::Ge),
        ("lt", CompareOp::Lt),
        ("le", CompareOp::Le),
    ];
    for (text, op) in ops {
        assert_eq!(
            parse_filter(&format!("userName {text} \"x\"")).unwrap(),
            cmp("userName", op, "x")
        );
    }
}

#[test]
fn present_and_literals_parse() {
    assert_eq!(
        parse_filter("title pr").unwrap(),
        FilterExpr::Present(path("title"))
    );
    assert_eq!(
        parse_filter("active eq true").unwrap(),
        FilterExpr::Compare(path("active"), CompareOp::Eq, CompValue::Bool(true))
    );
    assert_eq!(
        parse_filter("x eq null").unwrap(),
        FilterExpr::Compare(path("x"), CompareOp::Eq, CompValue::Null)
    );
    assert!(matches!(
        parse_filter("age gt 42").unwrap(),
        FilterExpr::Compare(_, CompareOp::Gt, CompValue::Num(_))
    ));
}

#[test]
fn strings_keep_escapes_and_spaces() {
    assert_eq!(
        parse_filter(r#"displayName eq "Ann \"A\" Lee""#).unwrap(),
        cmp("displayName", CompareOp::Eq, "Ann \"A\" Lee")
    );
}

#[test]
fn and_binds_tighter_than_or() {
    let a = cmp("a", CompareOp::Eq, "1");
    let b = cmp("b", CompareOp::Eq, "2");
    let c = cmp("c", CompareOp::Eq, "3");
    assert_eq!(
        parse_filter(r#"a eq "1" or b eq "2" and c eq "3""#).unwrap(),
        or(a.clone(), and(b.clone(), c.clone()))
    );
    assert_eq!(
        parse_filter(r#"a eq "1" and b eq "2" or c eq "3""#).unwrap(),
        or(and(a, b), c)
    );
}

#[test]
fn not_binds_tighter_than_and() {
    let a = cmp("a", CompareOp::Eq, "1");
    let b = cmp("b", CompareOp::Eq, "2");
    assert_eq!(
        parse_filter(r#"not (a eq "1") and b eq "2""#).unwrap(),
        and(not(a.clone()), b.clone())
    );
    assert_eq!(
        parse_filter(r#"NOT(a eq "1" or b eq "2")"#).unwrap(),
        not(or(a, b))
    );
}

#[test]
fn parentheses_group() {
    let a = cmp("a", CompareOp::Eq, "1");
    let b = cmp("b", CompareOp::Eq, "2");
    let c = cmp("c", CompareOp::Eq, "3");
    assert_eq!(
        parse_filter(r#"(a eq "1" or b eq "2") and c eq "3""#).unwrap(),
        and(or(a, b), c)
    );
}

#[test]
fn value_paths_hold_a_relative_filter() {
    let parsed = parse_filter(r#"emails[type eq "work" and value co "@x.com"]"#).unwrap();
    assert_eq!(
        parsed,
        FilterExpr::ValuePath(
            path("emails"),
            Box::new(and(
                cmp("type", CompareOp::Eq, "work"),
                cmp("value", CompareOp::Co, "@x.com")
            ))
        )
    );
    assert!(parse_filter(r#"emails[type eq "a" and x[y eq "b"]]"#).is_err());
}

#[test]
fn sub_attributes_and_extension_urns_split() {
    assert_eq!(
        path("name.familyName"),
        AttrPath {
            urn: None,
            name: "name".to_owned(),
            sub: Some("familyName".to_owned())
        }
    );
    assert_eq!(
        path("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"),
        AttrPath {
            urn: Some("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User".to_owned()),
            name: "manager".to_owned(),
            sub: Some("value".to_owned())
        }
    );
    assert_eq!(
        parse_filter(r#"meta.lastModified gt "2024-01-01T00:00:00Z""#).unwrap(),
        cmp("meta.lastModified", CompareOp::Gt, "2024-01-01T00:00:00Z")
    );
}

#[test]
fn patch_paths_parse() {
    let p = parse_path(r#"emails[type eq "work"].Value"#).unwrap();
    assert_eq!(p.attr, path("emails"));
    assert_eq!(p.filter, Some(cmp("type", CompareOp::Eq, "work")));
    assert_eq!(p.sub.as_deref(), Some("Value"));
    let p = parse_path(r#"members[value eq "abc"]"#).unwrap();
    assert_eq!(p.filter, Some(cmp("value", CompareOp::Eq, "abc")));
    assert_eq!(
        parse_path("name.givenName").unwrap().attr,
        path("name.givenName")
    );
    assert!(parse_path("").is_err());
    assert!(parse_path("emails[type eq \"w\"] x").is_err());
}

#[test]
fn malformed_filters_are_errors() {
    for bad in [
        "",
        "userName",
        "userName eq",
        "userName zz \"x\"",
        "userName eq \"x",
        "(userName eq \"x\"",
        "userName eq \"x\")",
        "userName eq \"x\" and",
        "emails[type eq \"w\"",
        "1abc eq \"x\"",
        "userName eq bare",
        "not userName eq \"x\"",
    ] {
        assert!(parse_filter(bad).is_err(), "{bad:?} parsed");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!("{}a pr{}", "(".repeat(10_000), ")".repeat(10_000));
    assert!(parse_filter(&deep).is_err());
}

proptest! {
    #[test]
    fn the_parser_never_panics(input in ".{0,200}") {
        let _ = parse_filter(&input);
        let _ = parse_path(&input);
    }

    #[test]
    fn filter_like_strings_never_panic(
        input in r#"(\(|\)|\[|\]|"|not|and|or|eq|pr|[a-z.:]{1,8}|[0-9]+| |\\){0,40}"#
    ) {
        let _ = parse_filter(&input);
        let _ = parse_path(&input);
    }
}
