//! Queries about users.

use async_graphql::{Context, ID, Object};
use entity::user;

use crate::graphql::connection::root_page;
use crate::graphql::connection::with_lists;
use crate::graphql::context::{loaders, signed_in_user};
use crate::graphql::errors::shared;
use crate::graphql::query::user_id;
use crate::graphql::types::{User, UserConnection};
use crate::query::filter::{Filter, Predicate, Scalar};
use crate::query::page::{PageArgs, ParentKey};

/// User queries.
#[derive(Default)]
pub(crate) struct UserQuery;

with_lists! {
    #[Object]
    impl UserQuery {
        /// The signed-in user.
        async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
            Ok(User(signed_in_user(ctx).await?.clone()))
        }

        /// A user by id, or null when there is none.
        async fn user(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<User>> {
            signed_in_user(ctx).await?;
            let id = user_id(&id, "id")?;
            let user = loaders(ctx)?
                .one::<user::Model>(ParentKey::Text(id.to_owned()))
                .await
                .map_err(shared)?;
            Ok(user.map(User))
        }

        /// A user by slug (exact), or null when there is none.
        async fn user_by_slug(
            &self,
            ctx: &Context<'_>,
            slug: String,
        ) -> async_graphql::Result<Option<User>> {
            signed_in_user(ctx).await?;
            let filter = Filter::field("slug", Predicate::Eq(Scalar::Text(slug)));
            let args = PageArgs {
                first: Some(1),
                ..PageArgs::default()
            };
            let (page, _) = root_page::<user::Model>(ctx, filter, None, args).await?;
            Ok(page.rows.into_iter().next().map(|(row, _)| User(row)))
        }
    }

    lists {
        /// Users: by default the active ones, by family name.
        users: User = root(user::Model);
    }
}
