//! Filters that cross `group_memberships`: a user's groups and a group's members, written
//! once for both directions.

use entity::{group, group_membership, user};
use sea_orm::sea_query::{DynIden, Expr, ExprTrait, IntoIden, Query};
use sea_orm::{Condition, DbBackend};

use super::RefAttr;
use super::filter::{self, Filter, Test};
use crate::error::DomainError;

/// Which way a filter crosses the membership table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Via {
    /// From a user (the outer row) to the groups they belong to.
    GroupsOfUser,
    /// From a group (the outer row) to its members.
    MembersOfGroup,
}

/// The membership columns and the other side's expressions for one direction.
struct Side {
    /// The membership column naming the outer row, and the outer row's key.
    outer: (group_membership::Column, Expr),
    /// The other side's table, its key and the membership column naming it.
    other: (DynIden, Expr, group_membership::Column),
    /// The other side's row is live.
    live: Expr,
    /// What `value` compares (exactly).
    value: Expr,
    /// What `display` compares.
    display: Expr,
}

impl Via {
    fn side(self) -> Side {
        use group_membership::Column as M;
        match self {
            Via::GroupsOfUser => Side {
                outer: (M::UserId, Expr::col((user::Entity, user::Column::Id))),
                other: (
                    group::Entity.into_iden(),
                    Expr::col((group::Entity, group::Column::Id)),
                    M::GroupId,
                ),
                live: Expr::col((group::Entity, group::Column::DeletedAt)).is_null(),
                value: Expr::cust("CAST(\"groups\".\"id\" AS TEXT)"),
                display: Expr::col((group::Entity, group::Column::Name)),
            },
            Via::MembersOfGroup => Side {
                outer: (M::GroupId, Expr::col((group::Entity, group::Column::Id))),
                other: (
                    user::Entity.into_iden(),
                    Expr::col((user::Entity, user::Column::Id)),
                    M::UserId,
                ),
                live: Expr::col((user::Entity, user::Column::DeprovisionedAt)).is_null(),
                value: Expr::col((user::Entity, user::Column::Id)),
                display: Expr::col((user::Entity, user::Column::DisplayName)),
            },
        }
    }
}

/// `EXISTS` a live membership of the outer row with a live row on the other side that
/// satisfies `element` (`value` is the other side's id, compared exactly; `display` its name).
pub(super) fn exists(
    backend: DbBackend,
    via: Via,
    element: &Filter<(RefAttr, Test)>,
) -> Result<Condition, DomainError> {
    let Side {
        outer,
        other,
        live,
        value,
        display,
    } = via.side();
    let inner = element.compile(&mut |(attr, test)| match attr {
        RefAttr::Value => filter::text(value.clone(), true, test, backend),
        RefAttr::Display => filter::text(display.clone(), false, test, backend),
    })?;
    let membership = |column| Expr::col((group_membership::Entity, column));
    let mut select = Query::select();
    select
        .expr(Expr::val(1))
        .from(group_membership::Entity)
        .inner_join(other.0, other.1.eq(membership(other.2)))
        .cond_where(
            Condition::all()
                .add(membership(outer.0).eq(outer.1))
                .add(membership(group_membership::Column::DeletedAt).is_null())
                .add(live)
                .add(inner),
        );
    Ok(filter::exists(select))
}
