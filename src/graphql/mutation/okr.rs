//! Mutations of OKRs and their reflections.

use async_graphql::{Context, ID, InputObject, Object};
use entity::{okr, okr_reflection};

use crate::domain::okrs::{self, NewOkr, OwnerRef};
use crate::domain::texts::{self, NewText, TextPatch};
use crate::graphql::inputs::entities::OwnerInput;
use crate::graphql::mutation::{actor, payload, target, target_input};
use crate::graphql::types::{Okr, OkrReflection};

/// The owner as the domain names it.
pub(crate) fn owner_ref(owner: &OwnerInput) -> OwnerRef {
    match owner {
        OwnerInput::UserId(id) => OwnerRef::User(id.0.clone()),
        OwnerInput::GroupId(id) => OwnerRef::Group(id.0.clone()),
    }
}

/// What a new OKR is made of.
#[derive(InputObject)]
pub(crate) struct CreateOkrInput {
    /// Who owns it: exactly one user or one group.
    owner: OwnerInput,
    /// The cycle it is for; the owner may have only one live OKR per cycle.
    cycle_id: ID,
}

payload!(
    /// The result of `createOkr`.
    CreateOkrPayload { okr: Okr(okr::Model) }
);

/// What a new reflection is made of.
#[derive(InputObject)]
pub(crate) struct CreateOkrReflectionInput {
    /// The OKR reflected on; it may have only one live reflection.
    okr_id: ID,
    /// The text (at most 10,000 characters).
    reflection: String,
}

/// A new text for a reflection.
#[derive(InputObject)]
pub(crate) struct UpdateOkrReflectionInput {
    /// The reflection.
    id: ID,
    /// The new text (at most 10,000 characters).
    reflection: String,
    /// The version the caller last saw (`STALE` if it changed since).
    expected_version: Option<i32>,
}

target_input!(
    /// The reflection to delete (for good).
    DeleteOkrReflectionInput
);

payload!(
    /// The result of `createOkrReflection`.
    CreateOkrReflectionPayload { okr_reflection: OkrReflection(okr_reflection::Model) }
);
payload!(
    /// The result of `updateOkrReflection`.
    UpdateOkrReflectionPayload { okr_reflection: OkrReflection(okr_reflection::Model) }
);
payload!(
    /// The result of `deleteOkrReflection`: the reflection as it was deleted.
    DeleteOkrReflectionPayload { okr_reflection: OkrReflection(okr_reflection::Model) }
);

/// OKR mutations.
#[derive(Default)]
pub(crate) struct OkrMutation;

#[Object]
impl OkrMutation {
    /// Creates an OKR for a user or a group and a cycle.
    async fn create_okr(
        &self,
        ctx: &Context<'_>,
        input: CreateOkrInput,
    ) -> async_graphql::Result<CreateOkrPayload> {
        let (db, actor) = actor(ctx).await?;
        let new = NewOkr {
            owner: owner_ref(&input.owner),
            cycle_id: input.cycle_id.0,
        };
        CreateOkrPayload::from_result(okrs::create(db, &actor, new).await)
    }

    /// Writes the reflection of an OKR.
    async fn create_okr_reflection(
        &self,
        ctx: &Context<'_>,
        input: CreateOkrReflectionInput,
    ) -> async_graphql::Result<CreateOkrReflectionPayload> {
        let (db, actor) = actor(ctx).await?;
        let new = NewText {
            parent_id: input.okr_id.0,
            text: input.reflection,
        };
        let result = texts::create::<okr_reflection::Entity>(db, &actor, new).await;
        CreateOkrReflectionPayload::from_result(result)
    }

    /// Replaces the text of a reflection.
    async fn update_okr_reflection(
        &self,
        ctx: &Context<'_>,
        input: UpdateOkrReflectionInput,
    ) -> async_graphql::Result<UpdateOkrReflectionPayload> {
        let (db, actor) = actor(ctx).await?;
        let patch = TextPatch {
            target: target(&input.id, input.expected_version),
            text: input.reflection,
        };
        let result = texts::update::<okr_reflection::Entity>(db, &actor, patch).await;
        UpdateOkrReflectionPayload::from_result(result)
    }

    /// Deletes a reflection for good; a new one may then be written.
    async fn delete_okr_reflection(
        &self,
        ctx: &Context<'_>,
        input: DeleteOkrReflectionInput,
    ) -> async_graphql::Result<DeleteOkrReflectionPayload> {
        let (db, actor) = actor(ctx).await?;
        let result = texts::delete::<okr_reflection::Entity>(db, &actor, input.target()).await;
        DeleteOkrReflectionPayload::from_result(result)
    }
}
