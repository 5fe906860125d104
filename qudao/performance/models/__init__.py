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
    PartnerMonthFact,
    PartnerPeriodFact,
    PipelineFact,
    RollupState,
    ScopeMonthFact,
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
    "PartnerMonthFact",
    "PartnerPeriodFact",
    "PipelineFact",
    "RebateBand",
    "RebateLine",
    "RebatePolicy",
    "RebateStatement",
    "RollupState",
    "Scorecard",
    "ScorecardLine",
    "ScopeMonthFact",
    "Target",
    "UnitKind",
    "unit_key",
]
