from .actions import CorrectiveAction
from .alerts import Alert
from .benchmarks import (
    LOWER_IS_BETTER,
    BenchmarkEntry,
    BenchmarkGroup,
    BenchmarkMetric,
    BenchmarkNote,
)
from .common import UnitKind, unit_key
from .facts import (
    PartnerLineMonthFact,
    PartnerMonthFact,
    PartnerPeriodFact,
    PipelineFact,
    PipelineLineFact,
    RollupState,
    ScopeLineMonthFact,
    ScopeMonthFact,
    ScopePipelineFact,
)
from .kpi import KpiMetric, KpiScheme, Scorecard, ScorecardLine
from .rebates import RebateBand, RebateLine, RebatePolicy, RebateStatement
from .targets import Target

__all__ = [
    "LOWER_IS_BETTER",
    "Alert",
    "BenchmarkEntry",
    "BenchmarkGroup",
    "BenchmarkMetric",
    "BenchmarkNote",
    "CorrectiveAction",
    "KpiMetric",
    "KpiScheme",
    "PartnerLineMonthFact",
    "PartnerMonthFact",
    "PartnerPeriodFact",
    "PipelineFact",
    "PipelineLineFact",
    "RebateBand",
    "RebateLine",
    "RebatePolicy",
    "RebateStatement",
    "RollupState",
    "Scorecard",
    "ScorecardLine",
    "ScopeLineMonthFact",
    "ScopeMonthFact",
    "ScopePipelineFact",
    "Target",
    "UnitKind",
    "unit_key",
]
