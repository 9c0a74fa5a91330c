//! `<Resource>Where`, `<Resource>ListWhere` and `<Resource>OrderBy`, derived from the catalog
//! ([`crate::catalog::resources`]) for every listed resource.
//!
//! A `where` input's keys are AND-ed. A field declared with `filter(kind)` gets that kind's
//! operators; a relation declared with `filter(yes)` becomes an `EXISTS` subquery: to-one keys
//! take the related resource's `where`, to-many keys a `ListWhere` with `some`, `every` and
//! `none`. The declaration's `filters` add keys that are not one field's operators, and the
//! defaults among them (`UserWhere.active`, `GroupWhere.hasActiveMembers`) apply to a list's
//! own `where` when the key is absent; an explicit `null` removes them. An `orderBy` item
//! sorts by a field declared with `sort("…")`, by a field of a to-one relation declared so,
//! or by the size of a to-many one.

use async_graphql::{ID, InputObject, MaybeUndefined, OneofObject};

use crate::graphql::inputs::scalars::{
    BooleanFilter, DateTimeFilter, DecimalFilter, FieldFilter, IdFilter, SortOrder, StringFilter,
};
use crate::query::filter::{Filter, Predicate, Quantifier, Scalar};
use crate::query::sort::{SortKey, SortPath};

/// A `where` input.
pub trait Where {
    /// The filter, without list defaults.
    fn to_filter(&self) -> Filter;

    /// The filter of a list: the input's, and the resource's defaults for the keys it leaves
    /// out.
    fn list_filter(input: Option<&Self>) -> Filter;
}

/// A `ListWhere` input: conditions on the rows of a to-many relation.
pub trait ListWhere {
    /// Each quantifier with its condition, if given.
    fn quantified(&self) -> [(Quantifier, Option<Filter>); 3];
}

/// Collects the parts of one `where` input.
#[derive(Default)]
struct Parts(Vec<Filter>);

impl Parts {
    fn push(&mut self, filter: Option<Filter>) {
        self.0.extend(filter);
    }

    fn field<F: FieldFilter>(&mut self, field: &'static str, filter: Option<&F>) {
        if let Some(filter) = filter {
            self.0.extend(filter.filters(field));
        }
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

    fn list(&mut self, relation: &'static str, list: Option<&impl ListWhere>) {
        for (quantifier, filter) in list.map(ListWhere::quantified).into_iter().flatten() {
            self.relation(relation, quantifier, filter);
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

/// `flag(field)`: the field is `value`.
fn flag(field: &'static str, value: bool) -> Filter {
    Filter::field(field, Predicate::Eq(Scalar::Bool(value)))
}

/// `some(relation, field)`: some related row has the flag (`true`), or none has (`false`).
fn some_flagged(relation: &'static str, field: &'static str, value: bool) -> Filter {
    let quantifier = if value {
        Quantifier::Some
    } else {
        Quantifier::None
    };
    Filter::Relation {
        relation,
        quantifier,
        filter: Box::new(flag(field, true)),
    }
}

/// `search(fields…)`: a case-insensitive substring of any of `fields`.
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
    /// `owner(user_field, group_field)`: owned by this owner.
    fn filter(&self, user_field: &'static str, group_field: &'static str) -> Filter {
        match self {
            Self::UserId(id) => {
                Filter::field(user_field, Predicate::Eq(Scalar::Text(id.0.clone())))
            }
            Self::GroupId(id) => {
                Filter::field(group_field, Predicate::Eq(Scalar::Text(id.0.clone())))
            }
        }
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

/// `filter(text)`: string operators.
type TextFilter = StringFilter;
/// `filter(instant)`: instant operators.
type InstantFilter = DateTimeFilter;
/// `filter(flag)`: a plain `Boolean`.
type FlagFilter = bool;

/// Derives `<Resource>Where`, `<Resource>ListWhere` and `<Resource>OrderBy` for every listed
/// resource. Each declaration's fields, relations and filters are first sorted into uniform
/// items (`key: type => how(names)`), which one final step turns into the types and their
/// conversions.
macro_rules! inputs {
    ($(
        $(#[$doc:meta])*
        $name:ident($table:literal) $listing:ident($($plural:literal)?) {
            key: $pk:ident $pk_kind:ident;
            live: [$($live:tt)*];
            order: [$($order:tt)*];
            columns: [$($column:tt)*];
            fields: [$($fields:tt)*];
            relations: [$($relations:tt)*];
            filters: [$($filters:tt)*];
        }
    )*) => {
        $(inputs!(@resource $name $listing($($plural)?) [$($fields)*] [$($relations)*] [$($filters)*]);)*
    };
    (@resource $name:ident unlisted() $($rest:tt)*) => {};
    (@resource $name:ident listed($plural:literal) $fields:tt $relations:tt $filters:tt) => {
        inputs!(@where $name $plural {} $fields $relations $filters);
        inputs!(@order $name $plural {} $fields $relations);
    };

    // `where` keys of fields.
    (@where $name:ident $plural:literal {$($item:tt)*}
        [$(#[$doc:meta])* $field:ident: $kind:ident $sql:ident($source:ident), $null:ident,
            filter($filter:ident), sort($($sort:literal)?); $($fields:tt)*]
        $relations:tt $filters:tt) => { pastey::paste! {
        inputs!(@where $name $plural {$($item)* {
            $(#[$doc])* $field: Option<[<$filter:camel Filter>]> => field([<$field:lower_camel>])
        }} [$($fields)*] $relations $filters);
    } };
    (@where $name:ident $plural:literal {$($item:tt)*}
        [$(#[$doc:meta])* $field:ident: $kind:ident $sql:ident($source:ident), $null:ident,
            filter(), sort($($sort:literal)?); $($fields:tt)*]
        $relations:tt $filters:tt) => {
        inputs!(@where $name $plural {$($item)*} [$($fields)*] $relations $filters);
    };

    // `where` keys of relations.
    (@where $name:ident $plural:literal {$($item:tt)*} []
        [$(#[$doc:meta])* $relation:ident: $shape:ident $target:ident($($join:tt)*),
            filter(), sort($($sort:literal)?); $($relations:tt)*]
        $filters:tt) => {
        inputs!(@where $name $plural {$($item)*} [] [$($relations)*] $filters);
    };
    (@where $name:ident $plural:literal {$($item:tt)*} []
        [$(#[$doc:meta])* $relation:ident: parent $target:ident($($join:tt)*),
            filter(yes), sort($($sort:literal)?); $($relations:tt)*]
        $filters:tt) => {
        inputs!(@where $name $plural {$($item)*} [] [
            $(#[$doc])* $relation: to_one $target($($join)*), filter(yes), sort($($sort)?);
            $($relations)*
        ] $filters);
    };
    (@where $name:ident $plural:literal {$($item:tt)*} []
        [$(#[$doc:meta])* $relation:ident: through $target:ident($($join:tt)*),
            filter(yes), sort($($sort:literal)?); $($relations:tt)*]
        $filters:tt) => {
        inputs!(@where $name $plural {$($item)*} [] [
            $(#[$doc])* $relation: to_many $target($($join)*), filter(yes), sort($($sort)?);
            $($relations)*
        ] $filters);
    };
    (@where $name:ident $plural:literal {$($item:tt)*} []
        [$(#[$doc:meta])* $relation:ident: to_one $target:ident($($join:tt)*),
            filter(yes), sort($($sort:literal)?); $($relations:tt)*]
        $filters:tt) => { pastey::paste! {
        inputs!(@where $name $plural {$($item)* {
            $(#[$doc])* $relation: Option<Box<[<$target Where>]>> => one([<$relation:lower_camel>])
        }} [] [$($relations)*] $filters);
    } };
    (@where $name:ident $plural:literal {$($item:tt)*} []
        [$(#[$doc:meta])* $relation:ident: to_many $target:ident($($join:tt)*),
            filter(yes), sort($($sort:literal)?); $($relations:tt)*]
        $filters:tt) => { pastey::paste! {
        inputs!(@where $name $plural {$($item)* {
            $(#[$doc])* $relation: Option<Box<[<$target ListWhere>]>> => many([<$relation:lower_camel>])
        }} [] [$($relations)*] $filters);
    } };

    // The declaration's other `where` keys.
    (@where $name:ident $plural:literal {$($item:tt)*} [] []
        [$(#[$doc:meta])* $key:ident: flag($field:ident) default($default:literal); $($filters:tt)*]) => {
        pastey::paste! {
            inputs!(@where $name $plural {$($item)* {
                $(#[$doc])* $key: MaybeUndefined<bool> => flag([<$field:lower_camel>], $default)
            }} [] [] [$($filters)*]);
        }
    };
    (@where $name:ident $plural:literal {$($item:tt)*} [] []
        [$(#[$doc:meta])* $key:ident: some($relation:ident, $field:ident) default($default:literal);
            $($filters:tt)*]) => {
        pastey::paste! {
            inputs!(@where $name $plural {$($item)* {
                $(#[$doc])* $key: MaybeUndefined<bool>
                    => some([<$relation:lower_camel>], [<$field:lower_camel>], $default)
            }} [] [] [$($filters)*]);
        }
    };
    (@where $name:ident $plural:literal {$($item:tt)*} [] []
        [$(#[$doc:meta])* $key:ident: search($($field:ident),+); $($filters:tt)*]) => {
        pastey::paste! {
            inputs!(@where $name $plural {$($item)* {
                $(#[$doc])* $key: Option<String> => search($([<$field:lower_camel>]),+)
            }} [] [] [$($filters)*]);
        }
    };
    (@where $name:ident $plural:literal {$($item:tt)*} [] []
        [$(#[$doc:meta])* $key:ident: owner($user:ident, $group:ident); $($filters:tt)*]) => {
        pastey::paste! {
            inputs!(@where $name $plural {$($item)* {
                $(#[$doc])* $key: Option<OwnerInput>
                    => owner([<$user:lower_camel>], [<$group:lower_camel>])
            }} [] [] [$($filters)*]);
        }
    };

    // Every key sorted: the types.
    (@where $name:ident $plural:literal
        {$({$(#[$doc:meta])* $key:ident: $type:ty => $how:ident($($names:tt)*)})*} [] [] []) => {
        pastey::paste! {
            #[doc = "Conditions on " $plural "."]
            #[derive(InputObject, Clone, Debug, Default)]
            pub struct [<$name Where>] {
                $($(#[$doc])* pub $key: $type,)*
                /// All of these.
                pub and: Option<Vec<[<$name Where>]>>,
                /// Any of these.
                pub or: Option<Vec<[<$name Where>]>>,
                /// Not this.
                pub not: Option<Box<[<$name Where>]>>,
            }

            impl Where for [<$name Where>] {
                fn to_filter(&self) -> Filter {
                    let (this, mut parts) = (self, Parts::default());
                    $(inputs!(@part parts this $key $how($($names)*));)*
                    parts.logic(this.and.as_ref(), this.or.as_ref(), this.not.as_deref());
                    parts.finish()
                }

                fn list_filter(input: Option<&Self>) -> Filter {
                    let mut parts = Parts::default();
                    parts.push(input.map(Where::to_filter));
                    $(inputs!(@default parts input $key $how($($names)*));)*
                    parts.finish()
                }
            }

            /// Conditions on the rows of a to-many relation.
            #[derive(InputObject, Clone, Debug, Default)]
            pub struct [<$name ListWhere>] {
                /// At least one related row matches.
                pub some: Option<Box<[<$name Where>]>>,
                /// Every related row matches (true when there are none).
                pub every: Option<Box<[<$name Where>]>>,
                /// No related row matches.
                pub none: Option<Box<[<$name Where>]>>,
            }

            impl ListWhere for [<$name ListWhere>] {
                fn quantified(&self) -> [(Quantifier, Option<Filter>); 3] {
                    [
                        (Quantifier::Some, self.some.as_deref().map(Where::to_filter)),
                        (Quantifier::Every, self.every.as_deref().map(Where::to_filter)),
                        (Quantifier::None, self.none.as_deref().map(Where::to_filter)),
                    ]
                }
            }
        }
    };

    // How each kind of key adds to the filter.
    (@part $parts:ident $this:ident $key:ident field($name:ident)) => {
        $parts.field(stringify!($name), $this.$key.as_ref())
    };
    (@part $parts:ident $this:ident $key:ident one($name:ident)) => {
        $parts.relation(stringify!($name), Quantifier::Is, $this.$key.as_deref().map(Where::to_filter))
    };
    (@part $parts:ident $this:ident $key:ident many($name:ident)) => {
        $parts.list(stringify!($name), $this.$key.as_deref())
    };
    (@part $parts:ident $this:ident $key:ident flag($field:ident, $default:literal)) => {
        $parts.push($this.$key.value().map(|value| flag(stringify!($field), *value)))
    };
    (@part $parts:ident $this:ident $key:ident some($relation:ident, $field:ident, $default:literal)) => {
        $parts.push($this.$key.value().map(|value| {
            some_flagged(stringify!($relation), stringify!($field), *value)
        }))
    };
    (@part $parts:ident $this:ident $key:ident search($($field:ident),+)) => {
        $parts.push($this.$key.as_deref().map(|text| search(text, &[$(stringify!($field)),+])))
    };
    (@part $parts:ident $this:ident $key:ident owner($user:ident, $group:ident)) => {
        $parts.push($this.$key.as_ref().map(|owner| owner.filter(stringify!($user), stringify!($group))))
    };

    // The list defaults: a defaulted key the input leaves out.
    (@default $parts:ident $input:ident $key:ident flag($field:ident, $default:literal)) => {
        if $input.is_none_or(|input| input.$key.is_undefined()) {
            $parts.push(Some(flag(stringify!($field), $default)));
        }
    };
    (@default $parts:ident $input:ident $key:ident some($relation:ident, $field:ident, $default:literal)) => {
        if $input.is_none_or(|input| input.$key.is_undefined()) {
            $parts.push(Some(some_flagged(stringify!($relation), stringify!($field), $default)));
        }
    };
    (@default $parts:ident $input:ident $key:ident $how:ident($($names:tt)*)) => {};

    // `orderBy` items of fields.
    (@order $name:ident $plural:literal {$($item:tt)*}
        [$(#[$doc:meta])* $field:ident: $kind:ident $sql:ident($source:ident), $null:ident,
            filter($($filter:ident)?), sort($sort:literal); $($fields:tt)*]
        $relations:tt) => { pastey::paste! {
        inputs!(@order $name $plural {$($item)* {
            $sort [<$field:camel>]: SortOrder => field([<$field:lower_camel>])
        }} [$($fields)*] $relations);
    } };
    (@order $name:ident $plural:literal {$($item:tt)*}
        [$(#[$doc:meta])* $field:ident: $kind:ident $sql:ident($source:ident), $null:ident,
            filter($($filter:ident)?), sort(); $($fields:tt)*]
        $relations:tt) => {
        inputs!(@order $name $plural {$($item)*} [$($fields)*] $relations);
    };

    // `orderBy` items of relations: a to-one relation's fields, a to-many relation's size.
    (@order $name:ident $plural:literal {$($item:tt)*} []
        [$(#[$doc:meta])* $relation:ident: $shape:ident $target:ident($($join:tt)*),
            filter($($filter:ident)?), sort(); $($relations:tt)*]) => {
        inputs!(@order $name $plural {$($item)*} [] [$($relations)*]);
    };
    (@order $name:ident $plural:literal {$($item:tt)*} []
        [$(#[$doc:meta])* $relation:ident: parent $target:ident($($join:tt)*),
            filter($($filter:ident)?), sort($sort:literal); $($relations:tt)*]) => {
        inputs!(@order $name $plural {$($item)*} [] [
            $relation: to_one $target($($join)*), filter($($filter)?), sort($sort); $($relations)*
        ]);
    };
    (@order $name:ident $plural:literal {$($item:tt)*} []
        [$(#[$doc:meta])* $relation:ident: to_one $target:ident($($join:tt)*),
            filter($($filter:ident)?), sort($sort:literal); $($relations:tt)*]) => { pastey::paste! {
        inputs!(@order $name $plural {$($item)* {
            $sort [<$relation:camel>]: Box<[<$target OrderBy>]> => through([<$relation:lower_camel>])
        }} [] [$($relations)*]);
    } };
    (@order $name:ident $plural:literal {$($item:tt)*} []
        [$(#[$doc:meta])* $relation:ident: through $target:ident($($join:tt)*),
            filter($($filter:ident)?), sort($sort:literal); $($relations:tt)*]) => {
        inputs!(@order $name $plural {$($item)*} [] [
            $relation: to_many $target($($join)*), filter($($filter)?), sort($sort); $($relations)*
        ]);
    };
    (@order $name:ident $plural:literal {$($item:tt)*} []
        [$(#[$doc:meta])* $relation:ident: to_many $target:ident($($join:tt)*),
            filter($($filter:ident)?), sort($sort:literal); $($relations:tt)*]) => { pastey::paste! {
        inputs!(@order $name $plural {$($item)* {
            $sort [<$relation:camel Count>]: SortOrder => count([<$relation:lower_camel>])
        }} [] [$($relations)*]);
    } };

    // Every item sorted: the type.
    (@order $name:ident $plural:literal
        {$({$doc:literal $variant:ident: $type:ty => $how:ident($api:ident)})*} [] []) => {
        pastey::paste! {
            #[doc = "One key of an order of " $plural "."]
            #[derive(OneofObject, Clone, Debug)]
            pub enum [<$name OrderBy>] {
                $(#[doc = $doc] $variant($type),)*
            }

            impl OrderBy for [<$name OrderBy>] {
                fn to_key(&self) -> SortKey {
                    match self {
                        $(Self::$variant(item) => inputs!(@key item $how($api)),)*
                    }
                }
            }
        }
    };

    (@key $item:ident field($api:ident)) => { field(*$item, stringify!($api)) };
    (@key $item:ident count($api:ident)) => { count(*$item, stringify!($api)) };
    (@key $item:ident through($api:ident)) => { through(stringify!($api), $item.as_ref()) };
}

crate::catalog::resources!(inputs);
