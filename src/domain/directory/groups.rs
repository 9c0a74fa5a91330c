//! Groups in the directory: the same `groups` and `group_memberships` rows GraphQL shows.

use std::collections::{HashMap, HashSet};

use entity::{group, group_membership, user};
use sea_orm::sea_query::Value;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::store::{self, Table};
use super::{GroupFields, GroupRecord, Groups, MemberRef};
use crate::catalog::{self, EntityDef};
use crate::domain::changeset::{Changeset, IDENTIFIER_MAX};
use crate::domain::{clock, groups, rows};
use crate::error::DomainError;

impl Table for Groups {
    type Entity = group::Entity;
    type Active = group::ActiveModel;

    const NAME: &'static str = "Group";
    const ID: group::Column = group::Column::Id;
    const VERSION: group::Column = group::Column::Version;
    const UPDATED_AT: group::Column = group::Column::UpdatedAt;
    const HIDDEN_AT: group::Column = group::Column::DeletedAt;
    const DEF: &'static EntityDef = &catalog::GROUP;

    fn key(id: &str) -> Option<Value> {
        crate::values::ids::numeric(id).map(Value::from)
    }
    fn id_of(row: &group::Model) -> String {
        row.id.to_string()
    }
    fn version_of(row: &group::Model) -> i32 {
        row.version
    }
    /// The group name as GraphQL checks it, the externalId and member ids within their
    /// limits.
    fn cast(fields: GroupFields) -> Result<GroupFields, DomainError> {
        let mut cs = Changeset::new();
        groups::cast_name(&mut cs, "displayName", &fields.name);
        if let Some(external_id) = &fields.external_id {
            cs.bounded("externalId", external_id, IDENTIFIER_MAX);
        }
        for (index, member) in fields.members.iter().enumerate() {
            cs.nested("members", index, |cs| {
                cs.required_text("value", Some(member), IDENTIFIER_MAX)
            });
        }
        cs.finish(Some(fields))
    }
    /// Attaches each group's live members who are not deprovisioned (two queries per page).
    async fn attach(
        db: &impl ConnectionTrait,
        groups: Vec<group::Model>,
    ) -> Result<Vec<GroupRecord>, DomainError> {
        let ids: Vec<i64> = groups.iter().map(|g| g.id).collect();
        let memberships: Vec<(i64, String)> = group_membership::Entity::find()
            .select_only()
            .column(group_membership::Column::GroupId)
            .column(group_membership::Column::UserId)
            .filter(group_membership::Column::GroupId.is_in(ids))
            .filter(group_membership::Column::DeletedAt.is_null())
            .order_by_asc(group_membership::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        let user_ids: Vec<String> = memberships.iter().map(|(_, u)| u.clone()).collect();
        let people: HashMap<String, user::Model> = user::Entity::find()
            .filter(user::Column::Id.is_in(user_ids))
            .filter(user::Column::DeprovisionedAt.is_null())
            .all(db)
            .await?
            .into_iter()
            .map(|u| (u.id.clone(), u))
            .collect();
        let mut by_group: HashMap<i64, Vec<MemberRef>> = HashMap::new();
        for (group_id, user_id) in memberships {
            if let Some(person) = people.get(&user_id) {
                by_group.entry(group_id).or_default().push(MemberRef {
                    display: display(person),
                    user_id,
                });
            }
        }
        Ok(groups
            .into_iter()
            .map(|group| GroupRecord {
                members: by_group.remove(&group.id).unwrap_or_default(),
                group,
            })
            .collect())
    }
    /// Inserts a group (or revives the deleted group with the same externalId) with its members.
    async fn create(
        db: &DatabaseConnection,
        fields: GroupFields,
    ) -> Result<GroupRecord, DomainError> {
        let txn = crate::domain::store::begin(db).await?;
        let members = live_members(&txn, &fields.members).await?;
        let revivable = match &fields.external_id {
            Some(external_id) => {
                group::Entity::find()
                    .filter(group::Column::DeletedAt.is_not_null())
                    .filter(group::Column::ExternalId.eq(external_id.clone()))
                    .one(&txn)
                    .await?
            }
            None => None,
        };
        let id = match revivable {
            Some(old) => {
                let row = group::ActiveModel {
                    name: Set(fields.name.clone()),
                    deleted_at: Set(None),
                    ..Default::default()
                };
                store::write::<Groups>(&txn, &old, row).await?;
                old.id
            }
            None => {
                let slug = groups::unique_slug(&txn, &fields.name).await?;
                let mut row = rows::group(&fields.name, slug, false);
                row.external_id = Set(fields.external_id.clone());
                group::Entity::insert(row).exec(&txn).await?.last_insert_id
            }
        };
        set_members(&txn, id, &members).await?;
        let record = store::get::<Groups>(&txn, &id.to_string()).await?;
        txn.commit().await?;
        Ok(record)
    }
    /// Replaces name, externalId and members; a replace that changes nothing writes nothing.
    async fn replace(
        db: &DatabaseConnection,
        id: &str,
        fields: GroupFields,
        expected: Option<i32>,
    ) -> Result<GroupRecord, DomainError> {
        let txn = crate::domain::store::begin(db).await?;
        store::current::<Groups>(&txn, id, expected).await?;
        let current = store::get::<Groups>(&txn, id).await?;
        let members = live_members(&txn, &fields.members).await?;
        let before: Vec<String> = current.members.iter().map(|m| m.user_id.clone()).collect();
        let same_members = as_set(&before) == as_set(&members);
        if current.group.name != fields.name
            || current.group.external_id != fields.external_id
            || !same_members
        {
            let row = group::ActiveModel {
                name: Set(fields.name.clone()),
                external_id: Set(fields.external_id.clone()),
                ..Default::default()
            };
            store::write::<Groups>(&txn, &current.group, row).await?;
            set_members(&txn, current.group.id, &members).await?;
        }
        let record = store::get::<Groups>(&txn, id).await?;
        txn.commit().await?;
        Ok(record)
    }
    /// Hides a group and soft-deletes its memberships; its OKRs stay.
    async fn delete(
        db: &DatabaseConnection,
        id: &str,
        expected: Option<i32>,
    ) -> Result<(), DomainError> {
        let txn = crate::domain::store::begin(db).await?;
        let current = store::current::<Groups>(&txn, id, expected).await?;
        let row = group::ActiveModel {
            deleted_at: Set(Some(clock::now())),
            ..Default::default()
        };
        store::write::<Groups>(&txn, &current, row).await?;
        set_members(&txn, current.id, &[]).await?;
        txn.commit().await?;
        Ok(())
    }
}

fn as_set(ids: &[String]) -> HashSet<&str> {
    ids.iter().map(String::as_str).collect()
}

/// The member ids that name live users, in the given order; others are dropped (identity
/// providers push memberships of people this service was never given).
async fn live_members(
    db: &impl ConnectionTrait,
    members: &[String],
) -> Result<Vec<String>, DomainError> {
    let found: HashSet<String> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Id.is_in(members.iter().cloned()))
        .filter(user::Column::DeprovisionedAt.is_null())
        .into_tuple::<String>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(members
        .iter()
        .filter(|m| found.contains(m.as_str()))
        .cloned()
        .collect())
}

/// Makes the live memberships of `group_id` exactly `members`: soft-deletes the others and
/// inserts the missing ones, bumping each changed row's version.
async fn set_members(
    db: &impl ConnectionTrait,
    group_id: i64,
    members: &[String],
) -> Result<(), DomainError> {
    let wanted = as_set(members);
    let live: Vec<group_membership::Model> = group_membership::Entity::find()
        .filter(group_membership::Column::GroupId.eq(group_id))
        .filter(group_membership::Column::DeletedAt.is_null())
        .all(db)
        .await?;
    let now = clock::now();
    for membership in live.iter().filter(|m| !wanted.contains(m.user_id.as_str())) {
        group_membership::Entity::update_many()
            .set(group_membership::ActiveModel {
                deleted_at: Set(Some(now)),
                version: Set(membership.version + 1),
                updated_at: Set(now),
                ..Default::default()
            })
            .filter(group_membership::Column::Id.eq(membership.id))
            .exec(db)
            .await?;
    }
    let present: HashSet<&str> = live.iter().map(|m| m.user_id.as_str()).collect();
    let mut added = HashSet::new();
    for user_id in members {
        if !present.contains(user_id.as_str()) && added.insert(user_id.as_str()) {
            groups::add_member(db, group_id, user_id).await?;
        }
    }
    Ok(())
}

/// How a member is shown: display name, else given and family name, else user name.
fn display(person: &user::Model) -> String {
    let joined = crate::domain::users::display_name(person);
    person
        .display_name
        .clone()
        .filter(|d| !d.is_empty())
        .or_else(|| (!joined.is_empty()).then_some(joined))
        .unwrap_or_else(|| person.user_name.clone())
}
