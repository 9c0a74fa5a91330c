//! Differential test of the read engine: random objectives, key results and links, random
//! `where`/`orderBy` trees, and the server's answer compared with the same query evaluated in
//! plain Rust over the rows that were inserted.
//!
//! Everything is driven by a small deterministic generator, so a failure names its seed and
//! query number, and the panic message carries the query, its variables, both id lists and a
//! dump of the data.

use std::cmp::Ordering;
use std::fmt::Write as _;

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, TimeZone, Utc};
use serde_json::{Map, Value, json};

use crate::factories;
use crate::helpers::TestApp;

/// Parts per billion in 1.
const SCALE: i64 = 1_000_000_000;
/// Random queries per seed.
const QUERIES: usize = 100;
/// Objectives per seed (some in a deleted OKR).
const OBJECTIVES: usize = 28;

const QUERY: &str = "query Objectives($where: ObjectiveWhere, $orderBy: [ObjectiveOrderBy!], \
    $first: Int, $after: String, $last: Int, $before: String) {
  objectives(where: $where, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    nodes { id cancelled midScore finalScore }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  }
}";

const COUNT_QUERY: &str = "query Objectives($where: ObjectiveWhere, $orderBy: [ObjectiveOrderBy!], \
    $first: Int, $after: String, $last: Int, $before: String) {
  objectives(where: $where, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    nodes { id cancelled midScore finalScore }
    pageInfo { startCursor endCursor hasNextPage hasPreviousPage }
  }
}";

backend_test! {
    async fn seed_1(app) {
        differential(app, 0x5eed_0001).await;
    }
}

backend_test! {
    async fn seed_2(app) {
        differential(app, 0x5eed_0002).await;
    }
}

backend_test! {
    async fn seed_3(app) {
        differential(app, 0x5eed_0003).await;
    }
}

backend_test! {
    async fn seed_4(app) {
        differential(app, 0x5eed_0004).await;
    }
}

// `like` documents `%` and `_` as its only metacharacters, so a backslash in a pattern is a
// literal character, as it is on SQLite. (PostgreSQL's `LIKE` without `ESCAPE` treats `\` as an
// escape: there `a\b` matches `ab`, and a pattern ending in `\` is an error.)
backend_test! {
    async fn like_backslash_is_literal(app) {
        let db = &app.db;
        let owner = factories::user(db).await;
        let cycle = factories::cycle(db, &owner.id).await;
        let okr = factories::okr(db, cycle.id, Some(&owner.id), None, false)
            .await
            .unwrap();
        let mut ids = Vec::new();
        for content in ["a\\b", "ab", "a\\"] {
            let row = factories::objective_with(db, okr.id, content, None, false).await;
            ids.push(row.id);
        }
        let token = app.token_for(&owner.id);
        let query = "query($where: ObjectiveWhere) { objectives(where: $where) { nodes { id } } }";
        let cases = [
            ("a\\b", vec![ids[0]]),
            ("a\\", vec![ids[2]]),
            ("a\\%", vec![ids[0], ids[2]]),
        ];
        let mut failures = Vec::new();
        for (pattern, expected) in cases {
            let variables = json!({ "where": { "content": { "like": pattern } } });
            let (status, body) = app.graphql(query, variables, Some(&token)).await;
            let actual: Option<Vec<i64>> = body["data"]["objectives"]["nodes"]
                .as_array()
                .map(|nodes| {
                    nodes
                        .iter()
                        .map(|n| n["id"].as_str().unwrap().parse().unwrap())
                        .collect()
                });
            if status != 200 || actual.as_ref() != Some(&expected) {
                failures.push(format!(
                    "like {pattern:?}: expected ids {expected:?}, got status {status}, body {body}"
                ));
            }
        }
        assert!(
            failures.is_empty(),
            "on {:?}, with contents a\\b (id {}), ab (id {}) and a\\ (id {}):\n{}",
            app.backend,
            ids[0],
            ids[1],
            ids[2],
            failures.join("\n"),
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness.

/// splitmix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `n` distinct items of `items`, in random order.
    fn distinct<T: Copy>(&mut self, items: &[T], n: usize) -> Vec<T> {
        let mut left = items.to_vec();
        let mut chosen = Vec::new();
        while chosen.len() < n && !left.is_empty() {
            chosen.push(left.swap_remove(self.below(left.len())));
        }
        chosen
    }
}

// ---------------------------------------------------------------------------------------------
// The model: exactly what was inserted.

#[derive(Debug)]
struct Kr {
    id: i64,
    content: String,
    mid: i64,
    fin: i64,
    cancelled_at: Option<DateTime<Utc>>,
    deleted: bool,
}

#[derive(Debug)]
struct Obj {
    id: i64,
    okr_id: i64,
    okr_live: bool,
    content: String,
    cancelled_at: Option<DateTime<Utc>>,
    deleted: bool,
    krs: Vec<Kr>,
}

#[derive(Debug)]
struct Link {
    source: i64,
    target: i64,
    deleted: bool,
}

struct Model {
    owner: String,
    objectives: Vec<Obj>,
    links: Vec<Link>,
    okrs: Vec<i64>,
}

/// Characters of generated text: both cases, LIKE metacharacters, a space, non-ASCII letters
/// and a backslash (literal everywhere; see `like_backslash_is_literal` for `like`).
const ALPHABET: [char; 10] = ['a', 'b', 'A', 'B', '%', '_', ' ', 'é', 'É', '\\'];

fn random_text(rng: &mut Rng, max: i64) -> String {
    (0..rng.range(0, max))
        .map(|_| *rng.pick(&ALPHABET))
        .collect()
}

/// A score: mostly multiples of 0.05, sometimes any number of parts per billion.
fn random_score(rng: &mut Rng) -> i64 {
    if rng.chance(70) {
        rng.range(0, 20) * 50_000_000
    } else {
        rng.range(0, SCALE)
    }
}

fn base_instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap()
}

/// An instant near the base: whole seconds, milliseconds or microseconds.
fn random_instant(rng: &mut Rng) -> DateTime<Utc> {
    let seconds = base_instant() + Duration::seconds(rng.range(0, 40));
    match rng.below(3) {
        0 => seconds,
        1 => seconds + Duration::milliseconds(rng.range(0, 999)),
        _ => seconds + Duration::microseconds(rng.range(0, 999_999)),
    }
}

impl Model {
    /// Inserts random rows through the factories and remembers them.
    async fn build(app: &TestApp, rng: &mut Rng) -> Self {
        let db = &app.db;
        let owner = factories::user(db).await;
        let other = factories::user(db).await;
        let cycle = factories::cycle(db, &owner.id).await;
        let live_okr = factories::okr(db, cycle.id, Some(&owner.id), None, false)
            .await
            .unwrap();
        let dead_okr = factories::okr(db, cycle.id, Some(&other.id), None, true)
            .await
            .unwrap();
        let mut instants: Vec<DateTime<Utc>> = Vec::new();
        let mut cancelled_at = |rng: &mut Rng, percent: u64| {
            if !rng.chance(percent) {
                return None;
            }
            let instant = if !instants.is_empty() && rng.chance(20) {
                *rng.pick(&instants)
            } else {
                random_instant(rng)
            };
            instants.push(instant);
            Some(instant)
        };
        let mut objectives = Vec::new();
        for _ in 0..OBJECTIVES {
            let okr_live = !rng.chance(12);
            let okr_id = if okr_live { live_okr.id } else { dead_okr.id };
            let content = random_text(rng, 6);
            let cancelled = cancelled_at(rng, 30);
            let deleted = rng.chance(12);
            let row = factories::objective_with(db, okr_id, &content, cancelled, deleted).await;
            let mut krs = Vec::new();
            for _ in 0..rng.range(0, 5) {
                let content = random_text(rng, 5);
                let scores = [random_score(rng), random_score(rng)];
                let cancelled = cancelled_at(rng, 20);
                let deleted = rng.chance(12);
                let kr =
                    factories::key_result_with(db, row.id, &content, scores, cancelled, deleted)
                        .await;
                krs.push(Kr {
                    id: kr.id,
                    content,
                    mid: scores[0],
                    fin: scores[1],
                    cancelled_at: cancelled,
                    deleted,
                });
            }
            objectives.push(Obj {
                id: row.id,
                okr_id,
                okr_live,
                content,
                cancelled_at: cancelled,
                deleted,
                krs,
            });
        }
        let mut links: Vec<Link> = Vec::new();
        for _ in 0..24 {
            let source = objectives[rng.below(objectives.len())].id;
            let target = objectives[rng.below(objectives.len())].id;
            let deleted = rng.chance(25);
            let taken = links
                .iter()
                .any(|l| !l.deleted && l.source == source && l.target == target);
            if source == target || (taken && !deleted) {
                continue;
            }
            factories::link(db, source, target, deleted).await.unwrap();
            links.push(Link {
                source,
                target,
                deleted,
            });
        }
        Self {
            owner: owner.id,
            objectives,
            links,
            okrs: vec![live_okr.id, dead_okr.id],
        }
    }

    fn get(&self, id: i64) -> Option<&Obj> {
        self.objectives.iter().find(|o| o.id == id)
    }

    /// Not deleted and in a live OKR.
    fn live(o: &Obj) -> bool {
        !o.deleted && o.okr_live
    }

    fn live_krs(o: &Obj) -> Vec<&Kr> {
        o.krs.iter().filter(|k| !k.deleted).collect()
    }

    /// The mean of the live, uncancelled key results' scores, rounded half-up to hundredths,
    /// in parts per billion; 0 when there are none.
    fn score(o: &Obj, final_score: bool) -> i64 {
        let scores: Vec<i64> = o
            .krs
            .iter()
            .filter(|k| !k.deleted && k.cancelled_at.is_none())
            .map(|k| if final_score { k.fin } else { k.mid })
            .collect();
        if scores.is_empty() {
            return 0;
        }
        let sum = i128::from(scores.iter().sum::<i64>());
        let n = scores.len() as i128;
        let scale = i128::from(SCALE);
        // floor(mean · 100 + ½) with mean = sum / (n · SCALE).
        let hundredths = (100 * sum * 2 + n * scale) / (2 * n * scale);
        i64::try_from(hundredths).unwrap() * (SCALE / 100)
    }

    /// Live objectives that `o` contributes to (`forward`) or that contribute to `o`, over live links.
    fn linked(&self, o: &Obj, forward: bool) -> Vec<&Obj> {
        self.links
            .iter()
            .filter(|l| !l.deleted)
            .filter_map(|l| {
                let (from, to) = if forward {
                    (l.source, l.target)
                } else {
                    (l.target, l.source)
                };
                (from == o.id).then_some(to)
            })
            .filter_map(|id| self.get(id))
            .filter(|t| Self::live(t))
            .collect()
    }

    /// The ids the server should answer, in order.
    fn evaluate(&self, filter: Option<&OWhere>, order: &[SortKey]) -> Vec<i64> {
        let mut rows: Vec<&Obj> = self
            .objectives
            .iter()
            .filter(|o| Self::live(o))
            .filter(|o| filter.is_none_or(|f| f.eval(self, o)))
            .collect();
        let default = [SortKey {
            field: SortField::CancelledAt,
            order: SortOrder::DescNullsFirst,
        }];
        let keys = if order.is_empty() {
            &default[..]
        } else {
            order
        };
        rows.sort_by(|a, b| {
            keys.iter()
                .fold(Ordering::Equal, |acc, key| {
                    acc.then_with(|| key.compare(a, b))
                })
                .then(a.id.cmp(&b.id))
        });
        rows.iter().map(|o| o.id).collect()
    }

    /// A readable dump of the data, for failure messages.
    fn describe(&self) -> String {
        let mut out = format!("OKRs (live, deleted): {:?}\n", self.okrs);
        for o in &self.objectives {
            let _ = writeln!(
                out,
                "objective {} okr={} okr_live={} deleted={} content={:?} cancelled_at={:?} \
                 mid={} final={}",
                o.id,
                o.okr_id,
                o.okr_live,
                o.deleted,
                o.content,
                o.cancelled_at.map(|t| t.to_rfc3339()),
                decimal(Self::score(o, false)),
                decimal(Self::score(o, true)),
            );
            for k in &o.krs {
                let _ = writeln!(
                    out,
                    "  key result {} deleted={} content={:?} mid={} final={} cancelled_at={:?}",
                    k.id,
                    k.deleted,
                    k.content,
                    decimal(k.mid),
                    decimal(k.fin),
                    k.cancelled_at.map(|t| t.to_rfc3339()),
                );
            }
        }
        for l in &self.links {
            let _ = writeln!(
                out,
                "link {} -> {} deleted={}",
                l.source, l.target, l.deleted
            );
        }
        out
    }
}

/// A score in parts per billion as a decimal string: `350000000` → `0.35`.
fn decimal(ppb: i64) -> String {
    let sign = if ppb < 0 { "-" } else { "" };
    let abs = ppb.unsigned_abs();
    let whole = abs / SCALE as u64;
    let frac = abs % SCALE as u64;
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let digits = format!("{frac:09}");
    format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
}

/// A decimal string as parts per billion (at most nine decimals).
fn parse_decimal(text: &str) -> i64 {
    let (negative, text) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    assert!(frac.len() <= 9, "more than nine decimals: {text}");
    let value =
        whole.parse::<i64>().unwrap() * SCALE + format!("{frac:0<9}").parse::<i64>().unwrap();
    if negative { -value } else { value }
}

// ---------------------------------------------------------------------------------------------
// Filters.

/// One operator of a scalar filter.
#[derive(Clone, Debug)]
enum Op<T> {
    Eq(T),
    Ne(T),
    In(Vec<T>),
    NotIn(Vec<T>),
    Lt(T),
    Lte(T),
    Gt(T),
    Gte(T),
    IsNull(bool),
    Contains(String),
    StartsWith(String),
    EndsWith(String),
    Like(String),
}

const EQ: usize = 0;
const NE: usize = 1;
const IN: usize = 2;
const NOT_IN: usize = 3;
const LT: usize = 4;
const LTE: usize = 5;
const GT: usize = 6;
const GTE: usize = 7;
const IS_NULL: usize = 8;
const CONTAINS: usize = 9;
const STARTS_WITH: usize = 10;
const ENDS_WITH: usize = 11;
const LIKE: usize = 12;

const ID_OPS: [usize; 5] = [EQ, NE, IN, NOT_IN, IS_NULL];
const ORDERED_OPS: [usize; 9] = [EQ, NE, IN, NOT_IN, LT, LTE, GT, GTE, IS_NULL];
const TEXT_OPS: [usize; 13] = [
    EQ,
    NE,
    IN,
    NOT_IN,
    LT,
    LTE,
    GT,
    GTE,
    IS_NULL,
    CONTAINS,
    STARTS_WITH,
    ENDS_WITH,
    LIKE,
];

impl<T: Ord> Op<T> {
    /// Whether a field with `value` (`None`: null) satisfies this operator; `text` reads a
    /// text value for the text-only operators.
    fn holds<'a>(&self, value: Option<&'a T>, text: impl Fn(&'a T) -> &'a str) -> bool {
        let Some(v) = value else {
            return match self {
                Op::IsNull(null) => *null,
                Op::Ne(_) | Op::NotIn(_) => true,
                _ => false,
            };
        };
        match self {
            Op::Eq(x) => v == x,
            Op::Ne(x) => v != x,
            Op::In(xs) => xs.contains(v),
            Op::NotIn(xs) => !xs.contains(v),
            Op::Lt(x) => v < x,
            Op::Lte(x) => v <= x,
            Op::Gt(x) => v > x,
            Op::Gte(x) => v >= x,
            Op::IsNull(null) => !*null,
            Op::Contains(s) => text(v).contains(s.as_str()),
            Op::StartsWith(s) => text(v).starts_with(s.as_str()),
            Op::EndsWith(s) => text(v).ends_with(s.as_str()),
            Op::Like(p) => {
                let text: Vec<char> = text(v).chars().collect();
                let pattern: Vec<char> = p.chars().collect();
                like(&text, &pattern)
            }
        }
    }

    fn map<U>(&self, f: impl Fn(&T) -> U, g: impl Fn(&str) -> String) -> Op<U> {
        match self {
            Op::Eq(x) => Op::Eq(f(x)),
            Op::Ne(x) => Op::Ne(f(x)),
            Op::In(xs) => Op::In(xs.iter().map(&f).collect()),
            Op::NotIn(xs) => Op::NotIn(xs.iter().map(&f).collect()),
            Op::Lt(x) => Op::Lt(f(x)),
            Op::Lte(x) => Op::Lte(f(x)),
            Op::Gt(x) => Op::Gt(f(x)),
            Op::Gte(x) => Op::Gte(f(x)),
            Op::IsNull(b) => Op::IsNull(*b),
            Op::Contains(s) => Op::Contains(g(s)),
            Op::StartsWith(s) => Op::StartsWith(g(s)),
            Op::EndsWith(s) => Op::EndsWith(g(s)),
            Op::Like(s) => Op::Like(g(s)),
        }
    }

    fn json(&self, render: impl Fn(&T) -> Value) -> (&'static str, Value) {
        match self {
            Op::Eq(x) => ("eq", render(x)),
            Op::Ne(x) => ("ne", render(x)),
            Op::In(xs) => ("in", Value::Array(xs.iter().map(&render).collect())),
            Op::NotIn(xs) => ("notIn", Value::Array(xs.iter().map(&render).collect())),
            Op::Lt(x) => ("lt", render(x)),
            Op::Lte(x) => ("lte", render(x)),
            Op::Gt(x) => ("gt", render(x)),
            Op::Gte(x) => ("gte", render(x)),
            Op::IsNull(b) => ("isNull", json!(b)),
            Op::Contains(s) => ("contains", json!(s)),
            Op::StartsWith(s) => ("startsWith", json!(s)),
            Op::EndsWith(s) => ("endsWith", json!(s)),
            Op::Like(s) => ("like", json!(s)),
        }
    }
}

/// SQL `LIKE` without an escape character: `%` any run, `_` one character, case-sensitive.
fn like(text: &[char], pattern: &[char]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some(('%', rest)) => (0..=text.len()).any(|i| like(&text[i..], rest)),
        Some(('_', rest)) => !text.is_empty() && like(&text[1..], rest),
        Some((c, rest)) => text.first() == Some(c) && like(&text[1..], rest),
    }
}

fn not_text<T>(_: &T) -> &str {
    unreachable!("text operators are only generated for text fields")
}

/// A scalar filter input: its operators are AND-ed.
#[derive(Clone, Debug)]
struct Scalar<T> {
    ops: Vec<Op<T>>,
}

impl<T: Ord> Scalar<T> {
    fn holds(&self, value: Option<&T>) -> bool {
        self.ops.iter().all(|op| op.holds(value, not_text))
    }

    fn json(&self, render: impl Fn(&T) -> Value) -> Value {
        Value::Object(
            self.ops
                .iter()
                .map(|op| op.json(&render))
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
        )
    }
}

/// A `StringFilter`: operators plus a match mode (`None`: omitted, i.e. sensitive).
#[derive(Clone, Debug)]
struct Text {
    ops: Vec<Op<String>>,
    insensitive: Option<bool>,
}

impl Text {
    fn holds(&self, value: Option<&String>) -> bool {
        if self.insensitive == Some(true) {
            let fold = |s: &str| s.to_ascii_lowercase();
            let value = value.map(|v| fold(v));
            self.ops.iter().all(|op| {
                op.map(|s| fold(s), fold)
                    .holds(value.as_ref(), String::as_str)
            })
        } else {
            self.ops.iter().all(|op| op.holds(value, String::as_str))
        }
    }

    fn json(&self) -> Value {
        let mut map: Map<String, Value> = self
            .ops
            .iter()
            .map(|op| op.json(|s| json!(s)))
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        if let Some(insensitive) = self.insensitive {
            let mode = if insensitive {
                "INSENSITIVE"
            } else {
                "SENSITIVE"
            };
            map.insert("mode".to_owned(), json!(mode));
        }
        Value::Object(map)
    }
}

/// A to-many relation filter.
#[derive(Clone, Debug)]
struct List<W> {
    some: Option<W>,
    every: Option<W>,
    none: Option<W>,
}

impl<W> List<W> {
    fn holds<T>(&self, items: &[T], matches: impl Fn(&W, &T) -> bool) -> bool {
        self.some
            .as_ref()
            .is_none_or(|w| items.iter().any(|t| matches(w, t)))
            && self
                .every
                .as_ref()
                .is_none_or(|w| items.iter().all(|t| matches(w, t)))
            && self
                .none
                .as_ref()
                .is_none_or(|w| !items.iter().any(|t| matches(w, t)))
    }

    fn json(&self, render: impl Fn(&W) -> Value) -> Value {
        let mut map = Map::new();
        for (key, w) in [
            ("some", &self.some),
            ("every", &self.every),
            ("none", &self.none),
        ] {
            if let Some(w) = w {
                map.insert(key.to_owned(), render(w));
            }
        }
        Value::Object(map)
    }
}

/// An `ObjectiveWhere`: its keys are AND-ed.
#[derive(Clone, Debug)]
struct OWhere(Vec<OPart>);

#[derive(Clone, Debug)]
enum OPart {
    Id(Scalar<i64>),
    Content(Text),
    Cancelled(bool),
    CancelledAt(Scalar<DateTime<Utc>>),
    MidScore(Scalar<i64>),
    FinalScore(Scalar<i64>),
    Okr(Scalar<i64>),
    KeyResults(List<KWhere>),
    ContributesTo(List<OWhere>),
    ContributedBy(List<OWhere>),
    And(Vec<OWhere>),
    Or(Vec<OWhere>),
    Not(Box<OWhere>),
}

/// A `KeyResultWhere`.
#[derive(Clone, Debug)]
struct KWhere(Vec<KPart>);

#[derive(Clone, Debug)]
enum KPart {
    Content(Text),
    Cancelled(bool),
    MidScore(Scalar<i64>),
    FinalScore(Scalar<i64>),
    And(Vec<KWhere>),
    Or(Vec<KWhere>),
    Not(Box<KWhere>),
}

fn render_id(id: &i64) -> Value {
    json!(id.to_string())
}

fn render_decimal(ppb: &i64) -> Value {
    json!(decimal(*ppb))
}

/// RFC 3339, in UTC or (for odd microseconds) with a +02:00 offset, which means the same instant.
fn render_instant(t: &DateTime<Utc>) -> Value {
    if t.timestamp_subsec_micros() % 2 == 1 {
        let offset = FixedOffset::east_opt(2 * 3600).unwrap();
        json!(
            t.with_timezone(&offset)
                .to_rfc3339_opts(SecondsFormat::AutoSi, false)
        )
    } else {
        json!(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

fn logic_json<W>(key: &str, items: &[W], render: impl Fn(&W) -> Value) -> (String, Value) {
    (
        key.to_owned(),
        Value::Array(items.iter().map(render).collect()),
    )
}

impl OWhere {
    fn eval(&self, m: &Model, o: &Obj) -> bool {
        self.0.iter().all(|part| match part {
            OPart::Id(f) => f.holds(Some(&o.id)),
            OPart::Content(f) => f.holds(Some(&o.content)),
            OPart::Cancelled(b) => o.cancelled_at.is_some() == *b,
            OPart::CancelledAt(f) => f.holds(o.cancelled_at.as_ref()),
            OPart::MidScore(f) => f.holds(Some(&Model::score(o, false))),
            OPart::FinalScore(f) => f.holds(Some(&Model::score(o, true))),
            OPart::Okr(f) => o.okr_live && f.holds(Some(&o.okr_id)),
            OPart::KeyResults(l) => l.holds(&Model::live_krs(o), |w, k| w.eval(k)),
            OPart::ContributesTo(l) => l.holds(&m.linked(o, true), |w, t| w.eval(m, t)),
            OPart::ContributedBy(l) => l.holds(&m.linked(o, false), |w, t| w.eval(m, t)),
            OPart::And(ws) => ws.iter().all(|w| w.eval(m, o)),
            OPart::Or(ws) => ws.iter().any(|w| w.eval(m, o)),
            OPart::Not(w) => !w.eval(m, o),
        })
    }

    fn json(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|part| match part {
                    OPart::Id(f) => ("id".to_owned(), f.json(render_id)),
                    OPart::Content(f) => ("content".to_owned(), f.json()),
                    OPart::Cancelled(b) => ("cancelled".to_owned(), json!(b)),
                    OPart::CancelledAt(f) => ("cancelledAt".to_owned(), f.json(render_instant)),
                    OPart::MidScore(f) => ("midScore".to_owned(), f.json(render_decimal)),
                    OPart::FinalScore(f) => ("finalScore".to_owned(), f.json(render_decimal)),
                    OPart::Okr(f) => ("okr".to_owned(), json!({ "id": f.json(render_id) })),
                    OPart::KeyResults(l) => ("keyResults".to_owned(), l.json(KWhere::json)),
                    OPart::ContributesTo(l) => ("contributesTo".to_owned(), l.json(Self::json)),
                    OPart::ContributedBy(l) => ("contributedBy".to_owned(), l.json(Self::json)),
                    OPart::And(ws) => logic_json("and", ws, Self::json),
                    OPart::Or(ws) => logic_json("or", ws, Self::json),
                    OPart::Not(w) => ("not".to_owned(), w.json()),
                })
                .collect(),
        )
    }
}

impl KWhere {
    fn eval(&self, k: &Kr) -> bool {
        self.0.iter().all(|part| match part {
            KPart::Content(f) => f.holds(Some(&k.content)),
            KPart::Cancelled(b) => k.cancelled_at.is_some() == *b,
            KPart::MidScore(f) => f.holds(Some(&k.mid)),
            KPart::FinalScore(f) => f.holds(Some(&k.fin)),
            KPart::And(ws) => ws.iter().all(|w| w.eval(k)),
            KPart::Or(ws) => ws.iter().any(|w| w.eval(k)),
            KPart::Not(w) => !w.eval(k),
        })
    }

    fn json(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|part| match part {
                    KPart::Content(f) => ("content".to_owned(), f.json()),
                    KPart::Cancelled(b) => ("cancelled".to_owned(), json!(b)),
                    KPart::MidScore(f) => ("midScore".to_owned(), f.json(render_decimal)),
                    KPart::FinalScore(f) => ("finalScore".to_owned(), f.json(render_decimal)),
                    KPart::And(ws) => logic_json("and", ws, Self::json),
                    KPart::Or(ws) => logic_json("or", ws, Self::json),
                    KPart::Not(w) => ("not".to_owned(), w.json()),
                })
                .collect(),
        )
    }
}

// ---------------------------------------------------------------------------------------------
// Generating filters.

/// Values that occur in the data, so that random comparisons often hit.
struct Pool {
    texts: Vec<String>,
    ids: Vec<i64>,
    okrs: Vec<i64>,
    instants: Vec<DateTime<Utc>>,
    scores: Vec<i64>,
}

impl Pool {
    fn new(m: &Model) -> Self {
        let mut pool = Self {
            texts: Vec::new(),
            ids: Vec::new(),
            okrs: m.okrs.clone(),
            instants: Vec::new(),
            scores: Vec::new(),
        };
        for o in &m.objectives {
            pool.texts.push(o.content.clone());
            pool.ids.push(o.id);
            pool.instants.extend(o.cancelled_at);
            pool.scores.push(Model::score(o, false));
            pool.scores.push(Model::score(o, true));
            for k in &o.krs {
                pool.texts.push(k.content.clone());
                pool.instants.extend(k.cancelled_at);
                pool.scores.push(k.mid);
                pool.scores.push(k.fin);
            }
        }
        let max = pool.ids.iter().copied().max().unwrap_or(0);
        pool.ids.push(max + 1000);
        pool.okrs
            .push(m.okrs.iter().copied().max().unwrap_or(0) + 1000);
        if pool.instants.is_empty() {
            pool.instants.push(base_instant());
        }
        pool
    }

    fn text(&self, rng: &mut Rng) -> String {
        match rng.below(5) {
            0 | 1 => {
                let mut chars: Vec<char> = rng.pick(&self.texts).chars().collect();
                if !chars.is_empty() && rng.chance(50) {
                    let i = rng.below(chars.len());
                    chars[i] = if chars[i].is_ascii_lowercase() {
                        chars[i].to_ascii_uppercase()
                    } else {
                        chars[i].to_ascii_lowercase()
                    };
                }
                chars.into_iter().collect()
            }
            2 | 3 => {
                let chars: Vec<char> = rng.pick(&self.texts).chars().collect();
                let start = rng.below(chars.len() + 1);
                let end = start + rng.below(chars.len() - start + 1);
                chars[start..end].iter().collect()
            }
            _ => random_text(rng, 3),
        }
    }

    /// A `like` pattern. It has no backslash: PostgreSQL takes one as an escape character while
    /// SQLite does not, a known disagreement pinned down by `like_backslash_is_literal`.
    fn pattern(&self, rng: &mut Rng) -> String {
        let mut chars: Vec<char> = self.text(rng).chars().filter(|c| *c != '\\').collect();
        for c in &mut chars {
            if rng.chance(25) {
                *c = if rng.chance(50) { '%' } else { '_' };
            }
        }
        let mut pattern: String = chars.into_iter().collect();
        if rng.chance(40) {
            pattern.insert(0, '%');
        }
        if rng.chance(40) {
            pattern.push('%');
        }
        pattern
    }

    fn id(&self, rng: &mut Rng) -> i64 {
        *rng.pick(&self.ids)
    }

    fn okr(&self, rng: &mut Rng) -> i64 {
        *rng.pick(&self.okrs)
    }

    fn score(&self, rng: &mut Rng) -> i64 {
        match rng.below(4) {
            0 | 1 => *rng.pick(&self.scores),
            2 => rng.range(0, 100) * (SCALE / 100),
            _ => rng.range(-SCALE / 10, SCALE + SCALE / 10),
        }
    }

    fn instant(&self, rng: &mut Rng) -> DateTime<Utc> {
        if rng.chance(60) {
            *rng.pick(&self.instants)
        } else {
            random_instant(rng)
        }
    }
}

/// 1–3 distinct operators of `kinds`, with values from `value` and text from `text`.
fn gen_ops<T>(
    rng: &mut Rng,
    kinds: &[usize],
    mut value: impl FnMut(&mut Rng) -> T,
    mut text: impl FnMut(&mut Rng, usize) -> String,
) -> Vec<Op<T>> {
    let n = if rng.chance(80) {
        1
    } else if rng.chance(85) {
        2
    } else {
        3
    };
    rng.distinct(kinds, n)
        .into_iter()
        .map(|kind| match kind {
            EQ => Op::Eq(value(rng)),
            NE => Op::Ne(value(rng)),
            IN => Op::In((0..rng.range(0, 3)).map(|_| value(rng)).collect()),
            NOT_IN => Op::NotIn((0..rng.range(0, 3)).map(|_| value(rng)).collect()),
            LT => Op::Lt(value(rng)),
            LTE => Op::Lte(value(rng)),
            GT => Op::Gt(value(rng)),
            GTE => Op::Gte(value(rng)),
            IS_NULL => Op::IsNull(rng.chance(50)),
            CONTAINS => Op::Contains(text(rng, kind)),
            STARTS_WITH => Op::StartsWith(text(rng, kind)),
            ENDS_WITH => Op::EndsWith(text(rng, kind)),
            _ => Op::Like(text(rng, kind)),
        })
        .collect()
}

fn gen_text(rng: &mut Rng, pool: &Pool) -> Text {
    // LIKE patterns get a share of their own: they are where the engines differ most.
    let kinds: &[usize] = if rng.chance(20) { &[LIKE] } else { &TEXT_OPS };
    let ops = gen_ops(
        rng,
        kinds,
        |rng| pool.text(rng),
        |rng, kind| {
            if kind == LIKE {
                pool.pattern(rng)
            } else {
                pool.text(rng)
            }
        },
    );
    let insensitive = match rng.below(4) {
        0 => None,
        1 => Some(false),
        _ => Some(true),
    };
    Text { ops, insensitive }
}

fn no_text(_: &mut Rng, _: usize) -> String {
    unreachable!("text operators are only generated for text fields")
}

fn gen_score(rng: &mut Rng, pool: &Pool) -> Scalar<i64> {
    Scalar {
        ops: gen_ops(rng, &ORDERED_OPS, |rng| pool.score(rng), no_text),
    }
}

/// How many keys a `where` object gets.
fn part_count(rng: &mut Rng) -> usize {
    match rng.below(20) {
        0 => 0,
        1..=14 => 1,
        15..=18 => 2,
        _ => 3,
    }
}

/// Nested `where` objects may appear while `depth` is below this (three levels in all).
const MAX_DEPTH: usize = 2;

fn gen_list<W>(rng: &mut Rng, mut inner: impl FnMut(&mut Rng) -> W) -> List<W> {
    let count = if rng.chance(75) { 1 } else { 2 };
    let keys = rng.distinct(&[0, 1, 2], count);
    let mut list = List {
        some: None,
        every: None,
        none: None,
    };
    for key in keys {
        let w = Some(inner(rng));
        match key {
            0 => list.some = w,
            1 => list.every = w,
            _ => list.none = w,
        }
    }
    list
}

fn gen_owhere(rng: &mut Rng, pool: &Pool, depth: usize) -> OWhere {
    // 0 id, 1 content, 2 cancelled, 3 cancelledAt, 4 midScore, 5 finalScore, 6 okr,
    // 7 keyResults, 8 contributesTo, 9 contributedBy, 10 and, 11 or, 12 not.
    let mut kinds: Vec<usize> = vec![0, 1, 1, 1, 2, 3, 3, 4, 4, 5, 6];
    if depth < MAX_DEPTH {
        kinds.extend([7, 7, 7, 8, 8, 9, 10, 11, 11, 12, 12]);
    }
    let mut chosen: Vec<usize> = Vec::new();
    let wanted = part_count(rng);
    while chosen.len() < wanted {
        let kind = *rng.pick(&kinds);
        if !chosen.contains(&kind) {
            chosen.push(kind);
        }
    }
    let parts = chosen
        .into_iter()
        .map(|kind| match kind {
            0 => OPart::Id(Scalar {
                ops: gen_ops(rng, &ID_OPS, |rng| pool.id(rng), no_text),
            }),
            1 => OPart::Content(gen_text(rng, pool)),
            2 => OPart::Cancelled(rng.chance(50)),
            3 => OPart::CancelledAt(Scalar {
                ops: gen_ops(rng, &ORDERED_OPS, |rng| pool.instant(rng), no_text),
            }),
            4 => OPart::MidScore(gen_score(rng, pool)),
            5 => OPart::FinalScore(gen_score(rng, pool)),
            6 => OPart::Okr(Scalar {
                ops: gen_ops(rng, &[EQ, NE, IN, NOT_IN], |rng| pool.okr(rng), no_text),
            }),
            7 => OPart::KeyResults(gen_list(rng, |rng| gen_kwhere(rng, pool, depth + 1))),
            8 => OPart::ContributesTo(gen_list(rng, |rng| gen_owhere(rng, pool, depth + 1))),
            9 => OPart::ContributedBy(gen_list(rng, |rng| gen_owhere(rng, pool, depth + 1))),
            10 => OPart::And(
                (0..rng.range(0, 3))
                    .map(|_| gen_owhere(rng, pool, depth + 1))
                    .collect(),
            ),
            11 => OPart::Or(
                (0..rng.range(0, 3))
                    .map(|_| gen_owhere(rng, pool, depth + 1))
                    .collect(),
            ),
            _ => OPart::Not(Box::new(gen_owhere(rng, pool, depth + 1))),
        })
        .collect();
    OWhere(parts)
}

fn gen_kwhere(rng: &mut Rng, pool: &Pool, depth: usize) -> KWhere {
    // 0 content, 1 cancelled, 2 midScore, 3 finalScore, 4 and, 5 or, 6 not.
    let mut kinds: Vec<usize> = vec![0, 0, 1, 2, 2, 3];
    if depth < MAX_DEPTH {
        kinds.extend([4, 5, 6]);
    }
    let mut chosen: Vec<usize> = Vec::new();
    let wanted = part_count(rng);
    while chosen.len() < wanted {
        let kind = *rng.pick(&kinds);
        if !chosen.contains(&kind) {
            chosen.push(kind);
        }
    }
    let parts = chosen
        .into_iter()
        .map(|kind| match kind {
            0 => KPart::Content(gen_text(rng, pool)),
            1 => KPart::Cancelled(rng.chance(50)),
            2 => KPart::MidScore(gen_score(rng, pool)),
            3 => KPart::FinalScore(gen_score(rng, pool)),
            4 => KPart::And(
                (0..rng.range(0, 3))
                    .map(|_| gen_kwhere(rng, pool, depth + 1))
                    .collect(),
            ),
            5 => KPart::Or(
                (0..rng.range(0, 3))
                    .map(|_| gen_kwhere(rng, pool, depth + 1))
                    .collect(),
            ),
            _ => KPart::Not(Box::new(gen_kwhere(rng, pool, depth + 1))),
        })
        .collect();
    KWhere(parts)
}

// ---------------------------------------------------------------------------------------------
// Orders.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SortField {
    Id,
    Content,
    CancelledAt,
    MidScore,
    FinalScore,
    KeyResultsCount,
    /// The OKR's id: a key on a parent row, read through an inner join.
    OkrId,
}

const SORT_FIELDS: [SortField; 7] = [
    SortField::Id,
    SortField::Content,
    SortField::CancelledAt,
    SortField::MidScore,
    SortField::FinalScore,
    SortField::KeyResultsCount,
    SortField::OkrId,
];

#[derive(Clone, Copy, Debug)]
enum SortOrder {
    Asc,
    Desc,
    AscNullsFirst,
    AscNullsLast,
    DescNullsFirst,
    DescNullsLast,
}

const SORT_ORDERS: [SortOrder; 6] = [
    SortOrder::Asc,
    SortOrder::Desc,
    SortOrder::AscNullsFirst,
    SortOrder::AscNullsLast,
    SortOrder::DescNullsFirst,
    SortOrder::DescNullsLast,
];

#[derive(Clone, Copy, Debug)]
struct SortKey {
    field: SortField,
    order: SortOrder,
}

/// A sortable value; `None` is null.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SortValue<'a> {
    Int(i64),
    Text(&'a str),
    Instant(DateTime<Utc>),
}

impl SortKey {
    fn value(self, o: &Obj) -> Option<SortValue<'_>> {
        Some(match self.field {
            SortField::Id => SortValue::Int(o.id),
            SortField::Content => SortValue::Text(&o.content),
            SortField::CancelledAt => SortValue::Instant(o.cancelled_at?),
            SortField::MidScore => SortValue::Int(Model::score(o, false)),
            SortField::FinalScore => SortValue::Int(Model::score(o, true)),
            SortField::KeyResultsCount => SortValue::Int(Model::live_krs(o).len() as i64),
            SortField::OkrId => SortValue::Int(o.okr_id),
        })
    }

    /// (descending, nulls first)
    fn direction(self) -> (bool, bool) {
        match self.order {
            SortOrder::Asc | SortOrder::AscNullsLast => (false, false),
            SortOrder::AscNullsFirst => (false, true),
            SortOrder::Desc | SortOrder::DescNullsLast => (true, false),
            SortOrder::DescNullsFirst => (true, true),
        }
    }

    fn compare(self, a: &Obj, b: &Obj) -> Ordering {
        let (descending, nulls_first) = self.direction();
        match (self.value(a), self.value(b)) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) if nulls_first => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) if nulls_first => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) if descending => y.cmp(&x),
            (Some(x), Some(y)) => x.cmp(&y),
        }
    }

    fn json(self) -> Value {
        let field = match self.field {
            SortField::Id => "id",
            SortField::Content => "content",
            SortField::CancelledAt => "cancelledAt",
            SortField::MidScore => "midScore",
            SortField::FinalScore => "finalScore",
            SortField::KeyResultsCount => "keyResultsCount",
            SortField::OkrId => return json!({ "okr": { "id": self.order_name() } }),
        };
        json!({ field: self.order_name() })
    }

    fn order_name(self) -> &'static str {
        match self.order {
            SortOrder::Asc => "ASC",
            SortOrder::Desc => "DESC",
            SortOrder::AscNullsFirst => "ASC_NULLS_FIRST",
            SortOrder::AscNullsLast => "ASC_NULLS_LAST",
            SortOrder::DescNullsFirst => "DESC_NULLS_FIRST",
            SortOrder::DescNullsLast => "DESC_NULLS_LAST",
        }
    }
}

/// `None`: no `orderBy` at all; otherwise the list sent (possibly empty).
fn gen_order(rng: &mut Rng) -> Option<Vec<SortKey>> {
    match rng.below(20) {
        0..=2 => None,
        3 => Some(Vec::new()),
        n => {
            let count = if n < 12 { 1 } else { 2 };
            Some(
                rng.distinct(&SORT_FIELDS, count)
                    .into_iter()
                    .map(|field| SortKey {
                        field,
                        order: *rng.pick(&SORT_ORDERS),
                    })
                    .collect(),
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Running queries.

/// What a failure message needs to make the case reproducible.
struct Case<'a> {
    seed: u64,
    number: usize,
    model: &'a Model,
    query: &'a str,
    variables: &'a Value,
}

impl Case<'_> {
    fn fail(&self, what: &str, expected: &dyn std::fmt::Debug, actual: &dyn std::fmt::Debug) -> ! {
        panic!(
            "differential mismatch ({what}) at seed {:#x}, query #{}\nquery:\n{}\nvariables:\n{}\n\
             expected: {expected:?}\nactual:   {actual:?}\ndata:\n{}",
            self.seed,
            self.number,
            self.query,
            serde_json::to_string_pretty(self.variables).unwrap(),
            self.model.describe(),
        )
    }
}

struct Page {
    ids: Vec<i64>,
    total: Option<i64>,
    start: Option<String>,
    end: Option<String>,
    has_next: bool,
    has_previous: bool,
}

async fn fetch(app: &TestApp, token: &str, case: &Case<'_>, variables: &Value) -> Page {
    let (status, body) = app
        .graphql(case.query, variables.clone(), Some(token))
        .await;
    if status != 200 || body.get("errors").is_some() {
        case.fail(
            &format!("request failed with status {status}; variables {variables}"),
            &"a page",
            &body,
        );
    }
    let connection = &body["data"]["objectives"];
    let nodes = connection["nodes"].as_array().unwrap();
    let mut ids = Vec::new();
    for node in nodes {
        let id: i64 = node["id"].as_str().unwrap().parse().unwrap();
        let o = case.model.get(id).unwrap_or_else(|| {
            case.fail("unknown id in answer", &"a known id", &id);
        });
        let mid = parse_decimal(node["midScore"].as_str().unwrap());
        let fin = parse_decimal(node["finalScore"].as_str().unwrap());
        let cancelled = node["cancelled"].as_bool().unwrap();
        let expected = (
            Model::score(o, false),
            Model::score(o, true),
            o.cancelled_at.is_some(),
        );
        if (mid, fin, cancelled) != expected {
            case.fail(
                &format!("fields of objective {id} (midScore, finalScore, cancelled)"),
                &expected,
                &(mid, fin, cancelled),
            );
        }
        ids.push(id);
    }
    let info = &connection["pageInfo"];
    Page {
        ids,
        total: connection["totalCount"].as_i64(),
        start: info["startCursor"].as_str().map(str::to_owned),
        end: info["endCursor"].as_str().map(str::to_owned),
        has_next: info["hasNextPage"].as_bool().unwrap(),
        has_previous: info["hasPreviousPage"].as_bool().unwrap(),
    }
}

/// Reads the list 7 at a time forwards (`first`/`after`) and backwards (`last`/`before`).
async fn check_paging(app: &TestApp, token: &str, case: &Case<'_>, expected: &[i64]) {
    let mut forward: Vec<i64> = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..=expected.len() {
        let mut variables = case.variables.clone();
        variables["first"] = json!(7);
        if let Some(cursor) = &after {
            variables["after"] = json!(cursor);
        }
        let page = fetch(app, token, case, &variables).await;
        if page.ids.len() > 7 {
            case.fail("forward page longer than 7", &7, &page.ids);
        }
        forward.extend(&page.ids);
        if !page.has_next {
            break;
        }
        after = page.end;
    }
    if forward != expected {
        case.fail("pages of first: 7 after cursors", &expected, &forward);
    }

    let mut backward: Vec<i64> = Vec::new();
    let mut before: Option<String> = None;
    for _ in 0..=expected.len() {
        let mut variables = case.variables.clone();
        variables["first"] = Value::Null;
        variables["last"] = json!(7);
        if let Some(cursor) = &before {
            variables["before"] = json!(cursor);
        }
        let page = fetch(app, token, case, &variables).await;
        if page.ids.len() > 7 {
            case.fail("backward page longer than 7", &7, &page.ids);
        }
        backward.splice(0..0, page.ids);
        if !page.has_previous {
            break;
        }
        before = page.start;
    }
    if backward != expected {
        case.fail("pages of last: 7 before cursors", &expected, &backward);
    }
}

async fn differential(app: TestApp, seed: u64) {
    let mut rng = Rng(seed);
    let model = Model::build(&app, &mut rng).await;
    let token = app.token_for(&model.owner);
    let pool = Pool::new(&model);
    for number in 0..QUERIES {
        let filter = (!rng.chance(8)).then(|| gen_owhere(&mut rng, &pool, 0));
        let order = gen_order(&mut rng);
        let mut variables = json!({ "first": 500 });
        if let Some(filter) = &filter {
            variables["where"] = filter.json();
        }
        if let Some(order) = &order {
            variables["orderBy"] = Value::Array(order.iter().map(|k| k.json()).collect());
        }
        let expected = model.evaluate(filter.as_ref(), order.as_deref().unwrap_or_default());
        let counted = number % 2 == 0;
        let case = Case {
            seed,
            number,
            model: &model,
            query: if counted { COUNT_QUERY } else { QUERY },
            variables: &variables,
        };
        let page = fetch(&app, &token, &case, &variables).await;
        if page.ids != expected {
            case.fail("ids in order", &expected, &page.ids);
        }
        if page.has_next || page.has_previous {
            case.fail(
                "pageInfo of the whole list (hasNextPage, hasPreviousPage)",
                &(false, false),
                &(page.has_next, page.has_previous),
            );
        }
        if counted && page.total != Some(expected.len() as i64) {
            case.fail("totalCount", &Some(expected.len()), &page.total);
        }
        if number % 8 == 3 {
            check_paging(&app, &token, &case, &expected).await;
        }
    }
}
