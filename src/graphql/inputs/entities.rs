//! `<Entity>Where`, `<Entity>ListWhere` and `<Entity>OrderBy` inputs.
//!
//! A `where` input's keys are AND-ed. Relation keys become `EXISTS` subqueries: to-one keys
//! take the related entity's `where`, to-many keys a `ListWhere` with `some`, `every` and
//! `none`. Defaults (`UserWhere.active`, `GroupWhere.hasActiveMembers`) apply to a list's own
//! `where` when the key is absent, and an explicit `null` removes them.

use async_graphql::{ID, InputObject, MaybeUndefined, OneofObject};

use crate::graphql::inputs::scalars::{
    BooleanFilter, DateTimeFilter, DecimalFilter, IdFilter, SortOrder, StringFilter,
};
use crate::query::filter::{Filter, Predicate, Quantifier, Scalar};
use crate::query::sort::{SortKey, SortPath};

/// Collects the parts of one `where` input.
#[derive(Default)]
struct Parts(Vec<Filter>);

impl Parts {
    fn extend(&mut self, filters: impl IntoIterator<Item = Filter>) {
        self.0.extend(filters);
    }

    fn relation(&mut self, relation: &'static str, quantifier: Quantifier, filter: Option<Filter>) {
        if let Some(filter) = filter {
            self.0.push(Filter::Relation {
                relation,
                quantifier,
                filter: Box::new(filter),
            });
        }
    }

    fn list<W: Where + async_graphql::InputType>(
        &mut self,
        relation: &'static str,
        list: Option<&ListWhere<W>>,
    ) {
        if let Some(list) = list {
            self.relation(
                relation,
                Quantifier::Some,
                list.some.as_deref().map(W::to_filter),
            );
            self.relation(
                relation,
                Quantifier::Every,
                list.every.as_deref().map(W::to_filter),
            );
            self.relation(
                relation,
                Quantifier::None,
                list.none.as_deref().map(W::to_filter),
            );
        }
    }

    fn logic<W: Where>(&mut self, and: Option<&Vec<W>>, or: Option<&Vec<W>>, not: Option<&W>) {
        if let Some(and) = and {
            self.0
                .push(Filter::And(and.iter().map(W::to_filter).collect()));
        }
        if let Some(or) = or {
            self.0
                .push(Filter::Or(or.iter().map(W::to_filter).collect()));
        }
        if let Some(not) = not {
            self.0.push(Filter::Not(Box::new(not.to_filter())));
        }
    }

    fn finish(self) -> Filter {
        Filter::all(self.0)
    }
}

/// A `where` input.
pub trait Where {
    /// The filter, without list defaults.
    fn to_filter(&self) -> Filter;
}

/// Conditions on the rows of a to-many relation.
#[derive(InputObject, Clone, Debug)]
#[graphql(concrete(name = "UserListWhere", params(UserWhere)))]
#[graphql(concrete(name = "GroupListWhere", params(GroupWhere)))]
#[graphql(concrete(name = "OkrListWhere", params(OkrWhere)))]
#[graphql(concrete(name = "ObjectiveListWhere", params(ObjectiveWhere)))]
#[graphql(concrete(name = "KeyResultListWhere", params(KeyResultWhere)))]
pub struct ListWhere<W: async_graphql::InputType> {
    /// At least one related row matches.
    pub some: Option<Box<W>>,
    /// Every related row matches (true when there are none).
    pub every: Option<Box<W>>,
    /// No related row matches.
    pub none: Option<Box<W>>,
}

fn text(filter: &Option<StringFilter>, field: &'static str) -> Vec<Filter> {
    filter
        .as_ref()
        .map(|f| f.to_filters(field))
        .unwrap_or_default()
}

fn id(filter: &Option<IdFilter>, field: &'static str) -> Vec<Filter> {
    filter
        .as_ref()
        .map(|f| f.to_filters(field))
        .unwrap_or_default()
}

fn instant(filter: &Option<DateTimeFilter>, field: &'static str) -> Vec<Filter> {
    filter
        .as_ref()
        .map(|f| f.to_filters(field))
        .unwrap_or_default()
}

fn decimal(filter: &Option<DecimalFilter>, field: &'static str) -> Vec<Filter> {
    filter
        .as_ref()
        .map(|f| f.to_filters(field))
        .unwrap_or_default()
}

fn flag(value: Option<bool>, field: &'static str) -> Option<Filter> {
    value.map(|b| Filter::field(field, Predicate::Eq(Scalar::Bool(b))))
}

/// Case-insensitive substring of any of `fields`.
fn search(text: &str, fields: &[&'static str]) -> Filter {
    Filter::Or(
        fields
            .iter()
            .map(|field| Filter::Field {
                field,
                predicate: Predicate::Contains(text.to_owned()),
                insensitive: true,
            })
            .collect(),
    )
}

/// The owner of an OKR: exactly one of a user and a group.
#[derive(OneofObject, Clone, Debug, PartialEq, Eq)]
pub enum OwnerInput {
    /// A user, by id.
    UserId(ID),
    /// A group, by id.
    GroupId(ID),
}

impl OwnerInput {
    /// The OKR filter "owned by this owner".
    pub fn to_filter(&self) -> Filter {
        match self {
            Self::UserId(id) => Filter::field("userId", Predicate::Eq(Scalar::Text(id.0.clone()))),
            Self::GroupId(id) => {
                Filter::field("groupId", Predicate::Eq(Scalar::Text(id.0.clone())))
            }
        }
    }
}

/// Conditions on users.
#[derive(InputObject, Clone, Debug, Default)]
pub struct UserWhere {
    /// The user's id.
    pub id: Option<IdFilter>,
    /// The login identity.
    pub user_name: Option<StringFilter>,
    /// Given name.
    pub given_name: Option<StringFilter>,
    /// Family name.
    pub family_name: Option<StringFilter>,
    /// URL handle.
    pub slug: Option<StringFilter>,
    /// Department.
    pub department: Option<StringFilter>,
    /// The identity provider's id.
    pub external_id: Option<StringFilter>,
    /// Active users only (`true`, the default for lists), inactive only (`false`), or
    /// everyone (`null`).
    pub active: MaybeUndefined<bool>,
    /// Case-insensitive substring of userName, givenName or familyName.
    pub search: Option<String>,
    /// When the user was created.
    pub inserted_at: Option<DateTimeFilter>,
    /// When the user last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// The user's groups.
    pub groups: Option<Box<ListWhere<GroupWhere>>>,
    /// OKRs the user owns.
    pub okrs: Option<Box<ListWhere<OkrWhere>>>,
    /// All of these.
    pub and: Option<Vec<UserWhere>>,
    /// Any of these.
    pub or: Option<Vec<UserWhere>>,
    /// Not this.
    pub not: Option<Box<UserWhere>>,
}

impl Where for UserWhere {
    fn to_filter(&self) -> Filter {
        let mut parts = Parts::default();
        parts.extend(id(&self.id, "id"));
        parts.extend(text(&self.user_name, "userName"));
        parts.extend(text(&self.given_name, "givenName"));
        parts.extend(text(&self.family_name, "familyName"));
        parts.extend(text(&self.slug, "slug"));
        parts.extend(text(&self.department, "department"));
        parts.extend(text(&self.external_id, "externalId"));
        parts.extend(flag(self.active.value().copied(), "active"));
        parts.extend(
            self.search
                .as_deref()
                .map(|s| search(s, &["userName", "givenName", "familyName"])),
        );
        parts.extend(instant(&self.inserted_at, "insertedAt"));
        parts.extend(instant(&self.updated_at, "updatedAt"));
        parts.list("groups", self.groups.as_deref());
        parts.list("okrs", self.okrs.as_deref());
        parts.logic(self.and.as_ref(), self.or.as_ref(), self.not.as_deref());
        parts.finish()
    }
}

impl UserWhere {
    /// The filter of a user list: `active` defaults to `true` when the key is absent.
    pub fn list_filter(input: Option<&Self>) -> Filter {
        let default_active = input.is_none_or(|w| w.active.is_undefined());
        let mut parts = vec![input.map_or(Filter::True, Where::to_filter)];
        parts.extend(
            default_active.then(|| Filter::field("active", Predicate::Eq(Scalar::Bool(true)))),
        );
        Filter::all(parts)
    }
}

/// Conditions on groups.
#[derive(InputObject, Clone, Debug, Default)]
pub struct GroupWhere {
    /// The group's id.
    pub id: Option<IdFilter>,
    /// Name.
    pub name: Option<StringFilter>,
    /// URL handle.
    pub slug: Option<StringFilter>,
    /// The identity provider's id.
    pub external_id: Option<StringFilter>,
    /// Pinned groups (`true`) or the others (`false`).
    pub pinned: Option<BooleanFilter>,
    /// Groups with at least one active member (`true`, the default for lists), without one
    /// (`false`), or all (`null`).
    pub has_active_members: MaybeUndefined<bool>,
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
    /// When the group was created.
    pub inserted_at: Option<DateTimeFilter>,
    /// When the group last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// The group's members.
    pub members: Option<Box<ListWhere<UserWhere>>>,
    /// OKRs the group owns.
    pub okrs: Option<Box<ListWhere<OkrWhere>>>,
    /// All of these.
    pub and: Option<Vec<GroupWhere>>,
    /// Any of these.
    pub or: Option<Vec<GroupWhere>>,
    /// Not this.
    pub not: Option<Box<GroupWhere>>,
}

fn has_active_members(value: bool) -> Filter {
    let active = Filter::field("active", Predicate::Eq(Scalar::Bool(true)));
    let quantifier = if value {
        Quantifier::Some
    } else {
        Quantifier::None
    };
    Filter::Relation {
        relation: "members",
        quantifier,
        filter: Box::new(active),
    }
}

impl Where for GroupWhere {
    fn to_filter(&self) -> Filter {
        let mut parts = Parts::default();
        parts.extend(id(&self.id, "id"));
        parts.extend(text(&self.name, "name"));
        parts.extend(text(&self.slug, "slug"));
        parts.extend(text(&self.external_id, "externalId"));
        parts.extend(
            self.pinned
                .as_ref()
                .map(|f| f.to_filters("pinned"))
                .unwrap_or_default(),
        );
        parts.extend(
            self.has_active_members
                .value()
                .map(|b| has_active_members(*b)),
        );
        parts.extend(self.search.as_deref().map(|s| search(s, &["name"])));
        parts.extend(instant(&self.inserted_at, "insertedAt"));
        parts.extend(instant(&self.updated_at, "updatedAt"));
        parts.list("members", self.members.as_deref());
        parts.list("okrs", self.okrs.as_deref());
        parts.logic(self.and.as_ref(), self.or.as_ref(), self.not.as_deref());
        parts.finish()
    }
}

impl GroupWhere {
    /// The filter of a group list: `hasActiveMembers` defaults to `true` when absent.
    pub fn list_filter(input: Option<&Self>) -> Filter {
        let default = input.is_none_or(|w| w.has_active_members.is_undefined());
        let mut parts = vec![input.map_or(Filter::True, Where::to_filter)];
        parts.extend(default.then(|| has_active_members(true)));
        Filter::all(parts)
    }
}

/// Conditions on cycles.
#[derive(InputObject, Clone, Debug, Default)]
pub struct CycleWhere {
    /// The cycle's id.
    pub id: Option<IdFilter>,
    /// Title.
    pub title: Option<StringFilter>,
    /// Start.
    pub starts_at: Option<DateTimeFilter>,
    /// End.
    pub ends_at: Option<DateTimeFilter>,
    /// `true`: running now (`startsAt <= now <= endsAt`); `false`: not running now.
    pub active: Option<bool>,
    /// `true`: not over yet (`endsAt >= now`); `false`: over.
    pub present_or_future: Option<bool>,
    /// When the cycle was created.
    pub inserted_at: Option<DateTimeFilter>,
    /// When the cycle last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// OKRs of the cycle.
    pub okrs: Option<Box<ListWhere<OkrWhere>>>,
    /// All of these.
    pub and: Option<Vec<CycleWhere>>,
    /// Any of these.
    pub or: Option<Vec<CycleWhere>>,
    /// Not this.
    pub not: Option<Box<CycleWhere>>,
}

impl Where for CycleWhere {
    fn to_filter(&self) -> Filter {
        let mut parts = Parts::default();
        parts.extend(id(&self.id, "id"));
        parts.extend(text(&self.title, "title"));
        parts.extend(instant(&self.starts_at, "startsAt"));
        parts.extend(instant(&self.ends_at, "endsAt"));
        parts.extend(flag(self.active, "active"));
        parts.extend(flag(self.present_or_future, "presentOrFuture"));
        parts.extend(instant(&self.inserted_at, "insertedAt"));
        parts.extend(instant(&self.updated_at, "updatedAt"));
        parts.list("okrs", self.okrs.as_deref());
        parts.logic(self.and.as_ref(), self.or.as_ref(), self.not.as_deref());
        parts.finish()
    }
}

/// Conditions on OKRs.
#[derive(InputObject, Clone, Debug, Default)]
pub struct OkrWhere {
    /// The OKR's id.
    pub id: Option<IdFilter>,
    /// Owned by this user or group.
    pub owner: Option<OwnerInput>,
    /// The owning user matches (group-owned OKRs never match).
    pub user: Option<Box<UserWhere>>,
    /// The owning group matches (user-owned OKRs never match).
    pub group: Option<Box<GroupWhere>>,
    /// The cycle matches.
    pub cycle: Option<Box<CycleWhere>>,
    /// The OKR's objectives.
    pub objectives: Option<Box<ListWhere<ObjectiveWhere>>>,
    /// When the OKR was created.
    pub inserted_at: Option<DateTimeFilter>,
    /// When the OKR last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// All of these.
    pub and: Option<Vec<OkrWhere>>,
    /// Any of these.
    pub or: Option<Vec<OkrWhere>>,
    /// Not this.
    pub not: Option<Box<OkrWhere>>,
}

impl Where for OkrWhere {
    fn to_filter(&self) -> Filter {
        let mut parts = Parts::default();
        parts.extend(id(&self.id, "id"));
        parts.extend(self.owner.as_ref().map(OwnerInput::to_filter));
        parts.relation(
            "user",
            Quantifier::Is,
            self.user.as_deref().map(Where::to_filter),
        );
        parts.relation(
            "group",
            Quantifier::Is,
            self.group.as_deref().map(Where::to_filter),
        );
        parts.relation(
            "cycle",
            Quantifier::Is,
            self.cycle.as_deref().map(Where::to_filter),
        );
        parts.list("objectives", self.objectives.as_deref());
        parts.extend(instant(&self.inserted_at, "insertedAt"));
        parts.extend(instant(&self.updated_at, "updatedAt"));
        parts.logic(self.and.as_ref(), self.or.as_ref(), self.not.as_deref());
        parts.finish()
    }
}

/// Conditions on objectives.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ObjectiveWhere {
    /// The objective's id.
    pub id: Option<IdFilter>,
    /// The objective's text.
    pub content: Option<StringFilter>,
    /// `true`: cancelled; `false`: not cancelled.
    pub cancelled: Option<bool>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTimeFilter>,
    /// When it was created.
    pub inserted_at: Option<DateTimeFilter>,
    /// When it last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// The computed mid-cycle score.
    pub mid_score: Option<DecimalFilter>,
    /// The computed final score.
    pub final_score: Option<DecimalFilter>,
    /// The OKR matches.
    pub okr: Option<Box<OkrWhere>>,
    /// The objective's key results.
    pub key_results: Option<Box<ListWhere<KeyResultWhere>>>,
    /// Objectives this one contributes to.
    pub contributes_to: Option<Box<ListWhere<ObjectiveWhere>>>,
    /// Objectives that contribute to this one.
    pub contributed_by: Option<Box<ListWhere<ObjectiveWhere>>>,
    /// All of these.
    pub and: Option<Vec<ObjectiveWhere>>,
    /// Any of these.
    pub or: Option<Vec<ObjectiveWhere>>,
    /// Not this.
    pub not: Option<Box<ObjectiveWhere>>,
}

impl Where for ObjectiveWhere {
    fn to_filter(&self) -> Filter {
        let mut parts = Parts::default();
        parts.extend(id(&self.id, "id"));
        parts.extend(text(&self.content, "content"));
        parts.extend(flag(self.cancelled, "cancelled"));
        parts.extend(instant(&self.cancelled_at, "cancelledAt"));
        parts.extend(instant(&self.inserted_at, "insertedAt"));
        parts.extend(instant(&self.updated_at, "updatedAt"));
        parts.extend(decimal(&self.mid_score, "midScore"));
        parts.extend(decimal(&self.final_score, "finalScore"));
        parts.relation(
            "okr",
            Quantifier::Is,
            self.okr.as_deref().map(Where::to_filter),
        );
        parts.list("keyResults", self.key_results.as_deref());
        parts.list("contributesTo", self.contributes_to.as_deref());
        parts.list("contributedBy", self.contributed_by.as_deref());
        parts.logic(self.and.as_ref(), self.or.as_ref(), self.not.as_deref());
        parts.finish()
    }
}

/// Conditions on key results.
#[derive(InputObject, Clone, Debug, Default)]
pub struct KeyResultWhere {
    /// The key result's id.
    pub id: Option<IdFilter>,
    /// The key result's text.
    pub content: Option<StringFilter>,
    /// `true`: cancelled; `false`: not cancelled.
    pub cancelled: Option<bool>,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTimeFilter>,
    /// Mid-cycle score.
    pub mid_score: Option<DecimalFilter>,
    /// Final score.
    pub final_score: Option<DecimalFilter>,
    /// When it was created.
    pub inserted_at: Option<DateTimeFilter>,
    /// When it last changed.
    pub updated_at: Option<DateTimeFilter>,
    /// The objective matches.
    pub objective: Option<Box<ObjectiveWhere>>,
    /// All of these.
    pub and: Option<Vec<KeyResultWhere>>,
    /// Any of these.
    pub or: Option<Vec<KeyResultWhere>>,
    /// Not this.
    pub not: Option<Box<KeyResultWhere>>,
}

impl Where for KeyResultWhere {
    fn to_filter(&self) -> Filter {
        let mut parts = Parts::default();
        parts.extend(id(&self.id, "id"));
        parts.extend(text(&self.content, "content"));
        parts.extend(flag(self.cancelled, "cancelled"));
        parts.extend(instant(&self.cancelled_at, "cancelledAt"));
        parts.extend(decimal(&self.mid_score, "midScore"));
        parts.extend(decimal(&self.final_score, "finalScore"));
        parts.extend(instant(&self.inserted_at, "insertedAt"));
        parts.extend(instant(&self.updated_at, "updatedAt"));
        parts.relation(
            "objective",
            Quantifier::Is,
            self.objective.as_deref().map(Where::to_filter),
        );
        parts.logic(self.and.as_ref(), self.or.as_ref(), self.not.as_deref());
        parts.finish()
    }
}

/// Conditions on objective links.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ObjectiveLinkWhere {
    /// The link's id.
    pub id: Option<IdFilter>,
    /// The contributing objective's id.
    pub source_objective_id: Option<IdFilter>,
    /// The contributed-to objective's id.
    pub linked_to_objective_id: Option<IdFilter>,
    /// The contributing objective matches.
    pub source: Option<Box<ObjectiveWhere>>,
    /// The contributed-to objective matches.
    pub linked_to: Option<Box<ObjectiveWhere>>,
    /// When the link was made.
    pub inserted_at: Option<DateTimeFilter>,
    /// All of these.
    pub and: Option<Vec<ObjectiveLinkWhere>>,
    /// Any of these.
    pub or: Option<Vec<ObjectiveLinkWhere>>,
    /// Not this.
    pub not: Option<Box<ObjectiveLinkWhere>>,
}

impl Where for ObjectiveLinkWhere {
    fn to_filter(&self) -> Filter {
        let mut parts = Parts::default();
        parts.extend(id(&self.id, "id"));
        parts.extend(id(&self.source_objective_id, "sourceObjectiveId"));
        parts.extend(id(&self.linked_to_objective_id, "linkedToObjectiveId"));
        parts.relation(
            "source",
            Quantifier::Is,
            self.source.as_deref().map(Where::to_filter),
        );
        parts.relation(
            "linkedTo",
            Quantifier::Is,
            self.linked_to.as_deref().map(Where::to_filter),
        );
        parts.extend(instant(&self.inserted_at, "insertedAt"));
        parts.logic(self.and.as_ref(), self.or.as_ref(), self.not.as_deref());
        parts.finish()
    }
}

/// Turns a list of `orderBy` items into sort keys.
pub trait OrderBy {
    /// The sort key of this item.
    fn to_key(&self) -> SortKey;
}

fn field(order: SortOrder, name: &'static str) -> SortKey {
    order.key(SortPath::Field(name))
}

fn count(order: SortOrder, relation: &'static str) -> SortKey {
    order.key(SortPath::Count(relation))
}

fn through(relation: &'static str, inner: &impl OrderBy) -> SortKey {
    let key = inner.to_key();
    SortKey {
        path: SortPath::Relation(relation, Box::new(key.path)),
        ..key
    }
}

/// Sort keys of a list, in priority order; `None` when the client gave none.
pub fn sort_keys<O: OrderBy>(order_by: Option<&Vec<O>>) -> Option<Vec<SortKey>> {
    order_by
        .filter(|items| !items.is_empty())
        .map(|items| items.iter().map(OrderBy::to_key).collect())
}

/// One key of a user order.
#[derive(OneofObject, Clone, Debug)]
pub enum UserOrderBy {
    /// By id.
    Id(SortOrder),
    /// By user name.
    UserName(SortOrder),
    /// By given name.
    GivenName(SortOrder),
    /// By family name.
    FamilyName(SortOrder),
    /// By slug.
    Slug(SortOrder),
    /// By department.
    Department(SortOrder),
    /// Active users first or last.
    Active(SortOrder),
    /// By creation time.
    InsertedAt(SortOrder),
    /// By last change.
    UpdatedAt(SortOrder),
    /// By the number of OKRs the user owns.
    OkrsCount(SortOrder),
    /// By the number of groups the user is in.
    GroupsCount(SortOrder),
}

impl OrderBy for UserOrderBy {
    fn to_key(&self) -> SortKey {
        match self {
            Self::Id(o) => field(*o, "id"),
            Self::UserName(o) => field(*o, "userName"),
            Self::GivenName(o) => field(*o, "givenName"),
            Self::FamilyName(o) => field(*o, "familyName"),
            Self::Slug(o) => field(*o, "slug"),
            Self::Department(o) => field(*o, "department"),
            Self::Active(o) => field(*o, "active"),
            Self::InsertedAt(o) => field(*o, "insertedAt"),
            Self::UpdatedAt(o) => field(*o, "updatedAt"),
            Self::OkrsCount(o) => count(*o, "okrs"),
            Self::GroupsCount(o) => count(*o, "groups"),
        }
    }
}

/// One key of a group order.
#[derive(OneofObject, Clone, Debug)]
pub enum GroupOrderBy {
    /// By id.
    Id(SortOrder),
    /// By name.
    Name(SortOrder),
    /// By slug.
    Slug(SortOrder),
    /// Pinned groups first (`DESC`) or last.
    Pinned(SortOrder),
    /// By creation time.
    InsertedAt(SortOrder),
    /// By last change.
    UpdatedAt(SortOrder),
    /// By the number of members.
    MembersCount(SortOrder),
    /// By the number of OKRs.
    OkrsCount(SortOrder),
}

impl OrderBy for GroupOrderBy {
    fn to_key(&self) -> SortKey {
        match self {
            Self::Id(o) => field(*o, "id"),
            Self::Name(o) => field(*o, "name"),
            Self::Slug(o) => field(*o, "slug"),
            Self::Pinned(o) => field(*o, "pinned"),
            Self::InsertedAt(o) => field(*o, "insertedAt"),
            Self::UpdatedAt(o) => field(*o, "updatedAt"),
            Self::MembersCount(o) => count(*o, "members"),
            Self::OkrsCount(o) => count(*o, "okrs"),
        }
    }
}

/// One key of a cycle order.
#[derive(OneofObject, Clone, Debug)]
pub enum CycleOrderBy {
    /// By id.
    Id(SortOrder),
    /// By title.
    Title(SortOrder),
    /// By start.
    StartsAt(SortOrder),
    /// By end.
    EndsAt(SortOrder),
    /// By creation time.
    InsertedAt(SortOrder),
    /// By the number of OKRs.
    OkrsCount(SortOrder),
}

impl OrderBy for CycleOrderBy {
    fn to_key(&self) -> SortKey {
        match self {
            Self::Id(o) => field(*o, "id"),
            Self::Title(o) => field(*o, "title"),
            Self::StartsAt(o) => field(*o, "startsAt"),
            Self::EndsAt(o) => field(*o, "endsAt"),
            Self::InsertedAt(o) => field(*o, "insertedAt"),
            Self::OkrsCount(o) => count(*o, "okrs"),
        }
    }
}

/// One key of an OKR order.
#[derive(OneofObject, Clone, Debug)]
pub enum OkrOrderBy {
    /// By id.
    Id(SortOrder),
    /// By creation time.
    InsertedAt(SortOrder),
    /// By last change.
    UpdatedAt(SortOrder),
    /// By a field of the cycle.
    Cycle(Box<CycleOrderBy>),
    /// By a field of the owning user (group-owned OKRs sort as null).
    User(Box<UserOrderBy>),
    /// By a field of the owning group (user-owned OKRs sort as null).
    Group(Box<GroupOrderBy>),
    /// By the number of objectives.
    ObjectivesCount(SortOrder),
}

impl OrderBy for OkrOrderBy {
    fn to_key(&self) -> SortKey {
        match self {
            Self::Id(o) => field(*o, "id"),
            Self::InsertedAt(o) => field(*o, "insertedAt"),
            Self::UpdatedAt(o) => field(*o, "updatedAt"),
            Self::Cycle(inner) => through("cycle", inner.as_ref()),
            Self::User(inner) => through("user", inner.as_ref()),
            Self::Group(inner) => through("group", inner.as_ref()),
            Self::ObjectivesCount(o) => count(*o, "objectives"),
        }
    }
}

/// One key of an objective order.
#[derive(OneofObject, Clone, Debug)]
pub enum ObjectiveOrderBy {
    /// By id.
    Id(SortOrder),
    /// By text.
    Content(SortOrder),
    /// By cancellation time (null for live objectives).
    CancelledAt(SortOrder),
    /// By creation time.
    InsertedAt(SortOrder),
    /// By last change.
    UpdatedAt(SortOrder),
    /// By the computed mid-cycle score.
    MidScore(SortOrder),
    /// By the computed final score.
    FinalScore(SortOrder),
    /// By a field of the OKR.
    Okr(Box<OkrOrderBy>),
    /// By the number of key results.
    KeyResultsCount(SortOrder),
}

impl OrderBy for ObjectiveOrderBy {
    fn to_key(&self) -> SortKey {
        match self {
            Self::Id(o) => field(*o, "id"),
            Self::Content(o) => field(*o, "content"),
            Self::CancelledAt(o) => field(*o, "cancelledAt"),
            Self::InsertedAt(o) => field(*o, "insertedAt"),
            Self::UpdatedAt(o) => field(*o, "updatedAt"),
            Self::MidScore(o) => field(*o, "midScore"),
            Self::FinalScore(o) => field(*o, "finalScore"),
            Self::Okr(inner) => through("okr", inner.as_ref()),
            Self::KeyResultsCount(o) => count(*o, "keyResults"),
        }
    }
}

/// One key of a key-result order.
#[derive(OneofObject, Clone, Debug)]
pub enum KeyResultOrderBy {
    /// By id.
    Id(SortOrder),
    /// By text.
    Content(SortOrder),
    /// By cancellation time.
    CancelledAt(SortOrder),
    /// By mid-cycle score.
    MidScore(SortOrder),
    /// By final score.
    FinalScore(SortOrder),
    /// By creation time.
    InsertedAt(SortOrder),
    /// By last change.
    UpdatedAt(SortOrder),
    /// By a field of the objective.
    Objective(Box<ObjectiveOrderBy>),
}

impl OrderBy for KeyResultOrderBy {
    fn to_key(&self) -> SortKey {
        match self {
            Self::Id(o) => field(*o, "id"),
            Self::Content(o) => field(*o, "content"),
            Self::CancelledAt(o) => field(*o, "cancelledAt"),
            Self::MidScore(o) => field(*o, "midScore"),
            Self::FinalScore(o) => field(*o, "finalScore"),
            Self::InsertedAt(o) => field(*o, "insertedAt"),
            Self::UpdatedAt(o) => field(*o, "updatedAt"),
            Self::Objective(inner) => through("objective", inner.as_ref()),
        }
    }
}

/// One key of an objective-link order.
#[derive(OneofObject, Clone, Debug)]
pub enum ObjectiveLinkOrderBy {
    /// By id.
    Id(SortOrder),
    /// By creation time.
    InsertedAt(SortOrder),
    /// By a field of the contributing objective.
    Source(Box<ObjectiveOrderBy>),
    /// By a field of the contributed-to objective.
    LinkedTo(Box<ObjectiveOrderBy>),
}

impl OrderBy for ObjectiveLinkOrderBy {
    fn to_key(&self) -> SortKey {
        match self {
            Self::Id(o) => field(*o, "id"),
            Self::InsertedAt(o) => field(*o, "insertedAt"),
            Self::Source(inner) => through("source", inner.as_ref()),
            Self::LinkedTo(inner) => through("linkedTo", inner.as_ref()),
        }
    }
}
