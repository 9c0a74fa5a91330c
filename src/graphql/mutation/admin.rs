//! Admin-only mutations: cycles, groups and memberships (decisions.md 6).

use async_graphql::{Context, ID, InputObject, Object};
use entity::{cycle, group};

use crate::domain::cycles::{self, CyclePatch, NewCycle};
use crate::domain::groups::{self, GroupPatch, MemberPair, NewGroup};
use crate::graphql::mutation::{actor, payload, target};
use crate::graphql::scalars::DateTime;
use crate::graphql::types::{Cycle, Group};

/// What a new cycle is made of.
#[derive(InputObject)]
pub(crate) struct CreateCycleInput {
    /// Title, e.g. `Q3 2026` (at most 200 characters).
    title: String,
    /// When it starts.
    starts_at: DateTime,
    /// When it ends; must be after `startsAt`.
    ends_at: DateTime,
}

/// Changes to a cycle; only the given fields change.
#[derive(InputObject)]
pub(crate) struct UpdateCycleInput {
    /// The cycle.
    id: ID,
    /// New title (at most 200 characters).
    title: Option<String>,
    /// New start.
    starts_at: Option<DateTime>,
    /// New end; the result must still end after it starts.
    ends_at: Option<DateTime>,
    /// The version the caller last saw (`STALE` if it changed since).
    expected_version: Option<i32>,
}

/// What a new group is made of.
#[derive(InputObject)]
pub(crate) struct CreateGroupInput {
    /// The name (at most 200 characters); the slug is made from it.
    name: String,
    /// Whether the group is listed first (default false).
    pinned: Option<bool>,
}

/// Changes to a group; only the given fields change.
#[derive(InputObject)]
pub(crate) struct UpdateGroupInput {
    /// The group.
    id: ID,
    /// New name (at most 200 characters).
    name: Option<String>,
    /// New pinned flag.
    pinned: Option<bool>,
    /// Make a new slug from the name (otherwise the slug is kept).
    #[graphql(default)]
    regenerate_slug: bool,
    /// The version the caller last saw (`STALE` if it changed since).
    expected_version: Option<i32>,
}

/// The membership to add.
#[derive(InputObject)]
pub(crate) struct AddGroupMemberInput {
    /// The group.
    group_id: ID,
    /// The user.
    user_id: ID,
}

/// The membership to end.
#[derive(InputObject)]
pub(crate) struct RemoveGroupMemberInput {
    /// The group.
    group_id: ID,
    /// The user.
    user_id: ID,
}

payload!(
    /// The result of `createCycle`.
    CreateCyclePayload { cycle: Cycle(cycle::Model) }
);
payload!(
    /// The result of `updateCycle`.
    UpdateCyclePayload { cycle: Cycle(cycle::Model) }
);
payload!(
    /// The result of `createGroup`.
    CreateGroupPayload { group: Group(group::Model) }
);
payload!(
    /// The result of `updateGroup`.
    UpdateGroupPayload { group: Group(group::Model) }
);
payload!(
    /// The result of `addGroupMember`: the group.
    AddGroupMemberPayload { group: Group(group::Model) }
);
payload!(
    /// The result of `removeGroupMember`: the group.
    RemoveGroupMemberPayload { group: Group(group::Model) }
);

/// Admin mutations.
#[derive(Default)]
pub(crate) struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Creates a cycle (admins only); the signed-in user is its creator.
    async fn create_cycle(
        &self,
        ctx: &Context<'_>,
        input: CreateCycleInput,
    ) -> async_graphql::Result<CreateCyclePayload> {
        let (db, actor) = actor(ctx).await?;
        let new = NewCycle {
            title: input.title,
            starts_at: input.starts_at.0,
            ends_at: input.ends_at.0,
        };
        CreateCyclePayload::from_result(cycles::create(db, &actor, new).await)
    }

    /// Changes a cycle (admins only).
    async fn update_cycle(
        &self,
        ctx: &Context<'_>,
        input: UpdateCycleInput,
    ) -> async_graphql::Result<UpdateCyclePayload> {
        let (db, actor) = actor(ctx).await?;
        let patch = CyclePatch {
            target: target(&input.id, input.expected_version),
            title: input.title,
            starts_at: input.starts_at.map(|at| at.0),
            ends_at: input.ends_at.map(|at| at.0),
        };
        UpdateCyclePayload::from_result(cycles::update(db, &actor, patch).await)
    }

    /// Creates a group (admins only).
    async fn create_group(
        &self,
        ctx: &Context<'_>,
        input: CreateGroupInput,
    ) -> async_graphql::Result<CreateGroupPayload> {
        let (db, actor) = actor(ctx).await?;
        let new = NewGroup {
            name: input.name,
            pinned: input.pinned,
        };
        CreateGroupPayload::from_result(groups::create_checked(db, &actor, new).await)
    }

    /// Renames or pins a group (admins only).
    async fn update_group(
        &self,
        ctx: &Context<'_>,
        input: UpdateGroupInput,
    ) -> async_graphql::Result<UpdateGroupPayload> {
        let (db, actor) = actor(ctx).await?;
        let patch = GroupPatch {
            target: target(&input.id, input.expected_version),
            name: input.name,
            pinned: input.pinned,
            regenerate_slug: input.regenerate_slug,
        };
        UpdateGroupPayload::from_result(groups::update(db, &actor, patch).await)
    }

    /// Adds a user to a group (admins only); adding a member again changes nothing.
    async fn add_group_member(
        &self,
        ctx: &Context<'_>,
        input: AddGroupMemberInput,
    ) -> async_graphql::Result<AddGroupMemberPayload> {
        let (db, actor) = actor(ctx).await?;
        let pair = MemberPair {
            group_id: input.group_id.0,
            user_id: input.user_id.0,
        };
        AddGroupMemberPayload::from_result(groups::add_member_checked(db, &actor, pair).await)
    }

    /// Removes a user from a group (admins only).
    async fn remove_group_member(
        &self,
        ctx: &Context<'_>,
        input: RemoveGroupMemberInput,
    ) -> async_graphql::Result<RemoveGroupMemberPayload> {
        let (db, actor) = actor(ctx).await?;
        let pair = MemberPair {
            group_id: input.group_id.0,
            user_id: input.user_id.0,
        };
        RemoveGroupMemberPayload::from_result(groups::remove_member(db, &actor, pair).await)
    }
}
