//! Users in the directory: queries and writes behind [`super::Directory`].

use std::collections::HashMap;

use entity::{group, group_membership, user};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Value};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use super::store::{self, Table};
use super::{GroupRef, UserFields, UserRecord, Users};
use crate::catalog::{self, EntityDef};
use crate::domain::changeset::{Changeset, EMAIL_MAX, IDENTIFIER_MAX, NAME_MAX, NAME_PART_MAX};
use crate::domain::clock;
use crate::domain::users as people;
use crate::error::DomainError;

impl Table for Users {
    type Entity = user::Entity;
    type Active = user::ActiveModel;

    const NAME: &'static str = "User";
    const ID: user::Column = user::Column::Id;
    const VERSION: user::Column = user::Column::Version;
    const UPDATED_AT: user::Column = user::Column::UpdatedAt;
    const HIDDEN_AT: user::Column = user::Column::DeprovisionedAt;
    const DEF: &'static EntityDef = &catalog::USER;

    fn key(id: &str) -> Option<Value> {
        // Only the server's own spelling names a user; anything else is no one (404), and
        // never reaches the database (a NUL would be refused there).
        crate::values::ids::is_user_id(id).then(|| id.into())
    }
    fn id_of(row: &user::Model) -> String {
        row.id.clone()
    }
    fn version_of(row: &user::Model) -> i32 {
        row.version
    }
    /// The limits of every text a provider writes, as GraphQL applies them to the same
    /// columns.
    fn cast(fields: UserFields) -> Result<UserFields, DomainError> {
        let mut cs = Changeset::new();
        cs.required_text("userName", Some(&fields.user_name), IDENTIFIER_MAX);
        let optional = [
            ("externalId", &fields.external_id, IDENTIFIER_MAX),
            ("name.givenName", &fields.given_name, NAME_PART_MAX),
            ("name.familyName", &fields.family_name, NAME_PART_MAX),
            ("name.middleName", &fields.middle_name, NAME_PART_MAX),
            ("name.formatted", &fields.formatted_name, NAME_MAX),
            ("displayName", &fields.display_name, NAME_MAX),
            ("department", &fields.department, NAME_MAX),
            ("manager.value", &fields.manager_id, IDENTIFIER_MAX),
            (
                "manager.displayName",
                &fields.manager_display_name,
                NAME_MAX,
            ),
        ];
        for (field, value, max) in optional {
            if let Some(text) = value {
                cs.bounded(field, text, max);
            }
        }
        for (index, email) in fields.emails.iter().enumerate() {
            cs.nested("emails", index, |cs| {
                cs.required_text("value", Some(&email.value), EMAIL_MAX);
                if let Some(kind) = &email.kind {
                    cs.bounded("type", kind, NAME_MAX);
                }
            });
        }
        for (index, role) in fields.roles.iter().enumerate() {
            cs.nested("roles", index, |cs| cs.bounded("value", role, NAME_MAX));
        }
        cs.finish(Some(fields))
    }
    /// Attaches each user's live groups (two queries for the whole page).
    async fn attach(
        db: &impl ConnectionTrait,
        users: Vec<user::Model>,
    ) -> Result<Vec<UserRecord>, DomainError> {
        let ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
        let memberships: Vec<(String, i64)> = group_membership::Entity::find()
            .select_only()
            .column(group_membership::Column::UserId)
            .column(group_membership::Column::GroupId)
            .filter(group_membership::Column::UserId.is_in(ids))
            .filter(group_membership::Column::DeletedAt.is_null())
            .order_by_asc(group_membership::Column::GroupId)
            .into_tuple()
            .all(db)
            .await?;
        let group_ids: Vec<i64> = memberships.iter().map(|(_, g)| *g).collect();
        let names: HashMap<i64, String> = group::Entity::find()
            .select_only()
            .column(group::Column::Id)
            .column(group::Column::Name)
            .filter(group::Column::Id.is_in(group_ids))
            .filter(group::Column::DeletedAt.is_null())
            .into_tuple::<(i64, String)>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        let mut by_user: HashMap<String, Vec<GroupRef>> = HashMap::new();
        for (user_id, group_id) in memberships {
            if let Some(name) = names.get(&group_id) {
                by_user.entry(user_id).or_default().push(GroupRef {
                    id: group_id,
                    name: name.clone(),
                });
            }
        }
        Ok(users
            .into_iter()
            .map(|user| UserRecord {
                groups: by_user.remove(&user.id).unwrap_or_default(),
                user,
            })
            .collect())
    }
    /// Inserts a user, or revives the deprovisioned user with the same userName or externalId.
    async fn create(
        db: &DatabaseConnection,
        fields: UserFields,
    ) -> Result<UserRecord, DomainError> {
        let txn = crate::domain::store::begin(db).await?;
        let mut same_identity = Condition::any().add(
            Expr::expr(Func::lower(Expr::col(user::Column::UserName)))
                .eq(Func::lower(Expr::val(fields.user_name.clone()))),
        );
        if let Some(external_id) = &fields.external_id {
            same_identity = same_identity.add(user::Column::ExternalId.eq(external_id.clone()));
        }
        let revivable = user::Entity::find()
            .filter(user::Column::DeprovisionedAt.is_not_null())
            .filter(same_identity)
            .order_by_asc(user::Column::Id)
            .one(&txn)
            .await?;
        let id = match revivable {
            Some(old) => {
                let mut row = assigned(&fields)?;
                row.deprovisioned_at = Set(None);
                store::write::<Users>(&txn, &old, row).await?;
                old.id
            }
            None => insert(&txn, &fields).await?,
        };
        let record = store::get::<Users>(&txn, &id).await?;
        txn.commit().await?;
        Ok(record)
    }
    /// Replaces every writable attribute; a replace that changes nothing writes nothing.
    async fn replace(
        db: &DatabaseConnection,
        id: &str,
        fields: UserFields,
        expected: Option<i32>,
    ) -> Result<UserRecord, DomainError> {
        let txn = crate::domain::store::begin(db).await?;
        let current = store::current::<Users>(&txn, id, expected).await?;
        if fields_of(&current) != fields {
            store::write::<Users>(&txn, &current, assigned(&fields)?).await?;
        }
        let record = store::get::<Users>(&txn, id).await?;
        txn.commit().await?;
        Ok(record)
    }
    /// Deactivates and hides a user; their rows stay.
    async fn delete(
        db: &DatabaseConnection,
        id: &str,
        expected: Option<i32>,
    ) -> Result<(), DomainError> {
        let txn = crate::domain::store::begin(db).await?;
        let current = store::current::<Users>(&txn, id, expected).await?;
        let row = user::ActiveModel {
            active: Set(false),
            deprovisioned_at: Set(Some(clock::now())),
            ..Default::default()
        };
        store::write::<Users>(&txn, &current, row).await?;
        txn.commit().await?;
        Ok(())
    }
}

async fn insert(db: &impl ConnectionTrait, fields: &UserFields) -> Result<String, DomainError> {
    let slug = people::unique_slug(
        db,
        fields.given_name.as_deref(),
        fields.family_name.as_deref(),
        &fields.user_name,
    )
    .await?;
    let id = uuid::Uuid::now_v7().to_string();
    let now = clock::now();
    let mut row = assigned(fields)?;
    row.id = Set(id.clone());
    row.slug = Set(slug);
    row.deprovisioned_at = Set(None);
    row.version = Set(1);
    row.inserted_at = Set(now);
    row.updated_at = Set(now);
    user::Entity::insert(row).exec_without_returning(db).await?;
    Ok(id)
}

/// The writable columns, all `Set` from `fields`.
fn assigned(fields: &UserFields) -> Result<user::ActiveModel, DomainError> {
    let json = |value: serde_json::Result<serde_json::Value>| {
        value.map_err(|e| DomainError::Internal(e.into()))
    };
    let f = fields.clone();
    Ok(user::ActiveModel {
        user_name: Set(f.user_name),
        external_id: Set(f.external_id),
        active: Set(f.active),
        given_name: Set(f.given_name),
        family_name: Set(f.family_name),
        middle_name: Set(f.middle_name),
        formatted_name: Set(f.formatted_name),
        display_name: Set(f.display_name),
        emails: Set(json(serde_json::to_value(&f.emails))?),
        roles: Set(json(serde_json::to_value(&f.roles))?),
        department: Set(f.department),
        manager_id: Set(f.manager_id),
        manager_display_name: Set(f.manager_display_name),
        ..Default::default()
    })
}

/// The writable attributes of a stored user.
pub(super) fn fields_of(user: &user::Model) -> UserFields {
    UserFields {
        user_name: user.user_name.clone(),
        external_id: user.external_id.clone(),
        active: user.active,
        given_name: user.given_name.clone(),
        family_name: user.family_name.clone(),
        middle_name: user.middle_name.clone(),
        formatted_name: user.formatted_name.clone(),
        display_name: user.display_name.clone(),
        emails: people::emails(user),
        roles: people::roles(user),
        department: user.department.clone(),
        manager_id: user.manager_id.clone(),
        manager_display_name: user.manager_display_name.clone(),
    }
}
