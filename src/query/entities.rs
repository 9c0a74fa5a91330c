//! The read engine's description of every table.

use sea_orm::sea_query::{Alias, Expr, ExprTrait, IntoIden};

use crate::query::compile::Compiler;
use crate::query::def::{EntityDef, FieldDef, Join, Kind, Live, RelationDef, Sql};
use crate::query::sort::{SortKey, SortPath};

const fn column(name: &'static str, kind: Kind, column: &'static str) -> FieldDef {
    FieldDef {
        name,
        kind,
        sql: Sql::Column(column),
        nullable: true,
    }
}

/// A `NOT NULL` column.
const fn required(name: &'static str, kind: Kind, column: &'static str) -> FieldDef {
    FieldDef {
        nullable: false,
        ..self::column(name, kind, column)
    }
}

const fn computed(
    name: &'static str,
    kind: Kind,
    compute: fn(&Compiler, &Alias) -> Expr,
) -> FieldDef {
    FieldDef {
        name,
        kind,
        sql: Sql::Computed(compute),
        nullable: true,
    }
}

const fn to_one(
    name: &'static str,
    target: &'static EntityDef,
    local: &'static str,
    remote: &'static str,
) -> RelationDef {
    RelationDef {
        name,
        target,
        many: false,
        join: Join::Column { local, remote },
        required: false,
    }
}

/// A to-one relation through a `NOT NULL` foreign key whose row every live row has.
const fn parent(
    name: &'static str,
    target: &'static EntityDef,
    local: &'static str,
) -> RelationDef {
    RelationDef {
        required: true,
        ..to_one(name, target, local, "id")
    }
}

const fn to_many(
    name: &'static str,
    target: &'static EntityDef,
    remote: &'static str,
) -> RelationDef {
    RelationDef {
        name,
        target,
        many: true,
        join: Join::Column {
            local: "id",
            remote,
        },
        required: false,
    }
}

const fn through(
    name: &'static str,
    target: &'static EntityDef,
    table: &'static str,
    this: &'static str,
    target_column: &'static str,
) -> RelationDef {
    RelationDef {
        name,
        target,
        many: true,
        join: Join::Through {
            table,
            this,
            target: target_column,
        },
        required: false,
    }
}

const TIMESTAMPS: [FieldDef; 2] = [
    required("insertedAt", Kind::DateTime, "inserted_at"),
    required("updatedAt", Kind::DateTime, "updated_at"),
];

/// Users (never deleted; SCIM deactivates them).
pub static USERS: EntityDef = EntityDef {
    name: "User",
    table: "users",
    pk: ("id", Kind::Text),
    live: &[],
    fields: &[
        required("id", Kind::Text, "id"),
        required("userName", Kind::Text, "user_name"),
        column("givenName", Kind::Text, "given_name"),
        column("familyName", Kind::Text, "family_name"),
        required("slug", Kind::Text, "slug"),
        required("active", Kind::Bool, "active"),
        column("department", Kind::Text, "department"),
        column("externalId", Kind::Text, "external_id"),
        TIMESTAMPS[0],
        TIMESTAMPS[1],
    ],
    relations: &[
        through(
            "groups",
            &GROUPS,
            "group_memberships",
            "user_id",
            "group_id",
        ),
        to_many("okrs", &OKRS, "user_id"),
    ],
    default_order: users_order,
};

/// Groups.
pub static GROUPS: EntityDef = EntityDef {
    name: "Group",
    table: "groups",
    pk: ("id", Kind::Int),
    live: &[Live::NotDeleted("deleted_at")],
    fields: &[
        required("id", Kind::Int, "id"),
        required("name", Kind::Text, "name"),
        required("slug", Kind::Text, "slug"),
        column("pinned", Kind::Bool, "pinned"),
        column("externalId", Kind::Text, "external_id"),
        TIMESTAMPS[0],
        TIMESTAMPS[1],
    ],
    relations: &[
        through(
            "members",
            &USERS,
            "group_memberships",
            "group_id",
            "user_id",
        ),
        to_many("okrs", &OKRS, "group_id"),
    ],
    default_order: groups_order,
};

/// Cycles (never deleted).
pub static CYCLES: EntityDef = EntityDef {
    name: "Cycle",
    table: "cycles",
    pk: ("id", Kind::Int),
    live: &[],
    fields: &[
        required("id", Kind::Int, "id"),
        required("title", Kind::Text, "title"),
        required("startsAt", Kind::DateTime, "starts_at"),
        required("endsAt", Kind::DateTime, "ends_at"),
        computed("active", Kind::Bool, cycle_active),
        computed("presentOrFuture", Kind::Bool, cycle_present_or_future),
        TIMESTAMPS[0],
        TIMESTAMPS[1],
    ],
    relations: &[
        to_many("okrs", &OKRS, "cycle_id"),
        to_one("createdBy", &USERS, "created_by_id", "id"),
    ],
    default_order: cycles_order,
};

/// OKRs.
pub static OKRS: EntityDef = EntityDef {
    name: "Okr",
    table: "okrs",
    pk: ("id", Kind::Int),
    live: &[Live::NotDeleted("deleted_at")],
    fields: &[
        required("id", Kind::Int, "id"),
        column("userId", Kind::Text, "user_id"),
        column("groupId", Kind::Int, "group_id"),
        column("cycleId", Kind::Int, "cycle_id"),
        TIMESTAMPS[0],
        TIMESTAMPS[1],
    ],
    relations: &[
        parent("cycle", &CYCLES, "cycle_id"),
        to_one("user", &USERS, "user_id", "id"),
        to_one("group", &GROUPS, "group_id", "id"),
        to_many("objectives", &OBJECTIVES, "okr_id"),
        to_one("reflection", &REFLECTIONS, "id", "okr_id"),
    ],
    default_order: okrs_order,
};

/// Objectives; their scores are computed from their key results.
pub static OBJECTIVES: EntityDef = EntityDef {
    name: "Objective",
    table: "objectives",
    pk: ("id", Kind::Int),
    live: &[Live::NotDeleted("deleted_at"), Live::Parent("okr")],
    fields: &[
        required("id", Kind::Int, "id"),
        column("okrId", Kind::Int, "okr_id"),
        required("content", Kind::Text, "content"),
        computed("cancelled", Kind::Bool, cancelled),
        column("cancelledAt", Kind::DateTime, "cancelled_at"),
        computed("midScore", Kind::Ppb, objective_mid_score),
        computed("finalScore", Kind::Ppb, objective_final_score),
        TIMESTAMPS[0],
        TIMESTAMPS[1],
    ],
    relations: &[
        parent("okr", &OKRS, "okr_id"),
        to_many("keyResults", &KEY_RESULTS, "objective_id"),
        through(
            "contributesTo",
            &OBJECTIVES,
            "objective_links",
            "source_objective_id",
            "linked_to_objective_id",
        ),
        through(
            "contributedBy",
            &OBJECTIVES,
            "objective_links",
            "linked_to_objective_id",
            "source_objective_id",
        ),
        to_one("assessment", &ASSESSMENTS, "id", "objective_id"),
    ],
    default_order: objectives_order,
};

/// Key results.
pub static KEY_RESULTS: EntityDef = EntityDef {
    name: "KeyResult",
    table: "key_results",
    pk: ("id", Kind::Int),
    live: &[Live::NotDeleted("deleted_at"), Live::Parent("objective")],
    fields: &[
        required("id", Kind::Int, "id"),
        column("objectiveId", Kind::Int, "objective_id"),
        required("content", Kind::Text, "content"),
        computed("cancelled", Kind::Bool, cancelled),
        column("cancelledAt", Kind::DateTime, "cancelled_at"),
        column("midScore", Kind::Ppb, "mid_score_ppb"),
        column("finalScore", Kind::Ppb, "final_score_ppb"),
        TIMESTAMPS[0],
        TIMESTAMPS[1],
    ],
    relations: &[parent("objective", &OBJECTIVES, "objective_id")],
    default_order: Vec::new,
};

/// Contributes-to links; a link to or from a deleted objective is gone with it.
pub static LINKS: EntityDef = EntityDef {
    name: "ObjectiveLink",
    table: "objective_links",
    pk: ("id", Kind::Int),
    live: &[
        Live::NotDeleted("deleted_at"),
        Live::Parent("source"),
        Live::Parent("linkedTo"),
    ],
    fields: &[
        required("id", Kind::Int, "id"),
        column("sourceObjectiveId", Kind::Int, "source_objective_id"),
        column("linkedToObjectiveId", Kind::Int, "linked_to_objective_id"),
        TIMESTAMPS[0],
        TIMESTAMPS[1],
    ],
    relations: &[
        parent("source", &OBJECTIVES, "source_objective_id"),
        parent("linkedTo", &OBJECTIVES, "linked_to_objective_id"),
    ],
    default_order: Vec::new,
};

/// Objective assessments.
pub static ASSESSMENTS: EntityDef = EntityDef {
    name: "ObjectiveAssessment",
    table: "objective_assessments",
    pk: ("id", Kind::Int),
    live: &[Live::NotDeleted("deleted_at"), Live::Parent("objective")],
    fields: &[
        required("id", Kind::Int, "id"),
        column("objectiveId", Kind::Int, "objective_id"),
        required("assessment", Kind::Text, "assessment"),
        TIMESTAMPS[0],
        TIMESTAMPS[1],
    ],
    relations: &[parent("objective", &OBJECTIVES, "objective_id")],
    default_order: Vec::new,
};

/// OKR reflections.
pub static REFLECTIONS: EntityDef = EntityDef {
    name: "OkrReflection",
    table: "okr_reflections",
    pk: ("id", Kind::Int),
    live: &[Live::NotDeleted("deleted_at"), Live::Parent("okr")],
    fields: &[
        required("id", Kind::Int, "id"),
        column("okrId", Kind::Int, "okr_id"),
        required("reflection", Kind::Text, "reflection"),
        TIMESTAMPS[0],
        TIMESTAMPS[1],
    ],
    relations: &[parent("okr", &OKRS, "okr_id")],
    default_order: Vec::new,
};

/// Group memberships (only reached through `User.groups` and `Group.members`).
pub static MEMBERSHIPS: EntityDef = EntityDef {
    name: "GroupMembership",
    table: "group_memberships",
    pk: ("id", Kind::Int),
    live: &[Live::NotDeleted("deleted_at")],
    fields: &[],
    relations: &[],
    default_order: Vec::new,
};

fn quoted(alias: &Alias) -> String {
    format!("\"{}\"", alias.clone().into_iden())
}

fn cycle_active(c: &Compiler, alias: &Alias) -> Expr {
    let (starts_at, ends_at) = (
        Compiler::column(alias, "starts_at"),
        Compiler::column(alias, "ends_at"),
    );
    entity::cycle::running(starts_at, ends_at, c.now())
}

fn cycle_present_or_future(c: &Compiler, alias: &Alias) -> Expr {
    Compiler::column(alias, "ends_at").gte(Expr::val(c.now()))
}

fn cancelled(_: &Compiler, alias: &Alias) -> Expr {
    Compiler::column(alias, "cancelled_at").is_not_null()
}

fn objective_mid_score(c: &Compiler, alias: &Alias) -> Expr {
    objective_score(c, alias, "mid_score_ppb")
}

fn objective_final_score(c: &Compiler, alias: &Alias) -> Expr {
    objective_score(c, alias, "final_score_ppb")
}

/// The mean of the live, uncancelled key results' scores, rounded half-up to two decimals and
/// expressed in parts per billion (0 when there are none), in integer arithmetic only, so both
/// engines agree exactly: round(sum / n, 2) = (200·sum + n·10⁹) div (2·n·10⁹) hundredths.
fn objective_score(c: &Compiler, alias: &Alias, column: &'static str) -> Expr {
    let k = quoted(&c.alias());
    let o = quoted(alias);
    Expr::cust(format!(
        "(SELECT CASE WHEN COUNT(*) = 0 THEN 0 ELSE \
           ((CAST(SUM({k}.{column}) AS BIGINT) * 200 + COUNT(*) * 1000000000) \
             / (COUNT(*) * 2000000000)) * 10000000 END \
          FROM key_results {k} \
          WHERE {k}.objective_id = {o}.id AND {k}.deleted_at IS NULL AND {k}.cancelled_at IS NULL)"
    ))
}

/// The order of a list when the client gives none (domain.md §4.5); the primary key follows.
pub fn default_sort(def: &EntityDef) -> Vec<SortKey> {
    (def.default_order)()
}

fn users_order() -> Vec<SortKey> {
    vec![SortKey::asc(SortPath::Field("familyName"))]
}

fn groups_order() -> Vec<SortKey> {
    vec![
        SortKey::desc(SortPath::Field("pinned")),
        SortKey::asc(SortPath::Field("name")),
    ]
}

fn cycles_order() -> Vec<SortKey> {
    vec![SortKey::desc(SortPath::Field("endsAt"))]
}

fn okrs_order() -> Vec<SortKey> {
    vec![SortKey::desc(SortPath::Relation(
        "cycle",
        Box::new(SortPath::Field("endsAt")),
    ))]
}

/// Live objectives first (in id order), then cancelled ones, most recently cancelled first.
fn objectives_order() -> Vec<SortKey> {
    vec![SortKey {
        path: SortPath::Field("cancelledAt"),
        descending: true,
        nulls_first: true,
    }]
}
