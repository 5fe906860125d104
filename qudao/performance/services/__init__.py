"""Writes of the performance module, one module per part of the closed loop."""

from .actions import (
    action_cancel,
    action_create,
    action_plan_update,
    action_reject,
    action_submit,
    action_verify,
    actions_escalate_overdue,
)
from .alerts import (
    alert_act,
    alert_dismiss,
    alert_text,
    alerts_detect,
    default_owner,
    scorecard_action_create,
)
from .benchmarks import benchmark_note_add, benchmarks_compute
from .kpi import (
    kpi_scheme_save,
    scorecard_feed_evaluation,
    scorecard_manual_score_set,
    scorecard_recompute,
    scorecard_tier_change_propose,
    scorecards_compute,
    scorecards_compute_request,
)
from .rebates import (
    rebate_policy_save,
    rebate_statement_compute,
    rebate_statement_issue,
    rebate_statement_submit,
    rebates_compute,
    rebates_compute_request,
)
from .rollups import (
    facts_rebuild,
    facts_recompute,
    facts_refresh,
    facts_refresh_request,
    on_registration_won,
)
from .targets import target_children_set, target_create, target_delete, target_update

__all__ = [
    "action_cancel",
    "action_create",
    "action_plan_update",
    "action_reject",
    "action_submit",
    "action_verify",
    "actions_escalate_overdue",
    "alert_act",
    "alert_dismiss",
    "alert_text",
    "alerts_detect",
    "benchmark_note_add",
    "benchmarks_compute",
    "default_owner",
    "facts_rebuild",
    "facts_recompute",
    "facts_refresh",
    "facts_refresh_request",
    "kpi_scheme_save",
    "on_registration_won",
    "rebate_policy_save",
    "rebate_statement_compute",
    "rebate_statement_issue",
    "rebate_statement_submit",
    "rebates_compute",
    "rebates_compute_request",
    "scorecard_action_create",
    "scorecard_feed_evaluation",
    "scorecard_manual_score_set",
    "scorecard_recompute",
    "scorecard_tier_change_propose",
    "scorecards_compute",
    "scorecards_compute_request",
    "target_children_set",
    "target_create",
    "target_delete",
    "target_update",
]
