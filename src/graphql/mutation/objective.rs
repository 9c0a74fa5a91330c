//! Mutations of objectives and their assessments.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object};
use entity::{objective, objective_assessment};
use rust_decimal::Decimal;

use crate::domain::changeset::Given;
use crate::domain::key_results::KeyResultFields;
use crate::domain::objectives::{self, NewObjective, ObjectivePatch};
use crate::domain::texts::{self, NewText, TextPatch};
use crate::graphql::mutation::{actor, payload, target, target_input};
use crate::graphql::types::{Objective, ObjectiveAssessment};

/// An optional score as the domain sees it: absent, explicit null, or a value.
pub(crate) fn given(score: MaybeUndefined<Decimal>) -> Given<Decimal> {
    match score {
        MaybeUndefined::Undefined => Given::Absent,
        MaybeUndefined::Null => Given::Null,
        MaybeUndefined::Value(value) => Given::Value(value),
    }
}

/// A key result created together with its objective.
#[derive(InputObject)]
pub(crate) struct ObjectiveKeyResultInput {
    /// The text (at most 1,000 characters).
    content: String,
    /// Mid-cycle score from 0 to 1; absent means 0, null is `INVALID`.
    mid_score: MaybeUndefined<Decimal>,
    /// Final score from 0 to 1; absent means 0, null is `INVALID`.
    final_score: MaybeUndefined<Decimal>,
}

impl From<ObjectiveKeyResultInput> for KeyResultFields {
    fn from(input: ObjectiveKeyResultInput) -> Self {
        Self {
            content: input.content,
            mid_score: given(input.mid_score),
            final_score: given(input.final_score),
        }
    }
}

/// What a new objective is made of.
#[derive(InputObject)]
pub(crate) struct CreateObjectiveInput {
    /// The OKR it belongs to.
    okr_id: ID,
    /// The text (at most 1,000 characters).
    content: String,
    /// Key results to create with it, in order, in the same transaction; their errors are
    /// reported at `["keyResults", index, field]`.
    #[graphql(default)]
    key_results: Vec<ObjectiveKeyResultInput>,
}

/// A new text for an objective.
#[derive(InputObject)]
pub(crate) struct UpdateObjectiveInput {
    /// The objective.
    id: ID,
    /// The new text (at most 1,000 characters).
    content: String,
    /// The version the caller last saw (`STALE` if it changed since).
    expected_version: Option<i32>,
}

target_input!(
    /// The objective to cancel.
    CancelObjectiveInput
);
target_input!(
    /// The objective to uncancel.
    UncancelObjectiveInput
);
target_input!(
    /// The objective to delete, for good, with its key results, assessment and links.
    DeleteObjectiveInput
);

payload!(
    /// The result of `createObjective`.
    CreateObjectivePayload { objective: Objective(objective::Model) }
);
payload!(
    /// The result of `updateObjective`.
    UpdateObjectivePayload { objective: Objective(objective::Model) }
);
payload!(
    /// The result of `cancelObjective`.
    CancelObjectivePayload { objective: Objective(objective::Model) }
);
payload!(
    /// The result of `uncancelObjective`.
    UncancelObjectivePayload { objective: Objective(objective::Model) }
);
payload!(
    /// The result of `deleteObjective`: the objective as it was deleted.
    DeleteObjectivePayload { objective: Objective(objective::Model) }
);

/// What a new assessment is made of.
#[derive(InputObject)]
pub(crate) struct CreateObjectiveAssessmentInput {
    /// The objective assessed; it may have only one live assessment.
    objective_id: ID,
    /// The text (at most 10,000 characters).
    assessment: String,
}

/// A new text for an assessment.
#[derive(InputObject)]
pub(crate) struct UpdateObjectiveAssessmentInput {
    /// The assessment.
    id: ID,
    /// The new text (at most 10,000 characters).
    assessment: String,
    /// The version the caller last saw (`STALE` if it changed since).
    expected_version: Option<i32>,
}

target_input!(
    /// The assessment to delete (for good).
    DeleteObjectiveAssessmentInput
);

payload!(
    /// The result of `createObjectiveAssessment`.
    CreateObjectiveAssessmentPayload { objective_assessment: ObjectiveAssessment(objective_assessment::Model) }
);
payload!(
    /// The result of `updateObjectiveAssessment`.
    UpdateObjectiveAssessmentPayload { objective_assessment: ObjectiveAssessment(objective_assessment::Model) }
);
payload!(
    /// The result of `deleteObjectiveAssessment`: the assessment as it was deleted.
    DeleteObjectiveAssessmentPayload { objective_assessment: ObjectiveAssessment(objective_assessment::Model) }
);

/// Objective mutations.
#[derive(Default)]
pub(crate) struct ObjectiveMutation;

#[Object]
impl ObjectiveMutation {
    /// Creates an objective, optionally with key results, in one transaction.
    async fn create_objective(
        &self,
        ctx: &Context<'_>,
        input: CreateObjectiveInput,
    ) -> async_graphql::Result<CreateObjectivePayload> {
        let (db, actor) = actor(ctx).await?;
        let new = NewObjective {
            okr_id: input.okr_id.0,
            content: input.content,
            key_results: input.key_results.into_iter().map(Into::into).collect(),
        };
        let result = objectives::create(db, &actor, new).await;
        CreateObjectivePayload::from_result(result.map(|(objective, _)| objective))
    }

    /// Changes an objective's text.
    async fn update_objective(
        &self,
        ctx: &Context<'_>,
        input: UpdateObjectiveInput,
    ) -> async_graphql::Result<UpdateObjectivePayload> {
        let (db, actor) = actor(ctx).await?;
        let patch = ObjectivePatch {
            target: target(&input.id, input.expected_version),
            content: input.content,
        };
        UpdateObjectivePayload::from_result(objectives::update(db, &actor, patch).await)
    }

    /// Cancels an objective: it stays visible and sorts after live ones.
    async fn cancel_objective(
        &self,
        ctx: &Context<'_>,
        input: CancelObjectiveInput,
    ) -> async_graphql::Result<CancelObjectivePayload> {
        let (db, actor) = actor(ctx).await?;
        let result = objectives::set_cancelled(db, &actor, input.target(), true).await;
        CancelObjectivePayload::from_result(result)
    }

    /// Takes back the cancellation of an objective.
    async fn uncancel_objective(
        &self,
        ctx: &Context<'_>,
        input: UncancelObjectiveInput,
    ) -> async_graphql::Result<UncancelObjectivePayload> {
        let (db, actor) = actor(ctx).await?;
        let result = objectives::set_cancelled(db, &actor, input.target(), false).await;
        UncancelObjectivePayload::from_result(result)
    }

    /// Deletes an objective for good, with its key results, assessment and links.
    async fn delete_objective(
        &self,
        ctx: &Context<'_>,
        input: DeleteObjectiveInput,
    ) -> async_graphql::Result<DeleteObjectivePayload> {
        let (db, actor) = actor(ctx).await?;
        DeleteObjectivePayload::from_result(objectives::delete(db, &actor, input.target()).await)
    }

    /// Writes the assessment of an objective.
    async fn create_objective_assessment(
        &self,
        ctx: &Context<'_>,
        input: CreateObjectiveAssessmentInput,
    ) -> async_graphql::Result<CreateObjectiveAssessmentPayload> {
        let (db, actor) = actor(ctx).await?;
        let new = NewText {
            parent_id: input.objective_id.0,
            text: input.assessment,
        };
        let result = texts::create::<objective_assessment::Entity>(db, &actor, new).await;
        CreateObjectiveAssessmentPayload::from_result(result)
    }

    /// Replaces the text of an assessment.
    async fn update_objective_assessment(
        &self,
        ctx: &Context<'_>,
        input: UpdateObjectiveAssessmentInput,
    ) -> async_graphql::Result<UpdateObjectiveAssessmentPayload> {
        let (db, actor) = actor(ctx).await?;
        let patch = TextPatch {
            target: target(&input.id, input.expected_version),
            text: input.assessment,
        };
        let result = texts::update::<objective_assessment::Entity>(db, &actor, patch).await;
        UpdateObjectiveAssessmentPayload::from_result(result)
    }

    /// Deletes an assessment for good; a new one may then be written.
    async fn delete_objective_assessment(
        &self,
        ctx: &Context<'_>,
        input: DeleteObjectiveAssessmentInput,
    ) -> async_graphql::Result<DeleteObjectiveAssessmentPayload> {
        let (db, actor) = actor(ctx).await?;
        let result =
            texts::delete::<objective_assessment::Entity>(db, &actor, input.target()).await;
        DeleteObjectiveAssessmentPayload::from_result(result)
    }
}
