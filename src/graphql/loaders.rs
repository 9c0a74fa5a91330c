//! Request-scoped DataLoaders: every association is loaded in batches, so the number of SQL
//! statements depends on the shape of a query, never on the number of rows.
//!
//! Keys carry the field's arguments (filter, order, page), so two aliases of one field with
//! different arguments are batched separately and never mixed.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, Loader};
use chrono::{DateTime, Utc};
use entity::{group, user};
use rustc_hash::FxHashMap;
use sea_orm::DatabaseConnection;

use crate::catalog;
use crate::catalog::{EntityDef, RelationDef};
use crate::error::DomainError;
use crate::graphql::scheduler::{self, Scheduler};
use crate::query::page::{self, FilterKey, ListSpec, Page, ParentKey};
use crate::query::rows::Positional;

/// The most keys one batch takes before it is sent. Above it a level of a query is split
/// into several statements; it stays far below the bind-parameter limits of both engines
/// (PostgreSQL 65,535; SQLite 32,766).
pub const MAX_BATCH: usize = 10_000;

/// A loader for one request: its batches run on the request's task and take their keys once
/// the request's resolvers have settled ([`scheduler::spawner`] decides when a level of the
/// query is complete), with no timer in between (async-graphql's zero delay is async-io's
/// zero-length timer, ready when first polled; see `Cargo.toml`), and at most [`MAX_BATCH`]
/// keys go into one statement.
pub(crate) fn batching<T: Send + Sync + 'static>(
    loader: T,
    scheduler: &Arc<Scheduler>,
) -> DataLoader<T> {
    DataLoader::new(loader, scheduler::spawner(scheduler.clone()))
        .max_batch_size(MAX_BATCH)
        .delay(Duration::ZERO)
}

/// A loader failure, shared by every key of the failed batch.
pub type LoadError = Arc<DomainError>;

/// A load in progress, boxed: async-graphql moves every field's future into a box of the
/// size of the largest field of its type, so a DataLoader's future carried inline by the
/// fields that load would be copied for every field of the type, `id` included.
pub type Loading<'a, T> = futures::future::BoxFuture<'a, Result<T, LoadError>>;

/// A row type the loaders can key by its primary key.
pub trait Row: Positional + Clone + Send + Sync + 'static {
    /// The table's description.
    const DEF: &'static EntityDef;
    /// The row's primary key.
    fn key(&self) -> ParentKey;
    /// This row type's loaders among a request's.
    fn slots(loaders: &RowLoaders) -> &Slots<Self>;
}

/// One row type's loaders for one request, each made when first used.
pub struct Slots<M> {
    by_id: OnceLock<DataLoader<ById<M>>>,
    children: OnceLock<DataLoader<Children<M>>>,
    single_children: OnceLock<DataLoader<SingleChildren<M>>>,
}

impl<M> Default for Slots<M> {
    fn default() -> Self {
        Self {
            by_id: OnceLock::new(),
            children: OnceLock::new(),
            single_children: OnceLock::new(),
        }
    }
}

/// Derives [`Row`] for every model from its declaration ([`crate::catalog::resources`]), and
/// the [`RowLoaders`] that hold each row type's loaders.
macro_rules! rows {
    ($(
        $(#[$doc:meta])*
        $name:ident($table:literal) $listing:ident($($plural:literal)?) {
            key: $pk:ident $pk_kind:ident;
            $($rest:tt)*
        }
    )*) => { pastey::paste! {
        /// The loaders of every row type, for one request.
        #[derive(Default)]
        pub struct RowLoaders {
            $([<$name:snake>]: Slots<entity::[<$name:snake>]::Model>,)*
        }

        $(impl Row for entity::[<$name:snake>]::Model {
            const DEF: &'static EntityDef = &crate::catalog::[<$name:snake:upper>];
            fn key(&self) -> ParentKey {
                rows!(@key $pk_kind self.$pk)
            }
            fn slots(loaders: &RowLoaders) -> &Slots<Self> {
                &loaders.[<$name:snake>]
            }
        })*
    } };
    (@key Int $value:expr) => {
        ParentKey::Int($value)
    };
    (@key Text $value:expr) => {
        ParentKey::Text($value.clone())
    };
}

crate::catalog::resources!(rows);

/// A relation of an entity, comparable and hashable by name.
#[derive(Clone, Copy)]
pub struct RelationRef {
    /// The entity the relation starts from.
    pub owner: &'static EntityDef,
    /// The relation.
    pub relation: &'static RelationDef,
}

/// Relations are statics, each in its owner's list, so the address identifies one (and
/// hashes in one step instead of two strings).
impl PartialEq for RelationRef {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.relation, other.relation)
    }
}

impl Eq for RelationRef {}

impl Hash for RelationRef {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::ptr::hash(self.relation, state);
    }
}

impl std::fmt::Debug for RelationRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.owner.name, self.relation.name)
    }
}

/// A list field's arguments with their hash computed once. A DataLoader hashes each key
/// several times, and hashing the filter and sort keys every time took about 9% of the work
/// of the full OKR page (callgrind).
#[derive(Clone, Debug)]
pub struct SpecKey {
    spec: Arc<ListSpec>,
    hash: u64,
}

impl SpecKey {
    /// Wraps `spec`, hashing it once.
    pub fn new(spec: Arc<ListSpec>) -> Self {
        let mut hasher = std::hash::DefaultHasher::new();
        spec.hash(&mut hasher);
        Self {
            hash: hasher.finish(),
            spec,
        }
    }
}

impl std::ops::Deref for SpecKey {
    type Target = ListSpec;

    fn deref(&self) -> &ListSpec {
        &self.spec
    }
}

impl PartialEq for SpecKey {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && (Arc::ptr_eq(&self.spec, &other.spec) || self.spec == other.spec)
    }
}

impl Eq for SpecKey {}

impl Hash for SpecKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// One parent's page of a relation with given arguments. async-graphql's DataLoader hashes
/// a key about five times per load (SipHash, in its own maps), so the key's hash is computed
/// once, when it is made, and the DataLoader hashes only that.
#[derive(Clone, Debug)]
pub struct ChildKey {
    /// The relation.
    pub relation: RelationRef,
    /// The field's arguments.
    pub spec: SpecKey,
    /// The parent row.
    pub parent: ParentKey,
    hash: u64,
}

impl ChildKey {
    /// The key of `parent`'s page of `relation` with the arguments `spec`.
    pub fn new(relation: RelationRef, spec: SpecKey, parent: ParentKey) -> Self {
        let mut hasher = rustc_hash::FxHasher::default();
        relation.hash(&mut hasher);
        spec.hash(&mut hasher);
        parent.hash(&mut hasher);
        Self {
            hash: hasher.finish(),
            relation,
            spec,
            parent,
        }
    }
}

impl PartialEq for ChildKey {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && self.relation == other.relation
            && self.parent == other.parent
            && self.spec == other.spec
    }
}

impl Eq for ChildKey {}

impl Hash for ChildKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

/// One parent's count of related rows matching a filter.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CountKey {
    /// The relation.
    pub relation: RelationRef,
    /// The filter.
    pub filter: Arc<FilterKey>,
    /// The parent row.
    pub parent: ParentKey,
}

/// Loads rows of `M` by primary key.
pub struct ById<M> {
    db: DatabaseConnection,
    now: DateTime<Utc>,
    _row: PhantomData<fn() -> M>,
}

impl<M: Row> Loader<ParentKey> for ById<M> {
    type Value = M;
    type Error = LoadError;

    async fn load(&self, keys: &[ParentKey]) -> Result<HashMap<ParentKey, M>, LoadError> {
        let rows: Vec<M> = page::by_keys(&self.db, M::DEF, keys, self.now)
            .await
            .map_err(Arc::new)?;
        Ok(rows.into_iter().map(|row| (row.key(), row)).collect())
    }
}

/// The user or the group that owns an OKR.
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)] // one per loaded owner, moved into an `Owner` at once
pub enum OwnerRow {
    /// A user owns it.
    User(user::Model),
    /// A group owns it, possibly deleted since (decisions.md 25).
    Group(group::Model),
}

/// `OKR`'s `user` and `group` relations, the two ways an OKR is owned.
const OKR_OWNERS: (&RelationDef, &RelationDef) = (
    catalog::OKR
        .relation(catalog::okr::USER)
        .expect("an OKR has a user"),
    catalog::OKR
        .relation(catalog::okr::GROUP)
        .expect("an OKR has a group"),
);

/// Loads the owners of OKRs by the OKRs' ids: each OKR with its user and its group in one
/// statement, so an objective's owner takes one batch instead of its OKR's and then its
/// owner's. Deleted OKRs and deleted groups are included: an OKR's owner is read for the OKR
/// a mutation has just deleted, and a deleted group still owns its OKRs (decisions.md 25).
pub struct Owners {
    db: DatabaseConnection,
    now: DateTime<Utc>,
}

impl Loader<i64> for Owners {
    type Value = OwnerRow;
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, OwnerRow>, LoadError> {
        let keys: Vec<ParentKey> = keys.iter().map(|id| ParentKey::Int(*id)).collect();
        let pairs = page::to_one_pair::<user::Model, group::Model>(
            &self.db,
            &catalog::OKR,
            OKR_OWNERS,
            &keys,
            self.now,
        )
        .await
        .map_err(Arc::new)?;
        Ok(pairs
            .into_iter()
            .filter_map(|(key, pair)| {
                let ParentKey::Int(id) = key else {
                    return None;
                };
                match pair {
                    (Some(user), _) => Some((id, OwnerRow::User(user))),
                    (None, Some(group)) => Some((id, OwnerRow::Group(group))),
                    (None, None) => None,
                }
            })
            .collect())
    }
}

/// Loads per-parent pages of related `M` rows, one statement per distinct relation and arguments.
pub struct Children<M> {
    db: DatabaseConnection,
    now: DateTime<Utc>,
    _row: PhantomData<fn() -> M>,
}

/// Pages are shared (`Arc`): the DataLoader clones each value for the load that asked for it,
/// which for a page of rows was a deep copy of every row.
impl<M: Row> Loader<ChildKey> for Children<M> {
    type Value = Arc<Page<M>>;
    type Error = LoadError;

    async fn load(&self, keys: &[ChildKey]) -> Result<HashMap<ChildKey, Arc<Page<M>>>, LoadError> {
        let mut groups: HashMap<(RelationRef, SpecKey), Vec<ParentKey>> = HashMap::new();
        for key in keys {
            groups
                .entry((key.relation, key.spec.clone()))
                .or_default()
                .push(key.parent.clone());
        }
        let mut pages = HashMap::new();
        for ((relation, spec), parents) in groups {
            let loaded = page::list_children::<M>(
                &self.db,
                relation.owner,
                relation.relation,
                &parents,
                &spec,
                self.now,
            )
            .await
            .map_err(Arc::new)?;
            for (parent, page) in loaded {
                pages.insert(
                    ChildKey::new(relation, spec.clone(), parent),
                    Arc::new(page),
                );
            }
        }
        Ok(pages)
    }
}

/// One parent's row through a to-one relation keyed on the related side.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SingleChildKey {
    /// The relation.
    pub relation: RelationRef,
    /// The parent row.
    pub parent: ParentKey,
}

/// Loads each parent's single related `M` row (an OKR's reflection, an objective's
/// assessment), one statement per relation ([`page::one_per_parent`]).
pub struct SingleChildren<M> {
    db: DatabaseConnection,
    now: DateTime<Utc>,
    _row: PhantomData<fn() -> M>,
}

impl<M: Row> Loader<SingleChildKey> for SingleChildren<M> {
    type Value = M;
    type Error = LoadError;

    async fn load(&self, keys: &[SingleChildKey]) -> Result<HashMap<SingleChildKey, M>, LoadError> {
        let mut groups: HashMap<RelationRef, Vec<ParentKey>> = HashMap::new();
        for key in keys {
            groups
                .entry(key.relation)
                .or_default()
                .push(key.parent.clone());
        }
        let mut rows = HashMap::with_capacity(keys.len());
        for (relation, parents) in groups {
            let loaded = page::one_per_parent::<M>(
                &self.db,
                relation.owner,
                relation.relation,
                &parents,
                self.now,
            )
            .await
            .map_err(Arc::new)?;
            rows.extend(
                loaded
                    .into_iter()
                    .map(|(parent, row)| (SingleChildKey { relation, parent }, row)),
            );
        }
        Ok(rows)
    }
}

/// Loads per-parent counts, one statement per distinct relation and filter.
pub struct Counts {
    db: DatabaseConnection,
    now: DateTime<Utc>,
}

impl Loader<CountKey> for Counts {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[CountKey]) -> Result<HashMap<CountKey, u64>, LoadError> {
        let mut groups: HashMap<(RelationRef, Arc<FilterKey>), Vec<ParentKey>> = HashMap::new();
        for key in keys {
            groups
                .entry((key.relation, key.filter.clone()))
                .or_default()
                .push(key.parent.clone());
        }
        let mut counts = HashMap::new();
        for ((relation, filter), parents) in groups {
            let loaded = page::count_children(
                &self.db,
                relation.owner,
                relation.relation,
                &parents,
                &filter.0,
                self.now,
            )
            .await
            .map_err(Arc::new)?;
            for (parent, n) in loaded {
                counts.insert(
                    CountKey {
                        relation,
                        filter: filter.clone(),
                        parent,
                    },
                    n,
                );
            }
        }
        Ok(counts)
    }
}

/// Loads objectives' computed scores `(mid, final)` in parts per billion, with the same SQL
/// expressions that `where` and `orderBy` use, so what is shown is what is filtered.
pub struct Scores {
    db: DatabaseConnection,
    now: DateTime<Utc>,
}

impl Loader<i64> for Scores {
    type Value = (i64, i64);
    type Error = LoadError;

    async fn load(&self, keys: &[i64]) -> Result<HashMap<i64, (i64, i64)>, LoadError> {
        let keys: Vec<ParentKey> = keys.iter().map(|id| ParentKey::Int(*id)).collect();
        let fields = ["midScore", "finalScore"];
        let values = page::int_fields(&self.db, &catalog::OBJECTIVE, &fields, &keys, self.now)
            .await
            .map_err(Arc::new)?;
        Ok(values
            .into_iter()
            .filter_map(|(key, v)| match (key, v.as_slice()) {
                (ParentKey::Int(id), [mid, fin]) => Some((id, (*mid, *fin))),
                _ => None,
            })
            .collect())
    }
}

/// Every loader of one request, plus the request's clock.
pub struct Loaders {
    /// The instant "now" means for this whole request.
    pub now: DateTime<Utc>,
    /// The database, for top-level reads.
    pub db: DatabaseConnection,
    batch_db: DatabaseConnection,
    scheduler: Arc<Scheduler>,
    rows: RowLoaders,
    counts: DataLoader<Counts>,
    scores: DataLoader<Scores>,
    owners: DataLoader<Owners>,
    list_specs: Mutex<FxHashMap<ListSite, (SpecKey, Arc<FilterKey>)>>,
}

/// Where a list field is in the request: the addresses of its node in the document and of
/// the relation it follows. Every parent that reaches the same node lists with the same arguments (the
/// document and the variables are the request's), so they are checked and hashed once.
pub type ListSite = (usize, usize);

impl Loaders {
    /// Fresh loaders for one request: top-level reads go to `db`, batches to `batch_db`
    /// ([`crate::db::connect_batches`]), and `scheduler` runs the batches. A row type's
    /// loaders are made when the request first uses them.
    pub fn new(
        db: DatabaseConnection,
        batch_db: &DatabaseConnection,
        scheduler: Arc<Scheduler>,
    ) -> Self {
        let now = crate::domain::clock::now();
        Self {
            counts: batching(
                Counts {
                    db: batch_db.clone(),
                    now,
                },
                &scheduler,
            ),
            scores: batching(
                Scores {
                    db: batch_db.clone(),
                    now,
                },
                &scheduler,
            ),
            owners: batching(
                Owners {
                    db: batch_db.clone(),
                    now,
                },
                &scheduler,
            ),
            batch_db: batch_db.clone(),
            list_specs: Mutex::default(),
            rows: RowLoaders::default(),
            now,
            db,
            scheduler,
        }
    }

    /// The loader in `slot`, made by `make` from the batch pool and the request's clock when
    /// first used.
    fn made<'a, L: Send + Sync + 'static>(
        &'a self,
        slot: &'a OnceLock<DataLoader<L>>,
        make: impl FnOnce(DatabaseConnection, DateTime<Utc>) -> L,
    ) -> &'a DataLoader<L> {
        slot.get_or_init(|| batching(make(self.batch_db.clone(), self.now), &self.scheduler))
    }

    fn by_id<M: Row>(&self) -> &DataLoader<ById<M>> {
        self.made(&M::slots(&self.rows).by_id, |db, now| ById {
            db,
            now,
            _row: PhantomData,
        })
    }

    fn children<M: Row>(&self) -> &DataLoader<Children<M>> {
        self.made(&M::slots(&self.rows).children, |db, now| Children {
            db,
            now,
            _row: PhantomData,
        })
    }

    /// The user or group that owns the OKR with this id (see [`Owners`]).
    pub fn owner(&self, okr_id: i64) -> Loading<'_, Option<OwnerRow>> {
        Box::pin(self.owners.load_one(okr_id))
    }

    /// The live row of `M` with this key, if any.
    pub fn one<M: Row>(&self, key: ParentKey) -> Loading<'_, Option<M>> {
        Box::pin(self.by_id::<M>().load_one(key))
    }

    fn single_children<M: Row>(&self) -> &DataLoader<SingleChildren<M>> {
        self.made(&M::slots(&self.rows).single_children, |db, now| {
            SingleChildren {
                db,
                now,
                _row: PhantomData,
            }
        })
    }

    /// The live `M` row related to `parent` through the to-one `relation` keyed on the
    /// related side, if any.
    pub fn single_child<M: Row>(
        &self,
        relation: RelationRef,
        parent: ParentKey,
    ) -> Loading<'_, Option<M>> {
        let key = SingleChildKey { relation, parent };
        Box::pin(self.single_children::<M>().load_one(key))
    }

    /// The page of `M` rows related to `parent` through `relation`, with these arguments.
    pub fn page<M: Row>(
        &self,
        relation: RelationRef,
        spec: SpecKey,
        parent: ParentKey,
    ) -> Loading<'_, Page<M>> {
        let key = ChildKey::new(relation, spec, parent);
        Box::pin(async move {
            let shared = self.children::<M>().load_one(key).await?;
            // The batch has let go of its copy by now, so the page is taken, not copied.
            Ok(shared
                .map(|page| Arc::try_unwrap(page).unwrap_or_else(|page| (*page).clone()))
                .unwrap_or_default())
        })
    }

    /// The arguments of the list at `site` in this request, with its filter for counting:
    /// made by `make` the first time, shared after. A refusal is not kept.
    pub fn list_spec<E>(
        &self,
        site: ListSite,
        make: impl FnOnce() -> Result<ListSpec, E>,
    ) -> Result<(SpecKey, Arc<FilterKey>), E> {
        if let Some(made) = self.specs().get(&site) {
            return Ok(made.clone());
        }
        let spec = make()?;
        let filter = Arc::new(spec.filter.clone());
        let made = (SpecKey::new(Arc::new(spec)), filter);
        self.specs().insert(site, made.clone());
        Ok(made)
    }

    fn specs(&self) -> std::sync::MutexGuard<'_, FxHashMap<ListSite, (SpecKey, Arc<FilterKey>)>> {
        // The map stays valid if a holder panicked.
        self.list_specs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many rows related to `parent` through `relation` match `filter`.
    pub fn count(
        &self,
        relation: RelationRef,
        filter: Arc<FilterKey>,
        parent: ParentKey,
    ) -> Loading<'_, u64> {
        let key = CountKey {
            relation,
            filter,
            parent,
        };
        Box::pin(async move { Ok(self.counts.load_one(key).await?.unwrap_or(0)) })
    }
}

impl Loaders {
    /// An objective's computed `(mid, final)` scores in parts per billion.
    pub fn scores(&self, objective_id: i64) -> Loading<'_, (i64, i64)> {
        Box::pin(async move { Ok(self.scores.load_one(objective_id).await?.unwrap_or((0, 0))) })
    }
}
