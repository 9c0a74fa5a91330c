//! Relay connections: pages of nodes with keyset cursors, `pageInfo` and a `totalCount`
//! that is computed only when selected.

use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::{Context, SimpleObject};

use crate::catalog::def::same_text;
use crate::catalog::{EntityDef, RelationDef};
use crate::config::Config;
use crate::error::DomainError;
use crate::graphql::context::{loaders, signed_in_user};
use crate::graphql::errors::{IntoGraphql, internal, shared};
use crate::graphql::inputs::entities::{OrderBy, Where, sort_keys};
use crate::graphql::loaders::{RelationRef, Row};
use crate::query::QueryError;
use crate::query::filter::Filter;
use crate::query::page::{self, FilterKey, ListSpec, Page, PageArgs, ParentKey};
use crate::query::sort::{SortKey, default_order};

/// Where a page is in its list.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// More nodes follow this page.
    pub has_next_page: bool,
    /// Nodes come before this page.
    pub has_previous_page: bool,
    /// The cursor of the first node of the page.
    pub start_cursor: Option<String>,
    /// The cursor of the last node of the page.
    pub end_cursor: Option<String>,
}

impl PageInfo {
    /// The page info of `page`.
    pub fn of<M>(page: &Page<M>) -> Self {
        Self {
            has_next_page: page.has_next,
            has_previous_page: page.has_previous,
            start_cursor: page.rows.first().map(|(_, cursor)| cursor.encode()),
            end_cursor: page.rows.last().map(|(_, cursor)| cursor.encode()),
        }
    }
}

/// How to count the whole list a page belongs to.
#[derive(Clone)]
pub enum Total {
    /// A root list.
    Root {
        /// The listed entity.
        def: &'static EntityDef,
        /// Which rows.
        filter: Arc<FilterKey>,
    },
    /// The related rows of one parent.
    Child {
        /// The relation.
        relation: RelationRef,
        /// Which rows.
        filter: Arc<FilterKey>,
        /// The parent.
        parent: ParentKey,
    },
}

impl Total {
    /// Counts the list (one batched statement per distinct list shape).
    pub async fn count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let loaders = loaders(ctx)?;
        let n = match self {
            Self::Root { def, filter } => page::count(&loaders.db, def, &filter.0, loaders.now)
                .await
                .gql()?,
            Self::Child {
                relation,
                filter,
                parent,
            } => loaders
                .count(*relation, filter.clone(), parent.clone())
                .await
                .map_err(shared)?,
        };
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// A list's filter, sort and page, once the filter and sort are checked against the limits.
fn spec(
    ctx: &Context<'_>,
    def: &EntityDef,
    filter: Filter,
    sort: Option<Vec<SortKey>>,
    page: PageArgs,
) -> async_graphql::Result<ListSpec> {
    let limits = ctx
        .data::<Arc<Config>>()
        .map_err(|_| internal("configuration missing from schema data"))?
        .filter_limits();
    filter
        .check(&limits)
        .map_err(|refusal| QueryError::bad_input("where", refusal.to_string()))
        .map_err(DomainError::from)
        .gql()?;
    if let Some(sort) = &sort
        && sort.len() > limits.sort_keys
    {
        let message = format!(
            "orderBy has {} keys; SORT_KEY_LIMIT allows {}",
            sort.len(),
            limits.sort_keys
        );
        return Err(DomainError::from(QueryError::bad_input("orderBy", message))).gql();
    }
    Ok(ListSpec {
        filter: FilterKey::new(filter),
        sort: sort.unwrap_or_else(|| default_order(def)),
        page,
    })
}

/// A page of a root list.
pub async fn root_page<M: Row>(
    ctx: &Context<'_>,
    filter: Filter,
    sort: Option<Vec<SortKey>>,
    page_args: PageArgs,
) -> async_graphql::Result<(Page<M>, Total)> {
    let loaders = loaders(ctx)?;
    let spec = spec(ctx, M::DEF, filter, sort, page_args)?;
    let page = page::list::<M>(&loaders.db, M::DEF, &spec, loaders.now)
        .await
        .gql()?;
    Ok((
        page,
        Total::Root {
            def: M::DEF,
            filter: Arc::new(spec.filter),
        },
    ))
}

/// A relation of one entity, leading to rows of type `M`, checked while compiling: a
/// constant made with [`Relation::named`] fails the build when the entity has no relation of
/// that name, or when the relation leads to rows other than `M`.
pub struct Relation<M> {
    owner: &'static EntityDef,
    relation: &'static RelationDef,
    row: PhantomData<fn() -> M>,
}

impl<M> Clone for Relation<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Relation<M> {}

impl<M: Row> Relation<M> {
    /// `owner`'s relation called `name`; use it in a `const`, so a wrong name or row type is
    /// a compile error.
    pub const fn named(owner: &'static EntityDef, name: &str) -> Self {
        let Some(relation) = owner.relation(name) else {
            panic!("the entity has no relation of that name")
        };
        assert!(
            same_text(relation.target.name, M::DEF.name),
            "the relation leads to rows of another entity"
        );
        Self {
            owner,
            relation,
            row: PhantomData,
        }
    }

    fn reference(self) -> RelationRef {
        RelationRef {
            owner: self.owner,
            relation: self.relation,
        }
    }
}

/// A page of the rows related to `parent` through `relation`, batched across parents. The
/// arguments (`args`, made into a filter, a sort and a page) are checked once per list field
/// and request, not once per parent.
pub async fn child_page<M: Row>(
    ctx: &Context<'_>,
    relation: Relation<M>,
    parent: ParentKey,
    args: impl FnOnce() -> (Filter, Option<Vec<SortKey>>, PageArgs),
) -> async_graphql::Result<(Page<M>, Total)> {
    let loaders = loaders(ctx)?;
    let relation = relation.reference();
    let site = (
        std::ptr::from_ref(ctx.item).addr(),
        std::ptr::from_ref(relation.relation).addr(),
    );
    let (spec, filter) = loaders.list_spec(site, || {
        let (filter, sort, page_args) = args();
        spec(ctx, M::DEF, filter, sort, page_args)
    })?;
    let page = loaders
        .page::<M>(relation, spec, parent.clone())
        .await
        .map_err(shared)?;
    Ok((
        page,
        Total::Child {
            relation,
            filter,
            parent,
        },
    ))
}

/// The single live row related to `parent` through a to-one relation keyed on the related
/// side (an OKR's reflection, an objective's assessment).
pub async fn child_one<M: Row>(
    ctx: &Context<'_>,
    relation: Relation<M>,
    parent: ParentKey,
) -> async_graphql::Result<Option<M>> {
    loaders(ctx)?
        .single_child(relation.reference(), parent)
        .await
        .map_err(shared)
}

/// The live row a foreign key names (an objective's OKR, a key result's objective): the
/// database keeps such rows, so a missing one is an internal error saying `missing`.
pub async fn required_row<M: Row>(
    ctx: &Context<'_>,
    key: ParentKey,
    missing: &'static str,
) -> async_graphql::Result<M> {
    let row = loaders(ctx)?.one(key).await.map_err(shared)?;
    row.ok_or_else(|| internal(missing))
}

/// Declares `<Name>Connection` and `<Name>Edge` for a node type wrapping a row type.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ident, $model:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, ".")]
        pub struct $connection {
            /// The rows of this page.
            pub page: crate::query::page::Page<$model>,
            /// How to count the whole list.
            pub total: crate::graphql::connection::Total,
        }

        #[async_graphql::Object]
        impl $connection {
            /// The nodes of this page, in order.
            async fn nodes(&self) -> crate::graphql::leaves::Nodes<$node> {
                crate::graphql::leaves::Nodes(
                    self.page
                        .rows
                        .iter()
                        .map(|(row, _)| $node(row.clone()))
                        .collect(),
                )
            }

            /// The nodes of this page with their cursors.
            async fn edges(&self) -> Vec<$edge> {
                self.page
                    .rows
                    .iter()
                    .map(|(row, cursor)| $edge {
                        cursor: cursor.clone(),
                        node: row.clone(),
                    })
                    .collect()
            }

            /// Where this page is in the list.
            async fn page_info(&self) -> crate::graphql::connection::PageInfo {
                crate::graphql::connection::PageInfo::of(&self.page)
            }

            /// How many nodes the whole list has (computed only when selected).
            async fn total_count(
                &self,
                ctx: &async_graphql::Context<'_>,
            ) -> async_graphql::Result<i64> {
                self.total.count(ctx).await
            }
        }

        #[doc = concat!("One of ", $what, " with its cursor.")]
        pub struct $edge {
            cursor: crate::query::cursor::Cursor,
            node: $model,
        }

        #[async_graphql::Object]
        impl $edge {
            /// Opaque cursor for `after`/`before`, valid for the same list and order.
            async fn cursor(&self) -> String {
                self.cursor.encode()
            }

            /// The node.
            async fn node(&self) -> $node {
                $node(self.node.clone())
            }
        }

        impl
            From<(
                crate::query::page::Page<$model>,
                crate::graphql::connection::Total,
            )> for $connection
        {
            fn from(
                (page, total): (
                    crate::query::page::Page<$model>,
                    crate::graphql::connection::Total,
                ),
            ) -> Self {
                Self { page, total }
            }
        }
    };
}

pub(crate) use connection;

/// A list field's arguments, as every connection field takes them.
pub struct ListArgs<W, O> {
    /// `where`.
    pub filter: Option<W>,
    /// `orderBy`.
    pub order_by: Option<Vec<O>>,
    /// `first`, `after`, `last`, `before` and `offset`.
    pub page: PageArgs,
}

impl<W: Where, O: OrderBy> ListArgs<W, O> {
    /// The filter with the resource's list defaults, and the sort keys the client gave.
    fn into_parts(self) -> (Filter, Option<Vec<SortKey>>, PageArgs) {
        (
            W::list_filter(self.filter.as_ref()),
            sort_keys(self.order_by.as_ref()),
            self.page,
        )
    }
}

/// A page of a root list, for a signed-in user.
pub async fn root_list<M: Row, W: Where, O: OrderBy>(
    ctx: &Context<'_>,
    args: ListArgs<W, O>,
) -> async_graphql::Result<(Page<M>, Total)> {
    signed_in_user(ctx).await?;
    let (filter, sort, page) = args.into_parts();
    root_page::<M>(ctx, filter, sort, page).await
}

/// A page of the rows related to `parent` through `relation`.
pub async fn child_list<M: Row, W: Where, O: OrderBy>(
    ctx: &Context<'_>,
    relation: Relation<M>,
    parent: ParentKey,
    args: ListArgs<W, O>,
) -> async_graphql::Result<(Page<M>, Total)> {
    child_page(ctx, relation, parent, || args.into_parts()).await
}

/// An `#[Object]` impl block followed by its connection fields, each declared in one line:
/// `/// doc` then `name: Node = root(model)` for a root list, or `name: Node = child(RELATION)`
/// for the rows related to the object's own row. Each gets the standard arguments (`where`,
/// `orderBy`, `first`, `after`, `last`, `before`, `offset`) and the connection complexity.
macro_rules! with_lists {
    (
        $(#[$attr:meta])*
        impl $type:ident { $($body:tt)* }
        lists {$(
            $(#[$doc:meta])*
            $field:ident: $node:ident = $source:ident($($target:tt)*);
        )*}
    ) => { pastey::paste! {
        $(#[$attr])*
        impl $type {
            $($body)*

            $(
                $(#[$doc])*
                #[graphql(complexity = "crate::graphql::inputs::paging::connection_complexity(child_complexity, first, last)")]
                #[allow(clippy::too_many_arguments)]
                async fn $field(
                    &self,
                    ctx: &async_graphql::Context<'_>,
                    r#where: Option<crate::graphql::inputs::entities::[<$node Where>]>,
                    order_by: Option<Vec<crate::graphql::inputs::entities::[<$node OrderBy>]>>,
                    first: Option<i32>,
                    after: Option<String>,
                    last: Option<i32>,
                    before: Option<String>,
                    offset: Option<i32>,
                ) -> async_graphql::Result<[<$node Connection>]> {
                    let args = crate::graphql::connection::ListArgs {
                        filter: r#where,
                        order_by,
                        page: crate::graphql::inputs::paging::page_args(first, after, last, before, offset),
                    };
                    Ok(with_lists!(@page self ctx args $source($($target)*)).await?.into())
                }
            )*
        }
    } };
    (@page $self:ident $ctx:ident $args:ident root($model:path)) => {
        crate::graphql::connection::root_list::<$model, _, _>($ctx, $args)
    };
    (@page $self:ident $ctx:ident $args:ident child($relation:ident)) => {
        crate::graphql::connection::child_list(
            $ctx,
            $relation,
            crate::graphql::loaders::Row::key(&$self.0),
            $args,
        )
    };
}

pub(crate) use with_lists;
