//! The directory: users and groups as an identity provider provisions them.
//!
//! [`Directory`] is the port the SCIM edge talks to (the original's "behaviour"): a [`Store`]
//! of each [`Kind`] ([`Users`], [`Groups`]) that lists, gets, creates, replaces and deletes in
//! domain terms. [`SqlDirectory`] implements it on the database, once, over the generic
//! store in `store.rs`. Nothing here knows SCIM JSON; nothing in SCIM touches SeaORM.

mod groups;
mod store;
mod users;

use futures::future::BoxFuture;
use sea_orm::DatabaseConnection;

use crate::domain::users::Email;
use crate::error::DomainError;
use crate::query::filter::Filter;
use store::Table;

/// Filtering, ordering and paging of a list; the order always ends with the id.
#[derive(Debug, Clone, PartialEq)]
pub struct ListQuery {
    /// Only rows matching this filter over the kind's catalog entry ([`crate::catalog::USER`],
    /// [`crate::catalog::GROUP`]), compiled by the read engine as GraphQL's `where` is.
    pub filter: Option<Filter>,
    /// Order by this field of the catalog entry first.
    pub sort: Option<&'static str>,
    /// Descending instead of ascending.
    pub descending: bool,
    /// Rows to skip.
    pub offset: u64,
    /// Most rows to return.
    pub limit: u64,
}

/// One page of a list and the number of all matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// Rows matching the filter, on every page.
    pub total: u64,
    /// This page.
    pub items: Vec<T>,
}

/// Every attribute of a user a provider writes (create and replace).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserFields {
    /// Login identity.
    pub user_name: String,
    /// The identity provider's id.
    pub external_id: Option<String>,
    /// Whether the user may sign in.
    pub active: bool,
    /// Given name.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Full name formatted for display.
    pub formatted_name: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// E-mail addresses.
    pub emails: Vec<Email>,
    /// Roles.
    pub roles: Vec<String>,
    /// Department.
    pub department: Option<String>,
    /// The manager's id.
    pub manager_id: Option<String>,
    /// The manager's display name.
    pub manager_display_name: Option<String>,
}

/// A live group a user belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRef {
    /// The group's id.
    pub id: i64,
    /// The group's name.
    pub name: String,
}

/// A live user and the live groups they belong to.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRecord {
    /// The row.
    pub user: entity::user::Model,
    /// Their groups, by id.
    pub groups: Vec<GroupRef>,
}

/// Every attribute of a group a provider writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupFields {
    /// The group's name.
    pub name: String,
    /// The identity provider's id.
    pub external_id: Option<String>,
    /// Member user ids.
    pub members: Vec<String>,
}

/// A live member of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRef {
    /// The user's id.
    pub user_id: String,
    /// The user's display name.
    pub display: String,
}

/// A live group and its live members.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRecord {
    /// The row.
    pub group: entity::group::Model,
    /// Its members, in the order they joined.
    pub members: Vec<MemberRef>,
}

/// A boxed future of a directory operation.
pub type DirFuture<'a, T> = BoxFuture<'a, Result<T, DomainError>>;

/// A kind of directory resource: what it is written and read as.
pub trait Kind: Send + Sync + 'static {
    /// Every attribute a provider writes.
    type Fields: Send + 'static;
    /// A stored resource as read back.
    type Record: Send + 'static;

    /// A record's version.
    fn version(record: &Self::Record) -> i32;
    /// The store of this kind in a directory.
    fn store(dir: &dyn Directory) -> &dyn Store<Self>;
}

/// Users: [`UserFields`] writes, [`UserRecord`] reads.
pub struct Users;

impl Kind for Users {
    type Fields = UserFields;
    type Record = UserRecord;

    fn version(record: &UserRecord) -> i32 {
        record.user.version
    }
    fn store(dir: &dyn Directory) -> &dyn Store<Self> {
        dir
    }
}

/// Groups: [`GroupFields`] writes, [`GroupRecord`] reads.
pub struct Groups;

impl Kind for Groups {
    type Fields = GroupFields;
    type Record = GroupRecord;

    fn version(record: &GroupRecord) -> i32 {
        record.group.version
    }
    fn store(dir: &dyn Directory) -> &dyn Store<Self> {
        dir
    }
}

/// The operations a provisioning protocol needs on one kind of resource.
///
/// Every write is one operation: the attributes are cast (the limits GraphQL applies to the
/// same columns, reported as [`crate::error::UserError`]s under SCIM attribute paths), then
/// applied in one write transaction (`store::begin`). The protocol edge has already
/// authenticated the provisioning client, which may change the whole directory.
///
/// Writes take the version the caller last saw (`expected`, when it sent one) and fail with
/// [`DomainError::Stale`] if the row moved on. A write that changes nothing writes nothing.
/// Creating brings back the hidden resource with the same identity (a user's userName or
/// externalId, a group's externalId); deleting a user deprovisions them (inactive and hidden,
/// data kept), deleting a group hides it and its memberships.
pub trait Store<K: Kind>: Send + Sync {
    /// Live resources matching the query.
    fn list(&self, query: ListQuery) -> DirFuture<'_, Page<K::Record>>;
    /// One live resource.
    fn get<'a>(&'a self, id: &'a str) -> DirFuture<'a, K::Record>;
    /// Creates a resource, or brings back the hidden one with the same identity.
    fn create(&self, fields: K::Fields) -> DirFuture<'_, K::Record>;
    /// Replaces every writable attribute of a live resource.
    fn replace<'a>(
        &'a self,
        id: &'a str,
        fields: K::Fields,
        expected: Option<i32>,
    ) -> DirFuture<'a, K::Record>;
    /// Deletes (hides) a live resource.
    fn delete<'a>(&'a self, id: &'a str, expected: Option<i32>) -> DirFuture<'a, ()>;
}

/// What a provisioning protocol needs from the domain: a [`Store`] of each kind.
pub trait Directory: Store<Users> + Store<Groups> {}

impl<T: Store<Users> + Store<Groups>> Directory for T {}

/// The directory on the application database.
#[derive(Clone)]
pub struct SqlDirectory {
    db: DatabaseConnection,
}

impl SqlDirectory {
    /// A directory on `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }
}

impl<K: Table> Store<K> for SqlDirectory {
    fn list(&self, query: ListQuery) -> DirFuture<'_, Page<K::Record>> {
        Box::pin(store::list::<K>(&self.db, query))
    }
    fn get<'a>(&'a self, id: &'a str) -> DirFuture<'a, K::Record> {
        Box::pin(store::get::<K>(&self.db, id))
    }
    fn create(&self, fields: K::Fields) -> DirFuture<'_, K::Record> {
        Box::pin(async move { K::create(&self.db, K::cast(fields)?).await })
    }
    fn replace<'a>(
        &'a self,
        id: &'a str,
        fields: K::Fields,
        expected: Option<i32>,
    ) -> DirFuture<'a, K::Record> {
        Box::pin(async move { K::replace(&self.db, id, K::cast(fields)?, expected).await })
    }
    fn delete<'a>(&'a self, id: &'a str, expected: Option<i32>) -> DirFuture<'a, ()> {
        Box::pin(K::delete(&self.db, id, expected))
    }
}

/// Fails with [`DomainError::Stale`] when the caller expected another version.
fn check_version(
    entity: &'static str,
    id: &str,
    current: i32,
    expected: Option<i32>,
) -> Result<(), DomainError> {
    match expected {
        Some(expected) if expected != current => Err(DomainError::Stale {
            entity,
            id: id.to_owned(),
            current,
        }),
        _ => Ok(()),
    }
}

fn not_found(entity: &'static str, id: &str) -> DomainError {
    DomainError::NotFound {
        entity,
        id: id.to_owned(),
    }
}
