//! The entity types under short names.

pub use crate::analytics_event::Entity as AnalyticsEvent;
pub use crate::cycle::Entity as Cycle;
pub use crate::group::Entity as Group;
pub use crate::group_membership::Entity as GroupMembership;
pub use crate::key_result::Entity as KeyResult;
pub use crate::objective::Entity as Objective;
pub use crate::objective_assessment::Entity as ObjectiveAssessment;
pub use crate::objective_link::Entity as ObjectiveLink;
pub use crate::okr::Entity as Okr;
pub use crate::okr_reflection::Entity as OkrReflection;
pub use crate::user::Entity as User;
