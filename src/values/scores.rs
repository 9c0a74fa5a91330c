//! Scores as decimals. They are stored as integer parts per billion; an objective's scores are
//! computed in SQL (`catalog::computed`), already rounded, so every reader shows the same value.

use rust_decimal::Decimal;

/// Why a decimal has no exact parts-per-billion value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PpbFault {
    /// More than nine decimal places.
    TooPrecise,
    /// Beyond what 64 bits hold.
    OutOfRange,
}

/// A decimal as parts per billion, exactly.
pub fn to_ppb(decimal: Decimal) -> Result<i64, PpbFault> {
    let scaled = decimal
        .checked_mul(Decimal::from(entity::SCORE_SCALE))
        .ok_or(PpbFault::OutOfRange)?;
    if !scaled.fract().is_zero() {
        return Err(PpbFault::TooPrecise);
    }
    i64::try_from(scaled).map_err(|_| PpbFault::OutOfRange)
}

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
    fn decimals_convert_to_parts_per_billion_exactly() {
        assert_eq!(to_ppb(Decimal::new(3, 1)), Ok(300_000_000));
        assert_eq!(to_ppb(Decimal::new(1, 9)), Ok(1));
        assert_eq!(to_ppb(Decimal::new(1, 10)), Err(PpbFault::TooPrecise));
        assert_eq!(to_ppb(Decimal::MAX), Err(PpbFault::OutOfRange));
    }

    #[test]
    fn scores_print_as_the_api_shows_them() {
        assert_eq!(key_result_score(999_000_000).to_string(), "0.999");
        assert_eq!(key_result_score(0).to_string(), "0");
        assert_eq!(objective_score(130_000_000).to_string(), "0.13");
        assert_eq!(objective_score(0).to_string(), "0.00");
    }
}
