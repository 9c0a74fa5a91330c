//! The catalog: every resource the API serves, declared once in [`resources`].
//!
//! From that one declaration this module derives each resource's [`EntityDef`] (the read
//! engine's description: fields, relations, liveness, default order), named
//! `<RESOURCE>` (e.g. [`KEY_RESULT`]), and a module of its field and relation names (e.g.
//! [`key_result::MID_SCORE`]). The layers above derive their own bookkeeping from the same
//! declaration: row readers (`query::rows`), loader keys (`graphql::loaders`), version
//! tracking (`domain::store`) and the GraphQL `where`/`orderBy` inputs.
//!
//! Everything a declaration names is checked while compiling: columns against the SeaORM
//! model, relations against the SeaORM entity's own (`Relation::<Name>`), relation targets
//! against the other declarations, computed fields against
//! [`computed`], and parents and default orders against the resource's own relations and
//! fields ([`def::check`]).

pub mod computed;
pub mod def;
mod describe;
pub mod elements;
pub mod resources;
pub mod scim;

pub(crate) use resources::resources;

pub use elements::{USER_EMAIL, USER_ROLE, user_email, user_role};

pub use def::{EntityDef, FieldDef, Join, Kind, Live, OrderKey, RelationDef, Sql, SqlScope};

resources!(describe::describe);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declared_table_is_its_entitys_table() {
        for (declared, entity) in declared_tables() {
            assert_eq!(declared, entity);
        }
        assert_eq!(declared_tables().len(), ALL.len());
    }

    #[test]
    fn api_names_are_the_camel_case_of_the_declared_names() {
        assert_eq!(key_result::MID_SCORE, "midScore");
        assert_eq!(objective_link::LINKED_TO, "linkedTo");
        assert!(KEY_RESULT.field(key_result::MID_SCORE).is_some());
        assert!(OBJECTIVE_LINK.relation(objective_link::LINKED_TO).is_some());
    }

    #[test]
    fn every_relation_target_and_through_table_is_declared() {
        for def in ALL {
            for relation in def.relations {
                let targets = [&USER_EMAIL, &USER_ROLE];
                assert!(
                    ALL.iter()
                        .chain(&targets)
                        .any(|other| std::ptr::eq(*other, relation.target))
                );
                if let Join::Through { via, .. } = relation.join {
                    assert!(ALL.iter().any(|other| std::ptr::eq(*other, via)));
                }
            }
        }
    }
}
