"""The projects app's reference data: the built-in document types and the seven built-in process
templates, each with a published version 1. Loaded once by migration 0002; the demo, tests and
benchmarks call templates_builtin_ensure on a database that lacks them."""

from django.apps import apps as global_apps
from django.utils import timezone

PDF_WORD = [".pdf", ".doc", ".docx"]
PDF_IMAGE = [".pdf", ".jpg", ".jpeg", ".png"]
SHEETS = [".pdf", ".xls", ".xlsx"]
MB = 1024 * 1024

DOCUMENT_TYPES = [
    ("opportunity_assessment", "机会评估表", [*PDF_WORD, ".xlsx"], 20),
    ("initiation_form", "立项申请表", [*PDF_WORD, ".xlsx"], 20),
    ("requirement_survey", "需求调研报告", PDF_WORD, 50),
    ("site_survey", "现场勘察报告", [*PDF_WORD, ".jpg", ".jpeg", ".png"], 50),
    ("proposal", "方案建议书", [*PDF_WORD, ".zip"], 100),
    ("cost_estimate", "成本核算表", SHEETS, 20),
    ("quotation", "报价单", SHEETS, 20),
    ("bid_document", "投标文件", [*PDF_WORD, ".zip"], 200),
    ("contract", "合同", PDF_IMAGE, 50),
    ("kickoff_minutes", "启动会纪要", PDF_WORD, 20),
    ("implementation_plan", "实施方案", PDF_WORD, 50),
    ("acceptance_report", "验收报告", PDF_IMAGE, 50),
    ("handover_form", "转运维确认单", PDF_IMAGE, 20),
    ("visit_record", "回访记录", [*PDF_WORD, ".jpg", ".jpeg", ".png"], 20),
    ("service_report", "服务报告", PDF_WORD, 50),
    ("evaluation_report", "评价报告", PDF_WORD, 20),
]

REGIONAL = {"approval": "role", "approval_role": "regional_manager"}


def chain(*steps):
    return {"approval": "chain", "approval_chain": [{"name": n, "role": r} for n, r in steps]}


def stage(code, name, days, docs=(), checklist=(), **extra):
    return {
        "code": code,
        "name": name,
        "target_days": days,
        "docs": list(docs),
        "checklist": list(checklist),
        **extra,
    }


OPPORTUNITY = stage(
    "opportunity", "机会获取", 7, checklist=["客户基本信息已录入", "项目来源已确认"]
)
ASSESSMENT = stage(
    "assessment",
    "机会评估",
    7,
    ["opportunity_assessment"],
    ["预算已确认", "决策链已识别", "竞争对手已分析"],
)
INITIATION = stage("initiation", "立项", 5, ["initiation_form"], ["项目团队已组建"])
REQUIREMENTS = stage("requirements", "需求分析", 14, ["requirement_survey"], ["客户需求调研已完成"])
REQUIREMENT_REVIEW = stage(
    "requirement_review", "需求评审", 5, checklist=["需求评审会已召开"], **REGIONAL
)
SOLUTION = stage("solution", "方案设计", 21, ["proposal"], ["方案已与客户交流"])
SOLUTION_REVIEW = stage(
    "solution_review",
    "方案评审",
    5,
    checklist=["方案评审会已召开"],
    **chain(("区域评审", "regional_manager"), ("总部评审", "director")),
)
QUOTATION = stage(
    "quotation",
    "成本核算/报价",
    7,
    ["cost_estimate", "quotation"],
    ["毛利已核算"],
    **chain(("区域审批", "regional_manager"), ("财务审核", "finance")),
)
BIDDING = stage("bidding", "投标", 14, ["bid_document"], ["投标保证金已缴纳"], skippable=True)
CONTRACT = stage(
    "contract",
    "合同评审/签约",
    14,
    ["contract"],
    ["合同条款已评审", "合同已签署"],
    **chain(("区域评审", "regional_manager"), ("总监审批", "director")),
)
KICKOFF = stage("kickoff", "项目启动", 7, ["kickoff_minutes"], ["启动会已召开"], repeatable=True)
IMPLEMENTATION = stage(
    "implementation", "实施", 60, ["implementation_plan"], ["设备已到货", "安装调试完成"]
)
ACCEPTANCE = stage("acceptance", "验收", 14, ["acceptance_report"], ["客户已签字验收"])
HANDOVER = stage(
    "handover", "转运维", 7, ["handover_form"], ["交付范围已确认", "运维团队已接收"], **REGIONAL
)
FOLLOW_UP = stage("follow_up", "回访", 30, ["visit_record"], ["满意度已记录"], repeatable=True)

TEMPLATES = [
    (
        "presales_standard",
        "售前标准流程",
        "presales",
        "机会获取到项目启动的标准售前流程。",
        [
            OPPORTUNITY,
            ASSESSMENT,
            INITIATION,
            REQUIREMENTS,
            REQUIREMENT_REVIEW,
            SOLUTION,
            SOLUTION_REVIEW,
            QUOTATION,
            BIDDING,
            CONTRACT,
            {**KICKOFF, "name": "项目启动"},
        ],
    ),
    (
        "security_presales",
        "安防工程售前",
        "presales",
        "安防工程类项目的售前流程，含现场勘察。",
        [
            OPPORTUNITY,
            stage("site_survey", "现场勘察", 7, ["site_survey"], ["点位已勘察", "图纸已确认"]),
            REQUIREMENTS,
            SOLUTION,
            SOLUTION_REVIEW,
            QUOTATION,
            BIDDING,
            CONTRACT,
            KICKOFF,
        ],
    ),
    (
        "company",
        "公司级项目",
        "company",
        "公司级重点项目：总部立项审批，完整的售前与交付。",
        [
            {**INITIATION, "approval": "role", "approval_role": "director"},
            REQUIREMENTS,
            REQUIREMENT_REVIEW,
            SOLUTION,
            SOLUTION_REVIEW,
            QUOTATION,
            CONTRACT,
            KICKOFF,
            IMPLEMENTATION,
            ACCEPTANCE,
            stage("summary", "总结评价", 14, ["evaluation_report"], ["项目总结会已召开"]),
        ],
    ),
    (
        "channel",
        "渠道项目",
        "channel",
        "渠道伙伴主导的项目；报备赢单后自动建立。",
        [OPPORTUNITY, SOLUTION, QUOTATION, CONTRACT, KICKOFF, ACCEPTANCE],
    ),
    (
        "bid",
        "投标项目",
        "bid",
        "以公开招标为主的项目。",
        [
            stage("tender_analysis", "招标文件分析", 5, checklist=["资质要求已核对"]),
            SOLUTION,
            QUOTATION,
            {**BIDDING, "skippable": False},
            stage("award", "开标/中标", 14, checklist=["中标结果已确认"]),
            CONTRACT,
        ],
    ),
    (
        "delivery",
        "实施交付",
        "delivery",
        "启动会 → 实施 → 验收 → 转运维 → 回访。",
        [
            {**KICKOFF, "name": "启动会"},
            IMPLEMENTATION,
            ACCEPTANCE,
            HANDOVER,
            FOLLOW_UP,
        ],
    ),
    (
        "service",
        "服务/运维",
        "service",
        "转运维后的服务与运维项目。",
        [
            stage("intake", "运维接收", 7, ["handover_form"], ["资产清单已核对"]),
            stage("service_plan", "服务计划", 7, checklist=["服务级别已约定"]),
            stage("operation", "运维服务", 365, ["service_report"], repeatable=True),
            FOLLOW_UP,
            stage("renewal", "续约评估", 30, checklist=["续约意向已确认"], skippable=True),
        ],
    ),
]


def templates_builtin_ensure(apps=None) -> None:
    """Create the built-in document types and process templates that do not exist yet (by code);
    existing ones are left as they are.

    `apps`: the migration's historical app registry (migration 0002 calls it so); the project's
    own models otherwise (demo, tests, benchmarks). Written as plain rows, not through the
    services, and using only the fields of migration 0001, so that the migration keeps working
    when the services or the models change."""
    apps = apps or global_apps
    DocumentType = apps.get_model("projects", "DocumentType")
    ProcessTemplate = apps.get_model("projects", "ProcessTemplate")
    TemplateVersion = apps.get_model("projects", "TemplateVersion")
    StageDefinition = apps.get_model("projects", "StageDefinition")
    doc_types = {}
    for code, name, extensions, size_mb in DOCUMENT_TYPES:
        doc_types[code], _created = DocumentType.objects.get_or_create(
            code=code,
            defaults={"name": name, "allowed_extensions": extensions, "max_bytes": size_mb * MB},
        )
    now = timezone.now()
    for code, name, project_class, description, stages in TEMPLATES:
        if ProcessTemplate.objects.filter(code=code).exists():
            continue
        template = ProcessTemplate.objects.create(
            code=code,
            name=name,
            project_class=project_class,
            description=description,
            is_builtin=True,
        )
        version = TemplateVersion.objects.create(
            template=template, number=1, status="published", published_at=now
        )
        for order, data in enumerate(stages, start=1):
            definition = StageDefinition.objects.create(
                version=version,
                order=order,
                code=data["code"],
                name=data["name"],
                target_days=data["target_days"],
                checklist=data["checklist"],
                approval=data.get("approval", "none"),
                approval_role=data.get("approval_role", ""),
                approval_chain=data.get("approval_chain", []),
                skippable=data.get("skippable", False),
                repeatable=data.get("repeatable", False),
            )
            definition.document_types.set([doc_types[c] for c in data["docs"]])
