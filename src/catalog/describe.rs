//! Derives each resource's [`EntityDef`](super::EntityDef) and its module of names from the
//! declarations in [`super::resources`].

/// Emits, per resource, the `EntityDef` static, its names module and the compile-time
/// checks of everything the declaration names.
macro_rules! describe {
    ($(
        $(#[$doc:meta])*
        $name:ident($table:literal) $listing:ident($($plural:literal)?) {
            key: $pk:ident $pk_kind:ident;
            live: [$($live:ident($live_arg:ident)),* $(,)?];
            order: [$($dir:ident($($segment:ident).+)),* $(,)?];
            columns: [$($column:ident),* $(,)?];
            fields: [$(
                $(#[$field_doc:meta])*
                $field:ident: $kind:ident $sql:ident($source:ident), $null:ident,
                    filter($($filter:ident)?), sort($($sort:literal)?);
            )*];
            relations: [$(
                $(#[$relation_doc:meta])*
                $relation:ident: $shape:ident $target:ident($($join:tt)*),
                    filter($($relation_filter:ident)?), sort($($relation_sort:literal)?);
            )*];
            filters: [$(
                $(#[$filter_doc:meta])*
                $filter_key:ident: $filter_kind:ident($($filter_arg:ident),*) $(default($default:literal))?;
            )*];
        }
    )*) => { pastey::paste! {
        /// Every declared resource.
        pub static ALL: &[&$crate::catalog::EntityDef] = &[$(&[<$name:snake:upper>]),*];

        /// Each resource's declared table and its SeaORM entity's table.
        #[cfg(test)]
        fn declared_tables() -> Vec<(&'static str, &'static str)> {
            vec![$(($table, sea_orm::EntityName::table_name(&entity::[<$name:snake>]::Entity))),*]
        }
    $(
        $(#[$doc])*
        pub static [<$name:snake:upper>]: $crate::catalog::EntityDef = $crate::catalog::EntityDef {
            name: stringify!($name),
            table: $table,
            pk: (stringify!($pk), $crate::catalog::Kind::$pk_kind),
            live: &[$($crate::catalog::describe::live!($live $live_arg [<$live_arg:lower_camel>])),*],
            fields: &[$($crate::catalog::FieldDef {
                name: stringify!([<$field:lower_camel>]),
                kind: $crate::catalog::Kind::$kind,
                sql: $crate::catalog::describe::sql!($sql $source),
                nullable: $crate::catalog::describe::nullable!($null),
            }),*],
            relations: &[$($crate::catalog::describe::relation!(
                [<$relation:lower_camel>] $shape [<$target:snake:upper>] ($($join)*)
            )),*],
            default_order: &[$($crate::catalog::describe::order_key!(
                $dir $([<$segment:lower_camel>])+
            )),*],
        };

        const _: () = $crate::catalog::def::check(&[<$name:snake:upper>]);
        $($crate::catalog::describe::check_filter!(
            [<$name:snake:upper>] $filter_kind($([<$filter_arg:lower_camel>]),*)
        );)*

        const _: () = {
            /// The columns fields and liveness name are fields of the model (the column
            /// list itself is checked, complete and in order, by the row reader that
            /// `query::rows` derives from it).
            #[allow(dead_code)]
            fn columns(row: &entity::[<$name:snake>]::Model) {
                $($crate::catalog::describe::source_column!(row $sql $source);)*
                $($crate::catalog::describe::live_column!(row $live $live_arg);)*
            }
            $($crate::catalog::describe::join_columns!(
                [<$name:snake>] $shape [<$target:snake>] ($($join)*)
            );)*
            $($crate::catalog::describe::entity_relation!(
                [<$name:snake>] [<$relation:camel>] $shape
            );)*
        };

        #[doc = "API names of the fields and relations of `" $name "`, for call sites: a misspelt name does not compile."]
        pub mod [<$name:snake>] {
            $(
                $(#[$field_doc])*
                pub const [<$field:upper>]: &str = stringify!([<$field:lower_camel>]);
            )*
            $(
                $(#[$relation_doc])*
                pub const [<$relation:upper>]: &str = stringify!([<$relation:lower_camel>]);
            )*
        }
    )* } };
}

/// Checks a declared `where` key's names while compiling; an unknown kind matches no rule.
macro_rules! check_filter {
    ($def:ident some($relation:ident, $field:ident)) => {
        const _: () =
            $crate::catalog::def::check_some(&$def, stringify!($relation), stringify!($field));
    };
    ($def:ident $kind:ident($($field:ident),*)) => {
        const _: () = {
            $crate::catalog::describe::check_filter!(@kind $kind);
            $crate::catalog::def::check_fields(&$def, &[$(stringify!($field)),*])
        };
    };
    (@kind flag) => {};
    (@kind search) => {};
    (@kind owner) => {};
}

/// Checks a soft-delete column on the model (`row`).
macro_rules! live_column {
    ($row:ident deleted $column:ident) => {
        let _ = &$row.$column;
    };
    ($row:ident parent $relation:ident) => {};
}

/// A liveness rule.
macro_rules! live {
    (deleted $column:ident $api:ident) => {
        $crate::catalog::Live::NotDeleted(stringify!($column))
    };
    (parent $relation:ident $api:ident) => {
        $crate::catalog::Live::Parent(stringify!($api))
    };
}

/// Where a field's value comes from.
macro_rules! sql {
    (column $column:ident) => {
        $crate::catalog::Sql::Column(stringify!($column))
    };
    (computed $function:ident) => {
        $crate::catalog::Sql::Computed($crate::catalog::computed::$function)
    };
}

/// Checks a column-backed field's column on the model (`row`).
macro_rules! source_column {
    ($row:ident column $column:ident) => {
        let _ = &$row.$column;
    };
    ($row:ident computed $function:ident) => {};
}

/// Whether a field can be null.
macro_rules! nullable {
    (required) => {
        false
    };
    (nullable) => {
        true
    };
}

/// A relation.
macro_rules! relation {
    ($name:ident parent $target:ident ($local:ident)) => {
        $crate::catalog::RelationDef::parent(stringify!($name), &$target, stringify!($local))
    };
    ($name:ident to_one $target:ident ($local:ident -> $remote:ident)) => {
        $crate::catalog::RelationDef::to_one(
            stringify!($name),
            &$target,
            stringify!($local),
            stringify!($remote),
        )
    };
    ($name:ident to_many $target:ident ($remote:ident)) => {
        $crate::catalog::RelationDef::to_many(stringify!($name), &$target, stringify!($remote))
    };
    ($name:ident elements $target:ident ($column:ident)) => {
        $crate::catalog::RelationDef::elements(stringify!($name), &$target, stringify!($column))
    };
    ($name:ident through $target:ident ($via:ident : $this:ident -> $other:ident)) => {
        pastey::paste! {
            $crate::catalog::RelationDef::through(
                stringify!($name),
                &$target,
                &[<$via:snake:upper>],
                stringify!($this),
                stringify!($other),
            )
        }
    };
}

/// Checks a relation's join columns on the models they belong to.
macro_rules! join_columns {
    ($this:ident parent $target:ident ($local:ident)) => {
        const _: () = {
            #[allow(dead_code)]
            fn join(row: &entity::$this::Model, target: &entity::$target::Model) {
                let _ = (&row.$local, &target.id);
            }
        };
    };
    ($this:ident to_one $target:ident ($local:ident -> $remote:ident)) => {
        const _: () = {
            #[allow(dead_code)]
            fn join(row: &entity::$this::Model, target: &entity::$target::Model) {
                let _ = (&row.$local, &target.$remote);
            }
        };
    };
    ($this:ident to_many $target:ident ($remote:ident)) => {
        const _: () = {
            #[allow(dead_code)]
            fn join(row: &entity::$this::Model, target: &entity::$target::Model) {
                let _ = (&row.id, &target.$remote);
            }
        };
    };
    ($this:ident elements $target:ident ($column:ident)) => {
        const _: () = {
            #[allow(dead_code)]
            fn join(row: &entity::$this::Model) {
                let _ = &row.$column;
            }
        };
    };
    ($this:ident through $target:ident ($via:ident : $near:ident -> $far:ident)) => {
        pastey::paste! {
            const _: () = {
                #[allow(dead_code)]
                fn join(via: &entity::[<$via:snake>]::Model) {
                    let _ = (&via.$near, &via.$far);
                }
            };
        }
    };
}

/// Checks that the SeaORM entity declares the relation (`belongs_to`, `has_one` or
/// `has_many`, with `relation_enum` naming it as the catalog does): a catalog relation the
/// entity lacks does not compile. A relation `through` a join resource is checked by its
/// join columns (SeaORM names a `via` relation after the join table's), and relations over
/// JSON elements are the catalog's own.
macro_rules! entity_relation {
    ($this:ident $variant:ident elements) => {};
    ($this:ident $variant:ident through) => {};
    ($this:ident $variant:ident $shape:ident) => {
        const _: () = {
            let _ = entity::$this::Relation::$variant;
        };
    };
}

/// One key of a default order.
macro_rules! order_key {
    ($direction:ident $($segment:ident)+) => {
        $crate::catalog::OrderKey {
            path: &[$(stringify!($segment)),+],
            descending: $crate::catalog::describe::order_key!(@descending $direction),
            nulls_first: $crate::catalog::describe::order_key!(@nulls_first $direction),
        }
    };
    (@descending asc) => { false };
    (@descending desc) => { true };
    (@descending desc_nulls_first) => { true };
    (@nulls_first asc) => { false };
    (@nulls_first desc) => { false };
    (@nulls_first desc_nulls_first) => { true };
}

pub(crate) use {
    check_filter, describe, entity_relation, join_columns, live, live_column, nullable, order_key,
    relation, source_column, sql,
};
