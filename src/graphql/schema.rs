//! Building the schema: [`builder`] for the SDL (no data), [`build`] for serving.

use std::sync::Arc;

use async_graphql::{EmptySubscription, SDLExportOptions, Schema, SchemaBuilder};
use sea_orm::DatabaseConnection;

use crate::config::Config;
use crate::graphql::leaves::InPlace;
use crate::graphql::mutation::Mutation;
use crate::graphql::query::Query;

/// The served schema type.
pub type AppSchema = Schema<Query, Mutation, EmptySubscription>;

/// The schema's types without data: enough to export the SDL.
pub fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .override_input_type_description::<rust_decimal::Decimal>(DECIMAL)
}

/// The description of the `Decimal` scalar (rust_decimal's, which carries none).
const DECIMAL: &str = "An exact decimal number, written as a string (`\"0.75\"`) so that no digit \
     is lost; a JSON number is accepted as input but read as a double first. Scores are from \
     0 to 1 with at most nine decimal places.";

/// The schema with its data and the complexity limit (depth and aliases are checked by
/// [`crate::graphql::limits`] before a request reaches the schema).
pub fn build(db: DatabaseConnection, config: Arc<Config>) -> AppSchema {
    configured(db, config).data(InPlace).finish()
}

/// [`build`]'s builder before `finish`, for adding an extension (the reference comparison
/// records every resolver's outcome this way). Without [`build`]'s [`InPlace`], every field
/// is resolved by async-graphql, where extensions see it.
pub fn configured(
    db: DatabaseConnection,
    config: Arc<Config>,
) -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    builder()
        .limit_complexity(config.query_complexity_limit)
        .data(db)
        .data(config)
}

/// The SDL as `schema.graphql` holds it: fields and enum values sorted, descriptions kept.
pub fn sdl() -> String {
    builder().finish().sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_enum_items()
            .include_specified_by(),
    )
}
