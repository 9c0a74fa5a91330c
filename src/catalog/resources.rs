//! Every resource, declared once. The `resources!` macro hands the whole list to a macro of the layer
//! that derives something from it: the read engine's descriptions ([`super`]), the row
//! readers, loader keys and version tracking, the GraphQL `where` and `orderBy` inputs.
//!
//! # The declaration
//!
//! ```text
//! /// doc                                 the resource (its entity module is the snake_case name)
//! Name("table") listed("plural noun") | unlisted() {   listed: it has `where`/`orderBy` inputs
//!     key: column Int | Text;             the primary key
//!     live: [deleted(column), parent(relation), …];
//!     order: [asc(field), desc(relation.field), desc_nulls_first(field), …];
//!     columns: [column, …];               every column of the model, in the order rows are read
//!     fields: [
//!         /// doc of the field's `where` key
//!         field: Kind column(column) | computed(function),
//!             required | nullable, filter(id | text | instant | decimal | boolean | flag | ),
//!             sort("doc of the orderBy key" | );
//!     ];
//!     relations: [
//!         /// doc of the relation's `where` key
//!         relation: parent Target(fk) | to_one Target(local -> remote) | to_many Target(fk)
//!             | through Target(Via: this -> target) | elements Target(json_column),
//!             filter(yes | ), sort("doc of the orderBy key" | );
//!     ];
//!     filters: [                          `where` keys that are not one field's operators
//!         /// doc
//!         key: flag(field) default(true)  |  some(relation, field) default(true)
//!             | search(field, …)  |  owner(user_field, group_field);
//!     ];
//! }
//! ```
//!
//! API names are the camelCase of the declared snake_case names; columns are the model's own
//! field names, and each one named is checked against the model while compiling, as is each
//! relation's target and each function of a computed field.

/// Calls `$derive! { …every declaration… }`.
macro_rules! resources {
    ($derive:path) => {
        $derive! {
            /// Users (never deleted; SCIM deactivates them).
            User("users") listed("users") {
                key: id Text;
                live: [];
                order: [asc(family_name)];
                columns: [
                    id, external_id, user_name, slug, active, given_name, family_name,
                    middle_name, display_name, formatted_name, emails, roles, manager_id,
                    manager_display_name, department, deprovisioned_at, version, inserted_at,
                    updated_at
                ];
                fields: [
                    /// The user's id.
                    id: Text column(id), required, filter(id), sort("By id.");
                    /// The login identity.
                    user_name: Text column(user_name), required, filter(text), sort("By user name.");
                    /// Given name.
                    given_name: Text column(given_name), nullable, filter(text), sort("By given name.");
                    /// Family name.
                    family_name: Text column(family_name), nullable, filter(text), sort("By family name.");
                    /// URL handle.
                    slug: Text column(slug), required, filter(text), sort("By slug.");
                    /// Whether the user is active.
                    active: Bool column(active), required, filter(), sort("Active users first or last.");
                    /// Department.
                    department: Text column(department), nullable, filter(text), sort("By department.");
                    /// The identity provider's id.
                    external_id: Text column(external_id), nullable, filter(text), sort();
                    /// When the user was created.
                    inserted_at: DateTime column(inserted_at), required, filter(instant), sort("By creation time.");
                    /// When the user last changed.
                    updated_at: DateTime column(updated_at), required, filter(instant), sort("By last change.");
                    /// Middle name (SCIM only).
                    middle_name: Text column(middle_name), nullable, filter(), sort();
                    /// Display name (SCIM only).
                    display_name: Text column(display_name), nullable, filter(), sort();
                    /// The full name as the identity provider formats it (SCIM only).
                    formatted_name: Text column(formatted_name), nullable, filter(), sort();
                    /// The manager's id (SCIM only).
                    manager_id: Text column(manager_id), nullable, filter(), sort();
                    /// The manager's display name (SCIM only).
                    manager_display_name: Text column(manager_display_name), nullable, filter(), sort();
                    /// When SCIM deleted the user (SCIM shows only users without it).
                    deprovisioned_at: DateTime column(deprovisioned_at), nullable, filter(), sort();
                ];
                relations: [
                    /// The user's groups.
                    groups: through Group(GroupMembership: user_id -> group_id), filter(yes),
                        sort("By the number of groups the user is in.");
                    /// OKRs the user owns.
                    okrs: to_many Okr(user_id), filter(yes), sort("By the number of OKRs the user owns.");
                    /// The user's e-mail objects (SCIM only).
                    emails: elements UserEmail(emails), filter(), sort();
                    /// The user's roles (SCIM only).
                    roles: elements UserRole(roles), filter(), sort();
                ];
                filters: [
                    /// Active users only (`true`, the default for lists), inactive only (`false`), or
                    /// everyone (`null`).
                    active: flag(active) default(true);
                    /// Case-insensitive substring of userName, givenName or familyName.
                    search: search(user_name, given_name, family_name);
                ];
            }

            /// Groups.
            Group("groups") listed("groups") {
                key: id Int;
                live: [deleted(deleted_at)];
                order: [desc(pinned), asc(name)];
                columns: [id, external_id, name, slug, pinned, deleted_at, version, inserted_at, updated_at];
                fields: [
                    /// The group's id.
                    id: Int column(id), required, filter(id), sort("By id.");
                    /// Name.
                    name: Text column(name), required, filter(text), sort("By name.");
                    /// URL handle.
                    slug: Text column(slug), required, filter(text), sort("By slug.");
                    /// Pinned groups (`true`) or the others (`false`).
                    pinned: Bool column(pinned), nullable, filter(boolean), sort("Pinned groups first (`DESC`) or last.");
                    /// The identity provider's id.
                    external_id: Text column(external_id), nullable, filter(text), sort();
                    /// When the group was created.
                    inserted_at: DateTime column(inserted_at), required, filter(instant), sort("By creation time.");
                    /// When the group last changed.
                    updated_at: DateTime column(updated_at), required, filter(instant), sort("By last change.");
                ];
                relations: [
                    /// The group's members.
                    members: through User(GroupMembership: group_id -> user_id), filter(yes),
                        sort("By the number of members.");
                    /// OKRs the group owns.
                    okrs: to_many Okr(group_id), filter(yes), sort("By the number of OKRs.");
                ];
                filters: [
                    /// Groups with at least one active member (`true`, the default for lists), without one
                    /// (`false`), or all (`null`).
                    has_active_members: some(members, active) default(true);
                    /// Case-insensitive substring of the name.
                    search: search(name);
                ];
            }

            /// Cycles (never deleted).
            Cycle("cycles") listed("cycles") {
                key: id Int;
                live: [];
                order: [desc(ends_at)];
                columns: [id, title, starts_at, ends_at, created_by_id, version, inserted_at, updated_at];
                fields: [
                    /// The cycle's id.
                    id: Int column(id), required, filter(id), sort("By id.");
                    /// Title.
                    title: Text column(title), required, filter(text), sort("By title.");
                    /// Start.
                    starts_at: DateTime column(starts_at), required, filter(instant), sort("By start.");
                    /// End.
                    ends_at: DateTime column(ends_at), required, filter(instant), sort("By end.");
                    /// `true`: running now (`startsAt <= now <= endsAt`); `false`: not running now.
                    active: Bool computed(cycle_active), nullable, filter(flag), sort();
                    /// `true`: not over yet (`endsAt >= now`); `false`: over.
                    present_or_future: Bool computed(cycle_present_or_future), nullable, filter(flag), sort();
                    /// When the cycle was created.
                    inserted_at: DateTime column(inserted_at), required, filter(instant), sort("By creation time.");
                    /// When the cycle last changed.
                    updated_at: DateTime column(updated_at), required, filter(instant), sort();
                ];
                relations: [
                    /// OKRs of the cycle.
                    okrs: to_many Okr(cycle_id), filter(yes), sort("By the number of OKRs.");
                    /// The user who created the cycle.
                    created_by: to_one User(created_by_id -> id), filter(), sort();
                ];
                filters: [];
            }

            /// OKRs.
            Okr("okrs") listed("OKRs") {
                key: id Int;
                live: [deleted(deleted_at)];
                order: [desc(cycle.ends_at)];
                columns: [id, cycle_id, user_id, group_id, deleted_at, version, inserted_at, updated_at];
                fields: [
                    /// The OKR's id.
                    id: Int column(id), required, filter(id), sort("By id.");
                    /// The owning user's id.
                    user_id: Text column(user_id), nullable, filter(), sort();
                    /// The owning group's id.
                    group_id: Int column(group_id), nullable, filter(), sort();
                    /// The cycle's id.
                    cycle_id: Int column(cycle_id), nullable, filter(), sort();
                    /// When the OKR was created.
                    inserted_at: DateTime column(inserted_at), required, filter(instant), sort("By creation time.");
                    /// When the OKR last changed.
                    updated_at: DateTime column(updated_at), required, filter(instant), sort("By last change.");
                ];
                relations: [
                    /// The cycle matches.
                    cycle: parent Cycle(cycle_id), filter(yes), sort("By a field of the cycle.");
                    /// The owning user matches (group-owned OKRs never match).
                    user: to_one User(user_id -> id), filter(yes),
                        sort("By a field of the owning user (group-owned OKRs sort as null).");
                    /// The owning group matches (user-owned OKRs never match).
                    group: to_one Group(group_id -> id), filter(yes),
                        sort("By a field of the owning group (user-owned OKRs sort as null).");
                    /// The OKR's objectives.
                    objectives: to_many Objective(okr_id), filter(yes), sort("By the number of objectives.");
                    /// The OKR's reflection.
                    reflection: to_one OkrReflection(id -> okr_id), filter(), sort();
                ];
                filters: [
                    /// Owned by this user or group.
                    owner: owner(user_id, group_id);
                ];
            }

            /// Objectives; their scores are computed from their key results.
            Objective("objectives") listed("objectives") {
                key: id Int;
                live: [deleted(deleted_at), parent(okr)];
                order: [desc_nulls_first(cancelled_at)];
                columns: [id, okr_id, content, cancelled_at, deleted_at, version, inserted_at, updated_at];
                fields: [
                    /// The objective's id.
                    id: Int column(id), required, filter(id), sort("By id.");
                    /// The OKR's id.
                    okr_id: Int column(okr_id), nullable, filter(), sort();
                    /// The objective's text.
                    content: Text column(content), required, filter(text), sort("By text.");
                    /// `true`: cancelled; `false`: not cancelled.
                    cancelled: Bool computed(cancelled), nullable, filter(flag), sort();
                    /// When it was cancelled.
                    cancelled_at: DateTime column(cancelled_at), nullable, filter(instant),
                        sort("By cancellation time (null for live objectives).");
                    /// When it was created.
                    inserted_at: DateTime column(inserted_at), required, filter(instant), sort("By creation time.");
                    /// When it last changed.
                    updated_at: DateTime column(updated_at), required, filter(instant), sort("By last change.");
                    /// The computed mid-cycle score.
                    mid_score: Ppb computed(objective_mid_score), nullable, filter(decimal),
                        sort("By the computed mid-cycle score.");
                    /// The computed final score.
                    final_score: Ppb computed(objective_final_score), nullable, filter(decimal),
                        sort("By the computed final score.");
                ];
                relations: [
                    /// The OKR matches.
                    okr: parent Okr(okr_id), filter(yes), sort("By a field of the OKR.");
                    /// The objective's key results.
                    key_results: to_many KeyResult(objective_id), filter(yes), sort("By the number of key results.");
                    /// Objectives this one contributes to.
                    contributes_to: through Objective(ObjectiveLink: source_objective_id -> linked_to_objective_id),
                        filter(yes), sort();
                    /// Objectives that contribute to this one.
                    contributed_by: through Objective(ObjectiveLink: linked_to_objective_id -> source_objective_id),
                        filter(yes), sort();
                    /// The objective's assessment.
                    assessment: to_one ObjectiveAssessment(id -> objective_id), filter(), sort();
                ];
                filters: [];
            }

            /// Key results.
            KeyResult("key_results") listed("key results") {
                key: id Int;
                live: [deleted(deleted_at), parent(objective)];
                order: [];
                columns: [
                    id, objective_id, content, mid_score_ppb, final_score_ppb, cancelled_at,
                    deleted_at, version, inserted_at, updated_at
                ];
                fields: [
                    /// The key result's id.
                    id: Int column(id), required, filter(id), sort("By id.");
                    /// The objective's id.
                    objective_id: Int column(objective_id), nullable, filter(), sort();
                    /// The key result's text.
                    content: Text column(content), required, filter(text), sort("By text.");
                    /// `true`: cancelled; `false`: not cancelled.
                    cancelled: Bool computed(cancelled), nullable, filter(flag), sort();
                    /// When it was cancelled.
                    cancelled_at: DateTime column(cancelled_at), nullable, filter(instant), sort("By cancellation time.");
                    /// Mid-cycle score.
                    mid_score: Ppb column(mid_score_ppb), nullable, filter(decimal), sort("By mid-cycle score.");
                    /// Final score.
                    final_score: Ppb column(final_score_ppb), nullable, filter(decimal), sort("By final score.");
                    /// When it was created.
                    inserted_at: DateTime column(inserted_at), required, filter(instant), sort("By creation time.");
                    /// When it last changed.
                    updated_at: DateTime column(updated_at), required, filter(instant), sort("By last change.");
                ];
                relations: [
                    /// The objective matches.
                    objective: parent Objective(objective_id), filter(yes), sort("By a field of the objective.");
                    /// The key result's check-ins.
                    check_ins: to_many KeyResultCheckIn(key_result_id), filter(yes),
                        sort("By the number of check-ins.");
                ];
                filters: [];
            }

            /// Key-result check-ins: a key result's scores when someone checked in, with a note.
            KeyResultCheckIn("key_result_check_ins") listed("key-result check-ins") {
                key: id Int;
                live: [deleted(deleted_at), parent(key_result)];
                order: [desc(inserted_at)];
                columns: [
                    id, key_result_id, author_id, mid_score_ppb, final_score_ppb, note, deleted_at,
                    version, inserted_at, updated_at
                ];
                fields: [
                    /// The check-in's id.
                    id: Int column(id), required, filter(id), sort("By id.");
                    /// The key result's id.
                    key_result_id: Int column(key_result_id), nullable, filter(id), sort();
                    /// The author's id.
                    author_id: Text column(author_id), nullable, filter(id), sort();
                    /// The mid-cycle score checked in.
                    mid_score: Ppb column(mid_score_ppb), nullable, filter(decimal), sort("By mid-cycle score.");
                    /// The final score checked in.
                    final_score: Ppb column(final_score_ppb), nullable, filter(decimal), sort("By final score.");
                    /// The note.
                    note: Text column(note), nullable, filter(text), sort();
                    /// When the check-in was made.
                    inserted_at: DateTime column(inserted_at), required, filter(instant), sort("By check-in time.");
                ];
                relations: [
                    /// The key result matches.
                    key_result: parent KeyResult(key_result_id), filter(yes), sort("By a field of the key result.");
                    /// The author matches.
                    author: to_one User(author_id -> id), filter(yes), sort("By a field of the author.");
                ];
                filters: [];
            }

            /// Contributes-to links; a link to or from a deleted objective is gone with it.
            ObjectiveLink("objective_links") listed("objective links") {
                key: id Int;
                live: [deleted(deleted_at), parent(source), parent(linked_to)];
                order: [];
                columns: [
                    id, source_objective_id, linked_to_objective_id, deleted_at, version,
                    inserted_at, updated_at
                ];
                fields: [
                    /// The link's id.
                    id: Int column(id), required, filter(id), sort("By id.");
                    /// The contributing objective's id.
                    source_objective_id: Int column(source_objective_id), nullable, filter(id), sort();
                    /// The contributed-to objective's id.
                    linked_to_objective_id: Int column(linked_to_objective_id), nullable, filter(id), sort();
                    /// When the link was made.
                    inserted_at: DateTime column(inserted_at), required, filter(instant), sort("By creation time.");
                    /// When the link last changed.
                    updated_at: DateTime column(updated_at), required, filter(), sort();
                ];
                relations: [
                    /// The contributing objective matches.
                    source: parent Objective(source_objective_id), filter(yes),
                        sort("By a field of the contributing objective.");
                    /// The contributed-to objective matches.
                    linked_to: parent Objective(linked_to_objective_id), filter(yes),
                        sort("By a field of the contributed-to objective.");
                ];
                filters: [];
            }

            /// Objective assessments.
            ObjectiveAssessment("objective_assessments") unlisted() {
                key: id Int;
                live: [deleted(deleted_at), parent(objective)];
                order: [];
                columns: [id, objective_id, assessment, deleted_at, version, inserted_at, updated_at];
                fields: [
                    /// The assessment's id.
                    id: Int column(id), required, filter(), sort();
                    /// The objective's id.
                    objective_id: Int column(objective_id), nullable, filter(), sort();
                    /// The assessment's text.
                    assessment: Text column(assessment), required, filter(), sort();
                    /// When it was created.
                    inserted_at: DateTime column(inserted_at), required, filter(), sort();
                    /// When it last changed.
                    updated_at: DateTime column(updated_at), required, filter(), sort();
                ];
                relations: [
                    /// The assessed objective.
                    objective: parent Objective(objective_id), filter(), sort();
                ];
                filters: [];
            }

            /// OKR reflections.
            OkrReflection("okr_reflections") unlisted() {
                key: id Int;
                live: [deleted(deleted_at), parent(okr)];
                order: [];
                columns: [id, okr_id, reflection, deleted_at, version, inserted_at, updated_at];
                fields: [
                    /// The reflection's id.
                    id: Int column(id), required, filter(), sort();
                    /// The OKR's id.
                    okr_id: Int column(okr_id), nullable, filter(), sort();
                    /// The reflection's text.
                    reflection: Text column(reflection), required, filter(), sort();
                    /// When it was created.
                    inserted_at: DateTime column(inserted_at), required, filter(), sort();
                    /// When it last changed.
                    updated_at: DateTime column(updated_at), required, filter(), sort();
                ];
                relations: [
                    /// The reflected-on OKR.
                    okr: parent Okr(okr_id), filter(), sort();
                ];
                filters: [];
            }

            /// Group memberships (only reached through `User.groups` and `Group.members`).
            GroupMembership("group_memberships") unlisted() {
                key: id Int;
                live: [deleted(deleted_at)];
                order: [];
                columns: [id, group_id, user_id, deleted_at, version, inserted_at, updated_at];
                fields: [];
                relations: [];
                filters: [];
            }
        }
    };
}

pub(crate) use resources;
