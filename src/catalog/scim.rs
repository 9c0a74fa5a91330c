//! The SCIM attribute names of the resources SCIM provisions (users and groups): where each
//! attribute a filter or `sortBy` may name is stored, as catalog fields and relations. SCIM
//! filters resolve through these into the read engine's filter tree; every field named here
//! is checked against the catalog while compiling.

use super::def::same_text;
use super::{EntityDef, GROUP, USER, USER_EMAIL, USER_ROLE, group, user, user_email, user_role};

/// Where one SCIM attribute is stored.
pub enum ScimTarget {
    /// A field of the resource itself.
    Field(&'static str),
    /// The rows of a to-many relation, one per value of a multi-valued attribute.
    Values {
        /// The relation.
        relation: &'static str,
        /// Its target.
        target: &'static EntityDef,
        /// The target's field behind each sub-attribute (`value`, `type`, …).
        subs: &'static [(&'static str, &'static str)],
        /// A target field that must be null for a row to be a value (a deprovisioned user
        /// is no member).
        hidden: Option<&'static str>,
    },
}

/// One attribute: its canonical path (`userName`, `name.givenName`, `meta.created`, a
/// multi-valued attribute's name) and where it is stored.
pub struct ScimAttribute {
    /// The path as the SCIM schema spells it, a sub-attribute after a dot.
    pub path: &'static str,
    /// Where it is stored.
    pub target: ScimTarget,
}

const fn field(path: &'static str, field: &'static str) -> ScimAttribute {
    ScimAttribute {
        path,
        target: ScimTarget::Field(field),
    }
}

const fn values(
    path: &'static str,
    relation: &'static str,
    target: &'static EntityDef,
    subs: &'static [(&'static str, &'static str)],
    hidden: Option<&'static str>,
) -> ScimAttribute {
    ScimAttribute {
        path,
        target: ScimTarget::Values {
            relation,
            target,
            subs,
            hidden,
        },
    }
}

/// The User resource's attributes (core schema and enterprise extension).
pub static USER_ATTRIBUTES: &[ScimAttribute] = &[
    field("id", user::ID),
    field("externalId", user::EXTERNAL_ID),
    field("userName", user::USER_NAME),
    field("displayName", user::DISPLAY_NAME),
    field("active", user::ACTIVE),
    field("name.givenName", user::GIVEN_NAME),
    field("name.familyName", user::FAMILY_NAME),
    field("name.middleName", user::MIDDLE_NAME),
    field("name.formatted", user::FORMATTED_NAME),
    field("department", user::DEPARTMENT),
    field("manager.value", user::MANAGER_ID),
    field("manager.displayName", user::MANAGER_DISPLAY_NAME),
    field("meta.created", user::INSERTED_AT),
    field("meta.lastModified", user::UPDATED_AT),
    values(
        "emails",
        user::EMAILS,
        &USER_EMAIL,
        &[
            ("value", user_email::VALUE),
            ("type", user_email::TYPE),
            ("primary", user_email::PRIMARY),
        ],
        None,
    ),
    values(
        "roles",
        user::ROLES,
        &USER_ROLE,
        &[("value", user_role::VALUE)],
        None,
    ),
    values(
        "groups",
        user::GROUPS,
        &GROUP,
        &[("value", group::ID), ("display", group::NAME)],
        None,
    ),
];

/// The Group resource's attributes.
pub static GROUP_ATTRIBUTES: &[ScimAttribute] = &[
    field("id", group::ID),
    field("externalId", group::EXTERNAL_ID),
    field("displayName", group::NAME),
    field("meta.created", group::INSERTED_AT),
    field("meta.lastModified", group::UPDATED_AT),
    values(
        "members",
        group::MEMBERS,
        &USER,
        &[("value", user::ID), ("display", user::DISPLAY_NAME)],
        Some(user::DEPROVISIONED_AT),
    ),
];

/// The attribute at `path` among `attributes`.
pub fn attribute(attributes: &'static [ScimAttribute], path: &str) -> Option<&'static ScimTarget> {
    attributes
        .iter()
        .find(|a| a.path == path)
        .map(|a| &a.target)
}

/// Checks while compiling that every field and relation named is one of `def`'s (or of the
/// relation's target), and that each relation leads to the target named.
const fn check(def: &'static EntityDef, attributes: &'static [ScimAttribute]) {
    let mut index = 0;
    while index < attributes.len() {
        match &attributes[index].target {
            ScimTarget::Field(name) => {
                assert!(def.field(name).is_some(), "a SCIM attribute names no field");
            }
            ScimTarget::Values {
                relation,
                target,
                subs,
                hidden,
            } => {
                match def.relation(relation) {
                    Some(found) => assert!(
                        found.many && same_text(found.target.table, target.table),
                        "a multi-valued SCIM attribute names no to-many relation to its target"
                    ),
                    None => panic!("a SCIM attribute names no relation"),
                }
                let mut sub = 0;
                while sub < subs.len() {
                    assert!(
                        target.field(subs[sub].1).is_some(),
                        "a SCIM sub-attribute names no field of the target"
                    );
                    sub += 1;
                }
                if let Some(hidden) = hidden {
                    assert!(
                        target.field(hidden).is_some(),
                        "a hidden marker names no field"
                    );
                }
            }
        }
        index += 1;
    }
}

const _: () = check(&USER, USER_ATTRIBUTES);
const _: () = check(&GROUP, GROUP_ATTRIBUTES);
