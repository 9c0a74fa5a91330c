//! The SQL of computed fields, named by the declarations (`computed(function)`). Each takes
//! the statement's [`SqlScope`] and the alias of the row it is computed for.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoIden};

use crate::catalog::SqlScope;

fn column(alias: &Alias, column: &'static str) -> Expr {
    Expr::col((alias.clone(), Alias::new(column)))
}

fn quoted(alias: &Alias) -> String {
    format!("\"{}\"", alias.clone().into_iden())
}

/// A cycle runs now (the rule of [`entity::cycle::running`]).
pub fn cycle_active(scope: &dyn SqlScope, alias: &Alias) -> Expr {
    entity::cycle::running(
        column(alias, "starts_at"),
        column(alias, "ends_at"),
        scope.now(),
    )
}

/// A cycle is not over yet.
pub fn cycle_present_or_future(scope: &dyn SqlScope, alias: &Alias) -> Expr {
    column(alias, "ends_at").gte(Expr::val(scope.now()))
}

/// The row has been cancelled.
pub fn cancelled(_: &dyn SqlScope, alias: &Alias) -> Expr {
    column(alias, "cancelled_at").is_not_null()
}

/// An objective's mid-cycle score.
pub fn objective_mid_score(scope: &dyn SqlScope, alias: &Alias) -> Expr {
    objective_score(scope, alias, "mid_score_ppb")
}

/// An objective's final score.
pub fn objective_final_score(scope: &dyn SqlScope, alias: &Alias) -> Expr {
    objective_score(scope, alias, "final_score_ppb")
}

/// The mean of the live, uncancelled key results' scores, rounded half-up to two decimals and
/// expressed in parts per billion (0 when there are none), in integer arithmetic only, so both
/// engines agree exactly: round(sum / n, 2) = (200·sum + n·10⁹) div (2·n·10⁹) hundredths.
fn objective_score(scope: &dyn SqlScope, alias: &Alias, column: &'static str) -> Expr {
    let k = quoted(&scope.alias());
    let o = quoted(alias);
    Expr::cust(format!(
        "(SELECT CASE WHEN COUNT(*) = 0 THEN 0 ELSE \
           ((CAST(SUM({k}.{column}) AS BIGINT) * 200 + COUNT(*) * 1000000000) \
             / (COUNT(*) * 2000000000)) * 10000000 END \
          FROM key_results {k} \
          WHERE {k}.objective_id = {o}.id AND {k}.deleted_at IS NULL AND {k}.cancelled_at IS NULL)"
    ))
}
