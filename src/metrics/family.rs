//! Metric families in Prometheus' text exposition format (version 0.0.4): counters and
//! histograms keyed by a fixed list of labels, each family holding a bounded number of series.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Mutex, MutexGuard, PoisonError};

/// Most series one family keeps. Label values come from bounded sets (routes, methods,
/// statuses, codes, known operation names), so this is a backstop: past it, new label
/// combinations are counted in one series whose labels are all [`OVERFLOW`].
const MAX_SERIES: usize = 2_000;

/// The label value of everything past a bound.
pub const OVERFLOW: &str = "(other)";

/// A family of counters with the labels `N` names.
#[derive(Debug)]
pub struct Counters<const N: usize> {
    name: &'static str,
    help: &'static str,
    labels: [&'static str; N],
    series: Mutex<BTreeMap<[String; N], u64>>,
}

impl<const N: usize> Counters<N> {
    /// An empty family.
    pub const fn new(name: &'static str, help: &'static str, labels: [&'static str; N]) -> Self {
        Self {
            name,
            help,
            labels,
            series: Mutex::new(BTreeMap::new()),
        }
    }

    /// Adds `by` to the series with these label values.
    pub fn add(&self, values: [&str; N], by: u64) {
        let mut series = lock(&self.series);
        *entry(&mut series, values, || 0) += by;
    }

    /// Adds one to the series with these label values.
    pub fn inc(&self, values: [&str; N]) {
        self.add(values, 1);
    }

    /// The family in the exposition format.
    pub fn render(&self, out: &mut String) {
        header(out, self.name, self.help, "counter");
        for (values, count) in lock(&self.series).iter() {
            sample(
                out,
                self.name,
                &self.labels,
                values,
                None,
                &count.to_string(),
            );
        }
    }
}

/// A family of histograms with the labels `N` names, all with the same buckets.
#[derive(Debug)]
pub struct Histograms<const N: usize> {
    name: &'static str,
    help: &'static str,
    labels: [&'static str; N],
    /// Upper bounds of the buckets, ascending (`+Inf` is implied).
    bounds: &'static [f64],
    series: Mutex<BTreeMap<[String; N], Histogram>>,
}

#[derive(Debug, Clone)]
struct Histogram {
    /// Observations in each bucket (not cumulative), one more than the bounds for `+Inf`.
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
}

impl<const N: usize> Histograms<N> {
    /// An empty family with these bucket bounds.
    pub const fn new(
        name: &'static str,
        help: &'static str,
        labels: [&'static str; N],
        bounds: &'static [f64],
    ) -> Self {
        Self {
            name,
            help,
            labels,
            bounds,
            series: Mutex::new(BTreeMap::new()),
        }
    }

    /// Records `value` in the series with these label values.
    pub fn observe(&self, values: [&str; N], value: f64) {
        let bucket = self
            .bounds
            .iter()
            .position(|bound| value <= *bound)
            .unwrap_or(self.bounds.len());
        let mut series = lock(&self.series);
        let histogram = entry(&mut series, values, || Histogram {
            buckets: vec![0; self.bounds.len() + 1],
            sum: 0.0,
            count: 0,
        });
        histogram.buckets[bucket] += 1;
        histogram.sum += value;
        histogram.count += 1;
    }

    /// The family in the exposition format.
    pub fn render(&self, out: &mut String) {
        header(out, self.name, self.help, "histogram");
        let bucket_name = format!("{}_bucket", self.name);
        for (values, histogram) in lock(&self.series).iter() {
            let mut cumulative = 0;
            for (i, in_bucket) in histogram.buckets.iter().enumerate() {
                cumulative += in_bucket;
                let le = self
                    .bounds
                    .get(i)
                    .map_or_else(|| "+Inf".to_owned(), |bound| bound.to_string());
                let value = cumulative.to_string();
                sample(out, &bucket_name, &self.labels, values, Some(&le), &value);
            }
            let sum = histogram.sum.to_string();
            sample(
                out,
                &format!("{}_sum", self.name),
                &self.labels,
                values,
                None,
                &sum,
            );
            let count = histogram.count.to_string();
            sample(
                out,
                &format!("{}_count", self.name),
                &self.labels,
                values,
                None,
                &count,
            );
        }
    }
}

/// Writes a gauge family with the given samples.
pub fn gauges<const N: usize>(
    out: &mut String,
    name: &str,
    help: &str,
    labels: [&str; N],
    samples: &[([&str; N], f64)],
) {
    header(out, name, help, "gauge");
    for (values, value) in samples {
        let values = values.map(str::to_owned);
        sample(out, name, &labels, &values, None, &value.to_string());
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves a map of plain numbers, still valid.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The series with these values, made when new; past [`MAX_SERIES`], the overflow series.
fn entry<'m, const N: usize, V>(
    series: &'m mut BTreeMap<[String; N], V>,
    values: [&str; N],
    new: impl FnOnce() -> V,
) -> &'m mut V {
    let mut key = values.map(str::to_owned);
    if !series.contains_key(&key) && series.len() >= MAX_SERIES {
        key = std::array::from_fn(|_| OVERFLOW.to_owned());
    }
    series.entry(key).or_insert_with(new)
}

fn header(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn sample<const N: usize>(
    out: &mut String,
    name: &str,
    labels: &[&str; N],
    values: &[String; N],
    le: Option<&str>,
    value: &str,
) {
    out.push_str(name);
    let mut pairs = labels
        .iter()
        .zip(values.iter().map(String::as_str))
        .peekable();
    if pairs.peek().is_some() || le.is_some() {
        out.push('{');
        let mut first = true;
        for (label, value) in pairs.chain(le.map(|le| (&"le", le))) {
            if !first {
                out.push(',');
            }
            first = false;
            let _ = write!(out, "{label}=\"");
            escape(out, value);
            out.push('"');
        }
        out.push('}');
    }
    let _ = writeln!(out, " {value}");
}

/// A label value as the format requires: backslash, double quote and line feed escaped.
fn escape(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_render_one_line_per_series_with_escaped_labels() {
        let family = Counters::new("t_total", "Things.", ["kind"]);
        family.inc(["a\"b\\c\nd"]);
        family.add(["plain"], 3);
        let mut out = String::new();
        family.render(&mut out);
        assert_eq!(
            out,
            "# HELP t_total Things.\n# TYPE t_total counter\n\
             t_total{kind=\"a\\\"b\\\\c\\nd\"} 1\nt_total{kind=\"plain\"} 3\n"
        );
    }

    #[test]
    fn histogram_buckets_are_cumulative_and_end_with_inf() {
        let family = Histograms::new("h", "Sizes.", [], &[1.0, 10.0]);
        for value in [0.5, 5.0, 50.0, 1.0] {
            family.observe([], value);
        }
        let mut out = String::new();
        family.render(&mut out);
        assert!(out.contains("h_bucket{le=\"1\"} 2\n"), "{out}");
        assert!(out.contains("h_bucket{le=\"10\"} 3\n"), "{out}");
        assert!(out.contains("h_bucket{le=\"+Inf\"} 4\n"), "{out}");
        assert!(out.contains("h_sum 56.5\nh_count 4\n"), "{out}");
    }

    #[test]
    fn a_family_keeps_a_bounded_number_of_series() {
        let family = Counters::new("t_total", "Things.", ["id"]);
        for i in 0..MAX_SERIES + 50 {
            family.inc([&i.to_string()]);
        }
        let series = lock(&family.series);
        assert_eq!(series.len(), MAX_SERIES + 1);
        assert_eq!(series[&[OVERFLOW.to_owned()]], 50);
    }
}
