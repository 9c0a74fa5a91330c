//! Scores as decimals. They are stored as integer parts per billion; an objective's scores are
//! computed in SQL (`query::entities`), already rounded, so every reader shows the same value.

use rust_decimal::Decimal;

/// A stored key-result score (parts per billion) as an exact decimal, e.g. `0.999`.
pub fn key_result_score(ppb: i64) -> Decimal {
    Decimal::new(ppb, 9).normalize()
}

/// A computed objective score (parts per billion, already rounded to hundredths) with two
/// decimals, e.g. `0.50`.
pub fn objective_score(ppb: i64) -> Decimal {
    Decimal::new(ppb / 10_000_000, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_print_as_the_api_shows_them() {
        assert_eq!(key_result_score(999_000_000).to_string(), "0.999");
        assert_eq!(key_result_score(0).to_string(), "0");
        assert_eq!(objective_score(130_000_000).to_string(), "0.13");
        assert_eq!(objective_score(0).to_string(), "0.00");
    }
}
