"""Demo projects: one or more in every built-in process template, in various stages, advanced
through the real use cases (documents uploaded, checklists ticked, gates passed and approved by the
demo managers), with milestones and tasks, risks, issues, meetings with action items, weekly
reports and resource requests; a won and a lost project, a handover to operations, follow-up
visits, summary and evaluation reports, a closed project, a project on hold, and a stock-take
round of 华南. The health check runs at the end, so some projects show as at risk or critical.
Last, a partner registers a deal at the customer of the vendor's direct data-centre project: its
review waits in the channel manager's queue with a certain conflict with that project (the
registrations demo runs before any project exists, so its own queue shows none).

The won deal registrations of the registrations demo already made their projects (the on_won
hook); those of registrations won more than two months ago are won and closed here, weeks after.
Runs once: nothing happens when projects other than those exist.

Every project starts at its own moment before the seed (STARTED), its stages pass later, the
lost and the closed one end months ago, so that the trends and the audit trail have a history;
the work of the projects in progress (plans, risks, meetings, reports, the stock-take) is dated
around the seed, so that it is current. The metro project's stage is over its target and the
service project's plan late because of when their stages were entered, as the health check
finds them.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from qudao.catalog.models import ProductLine
from qudao.core.models import ApprovalRequest, Department, Region, User
from qudao.core.sample_files import pdf_bytes
from qudao.core.services.approvals import approval_decide, can_decide, step_current
from qudao.demo.clock import HISTORY_DAYS, demo_clock, demo_moment
from qudao.demo.org import demo_user
from qudao.demo.tables import table
from qudao.partners.models import Partner
from qudao.projects.models import (
    ProcessTemplate,
    Project,
    ProjectStage,
)
from qudao.projects.services import (
    project_create,
    project_document_upload,
    project_member_add,
    stage_advance,
    stage_save_draft,
)
from qudao.projects.services.closing import (
    handover_request,
    project_close,
    project_lose,
    project_suspend,
    project_win,
    report_save,
    visit_record,
)
from qudao.projects.services.health import projects_health_check
from qudao.projects.services.meetings import action_item_close, meeting_create
from qudao.projects.services.plan import work_item_create, work_item_update
from qudao.projects.services.resources import resource_request_create, resource_request_respond
from qudao.projects.services.risks import issue_create, risk_create
from qudao.projects.services.stocktake import stocktake_confirm, stocktake_open
from qudao.projects.services.weekly import weekly_report_save
from qudao.registrations.services import registration_save_draft, registration_submit

PDF = pdf_bytes()
DAY = datetime.timedelta(days=1)

# username, family name, given name, roles, region code, department, mobile
STAFF = [
    ("monitor", "钱", "监控", ["monitor"], None, "项目管理部", "13800000010"),
    ("pm_east", "吴", "华东项目", ["project_manager"], "HD-SH", "项目管理部", "13800000011"),
]

# The projects (data/projects.tsv): key, template, name, customer, office, partner code ("" =
# none), owner, amount, stages to pass, outcome ("" = still being worked on).
PROJECTS = table("projects", ints=("stages_passed",))

# key: days before the seed it was created (and won, for those won), its stages passed, and
# it was lost, closed or suspended. The projects still being worked on pass their stages
# recently (the health check measures the current stage from its entry), except the metro
# project's, over its target, and the service project's, whose plan is two days late.
STARTED = {
    "hospital": (50, 3, None),
    "metro": (45, 20, None),
    "datacenter": (4, 2, None),
    "campus": (150, 130, 110),
    "govcloud": (70, 2, None),
    "tower": (120, 5, None),
    "nanshan": (40, 9, None),
    "egov": (420, 390, 330),
    "bank": (100, 80, 30),
}

APPROVERS = ["south_manager", "east_manager", "director", "finance", "admin"]

# The deal a partner registers after the projects exist (see the module docstring): the project
# key, the partner user, the customer as the partner writes it, the project, product and amount.
DIRECT_CLASH = (
    "datacenter", "p4_sales", "上海市浦东新区大数据中心", "浦东大数据中心机房网络扩容", "NET",
    "3600000",
)  # fmt: skip


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _approve_all(approval: ApprovalRequest, people: dict[str, User]) -> None:
    """Decide every step with the first demo manager who may (as a real approver would)."""
    while approval.status == ApprovalRequest.Status.PENDING:
        step = step_current(approval)
        approver = next((people[u] for u in APPROVERS if can_decide(people[u], step)), None)
        if approver is None:
            return  # nobody in the demo decides this step: it stays in their inbox
        approval = approval_decide(
            actor=approver, approval=approval, decision="approve", comment="同意。"
        )


def _pass_stage(
    project: Project, actor: User, people: dict[str, User], *, approve: bool = True
) -> Project:
    """Complete the current stage (documents, checklist) and pass its gate (with `approve`,
    its approval is decided too; without, it waits in the approvers' inbox)."""
    stage = ProjectStage.objects.select_related("definition").get(pk=project.current_stage_id)
    definition = stage.definition
    for doc_type in definition.document_types.all():
        project_document_upload(
            actor=actor,
            project=project,
            stage=stage,
            document_type=doc_type,
            upload=_pdf(f"{doc_type.name}.pdf"),
        )
    if definition.checklist:
        stage_save_draft(
            actor=actor,
            project=project,
            stage=stage,
            checklist_done=list(range(len(definition.checklist))),
        )
    stage_advance(actor=actor, project=project, comment=f"{definition.name}完成。")
    approval = (
        ApprovalRequest.objects.filter(object_id=str(project.pk), kind="project_stage_gate")
        .order_by("-id")
        .first()
    )
    if approve and approval is not None and approval.status == ApprovalRequest.Status.PENDING:
        _approve_all(approval, people)
    return Project.objects.get(pk=project.pk)


def _plan(project: Project, owner: User, today: datetime.date, *, late: bool = False) -> None:
    """A small plan: two tasks and two milestones, one of them done."""

    def add(name: str, kind: str = "", **rest):
        head = {"kind": kind} if kind else {}
        return work_item_create(
            actor=owner, project=project, data={**head, "name": name, "owner": owner, **rest}
        )

    survey = add("现场勘察与需求确认", start_date=today - 10 * DAY, due_date=today - 3 * DAY)
    work_item_update(actor=owner, item=survey, data={"status": "done"})
    design = add(
        "方案设计与评审",
        start_date=today - 2 * DAY,
        due_date=today + 12 * DAY,
        status="doing",
        depends_on=survey,
    )
    add(
        "客户方案确认",
        "milestone",
        due_date=today - 2 * DAY if late else today + 14 * DAY,
        depends_on=design,
    )
    add("合同签订", "milestone", due_date=today + 40 * DAY)


def _threats(project: Project, owner: User, today: datetime.date) -> None:
    risk_create(
        actor=owner,
        project=project,
        data={
            "title": "客户预算审批推迟",
            "probability": 3,
            "impact": 5,
            "response": "与客户信息中心提前沟通分期付款方案。",
            "owner": owner,
            "status": "mitigating",
        },
    )
    risk_create(
        actor=owner,
        project=project,
        data={"title": "竞争对手低价策略", "probability": 4, "impact": 3, "owner": owner},
    )
    risk_create(
        actor=owner,
        project=project,
        data={"title": "设备到货周期长", "probability": 2, "impact": 2, "owner": owner},
    )
    issue_create(
        actor=owner,
        project=project,
        data={
            "title": "客户机房改造未完成",
            "priority": "high",
            "owner": owner,
            "due_date": today + 5 * DAY,
        },
    )


def _meeting(project: Project, owner: User, today: datetime.date, kind: str, title: str) -> None:
    meeting = meeting_create(
        actor=owner,
        project=project,
        data={
            "kind": kind,
            "title": title,
            "held_at": timezone.now() - 3 * DAY,
            "location": "客户会议室",
            "attendees": "项目经理、售前工程师、渠道伙伴、客户信息中心",
            "minutes": "1. 明确项目范围与里程碑；\n2. 确认双方接口人；\n3. 约定每周五提交周报。",
        },
        actions=[
            {"description": "提交详细实施计划", "owner": owner, "due_date": today + 2 * DAY},
            {"description": "确认设备清单", "owner": owner, "due_date": today - DAY},
        ],
    )
    action_item_close(actor=owner, action=meeting.actions.order_by("due_date").first())


def _weekly(project: Project, author: User, today: datetime.date, weeks: int = 3) -> None:
    for back in range(weeks):
        weekly_report_save(
            actor=author,
            project=project,
            week=today - 7 * back * DAY,
            data={
                "this_week": "完成客户交流与方案细化。" if back else "方案评审材料准备。",
                "next_week": "推进方案评审，确认报价。",
                "problems": "需要售前技术部支持无线勘测。" if back == 0 else "",
            },
        )


def seed_projects() -> int:
    """The demo projects (see the module docstring); returns how many were created."""
    if Project.objects.filter(source_registration__isnull=True).exists():
        return 0
    regions = {r.code: r for r in Region.objects.all()}
    with demo_clock(demo_moment(timezone.now(), HISTORY_DAYS, hour=10)):
        for username, last, first, roles, region, department, mobile in STAFF:
            demo_user(username, last, first, roles, regions.get(region), department, mobile)
    names = {"pm", "pm_east", "presales", "monitor", "channel_mgr", *APPROVERS}
    people = {u.username: u for u in User.objects.filter(username__in=names)}
    if not {"pm", "monitor", "south_manager"} <= set(people):
        return 0
    partners = {p.code: p for p in Partner.objects.all()}
    templates = {t.code: t for t in ProcessTemplate.objects.all()}
    presales_dept = Department.objects.filter(name="售前技术部").first()
    now = timezone.now()
    today = timezone.localdate(now)
    _registration_projects_won(now)
    made: dict[str, Project] = {}
    for key, template, name, customer, office, partner, owner, amount, passes, outcome in PROJECTS:
        if template not in templates or office not in regions:
            continue
        actor = people[owner]
        started, passed, _ = STARTED[key]
        with transaction.atomic(), demo_clock(demo_moment(now, started, hour=9)):
            project = project_create(
                actor=actor,
                data={
                    "template": templates[template].pk,
                    "name": name,
                    "customer_name": customer,
                    "region": regions[office].pk,
                    "partner": partners[partner].pk if partner in partners else None,
                    "amount": amount,
                    "expected_close_date": timezone.localdate() + 60 * DAY,
                    "tags": ["重点"] if int(amount) >= 5_000_000 else [],
                },
            )
            project_member_add(actor=actor, project=project, user=people["monitor"], role="monitor")
            if "presales" in people:
                project_member_add(
                    actor=actor, project=project, user=people["presales"], role="presales"
                )
            if outcome in ("won", "closed"):
                project = project_win(
                    actor=actor, project=project, reason="方案与服务能力领先。", competitor="新华三"
                )
        with transaction.atomic(), demo_clock(demo_moment(now, passed, hour=14)):
            for _ in range(passes):
                project = _pass_stage(project, actor, people)
            if outcome == "submit":
                _pass_stage(project, actor, people, approve=False)  # waits for the director
            made[key] = Project.objects.get(pk=project.pk)
    _work(made, people, presales_dept, today)
    _closing(made, people, today, now)
    _stocktake(made, people)
    with transaction.atomic():
        projects_health_check()
    _registration_at_direct_customer(made, today)
    return len(made)


def _registration_projects_won(now: datetime.datetime) -> None:
    """The projects of the registrations won more than two months before the seed are won
    twenty days after the registration and closed (delivered, archived) a month later; the
    recent ones are still being pursued."""
    old = Project.objects.filter(
        status=Project.Status.ACTIVE,
        source_registration__isnull=False,
        created_at__lt=now - 60 * DAY,
    ).select_related("owner")
    for project in old.order_by("created_at", "pk"):
        with transaction.atomic():
            with demo_clock(project.created_at + 20 * DAY):
                project = project_win(
                    actor=project.owner, project=project, reason="报备转化，方案领先。"
                )
            with demo_clock(project.created_at + 50 * DAY):
                project_close(actor=project.owner, project=project, note="交付完成，资料已归档。")


def _registration_at_direct_customer(made: dict[str, Project], today: datetime.date) -> None:
    key, username, customer, name, line_code, amount = DIRECT_CLASH
    user = User.objects.filter(username=username, partner__isnull=False).first()
    line = ProductLine.objects.filter(code=line_code, is_active=True).first()
    if key not in made or user is None or line is None:
        return
    project = made[key]
    with transaction.atomic():
        draft = registration_save_draft(
            actor=user,
            data={
                "customer_name": customer,
                "customer_region": project.region_id,
                "customer_city": "上海",
                "project_name": name,
                "industry": "政府",
                "products": [{"product_line_id": line.pk, "quantity": 80}],
                "estimated_amount": amount,
                "expected_close_date": today + 90 * DAY,
                "stage": "qualified",
                "decision_makers": "中心主任、信息科科长",
                "competitors": "华为、新华三",
            },
        ).registration
        registration_submit(actor=user, registration=draft)


def _work(made, people, presales_dept, today) -> None:
    with transaction.atomic():
        for key in ("hospital", "metro", "tower"):
            if key not in made:
                continue
            project, owner = made[key], made[key].owner
            _plan(project, owner, today, late=key == "metro")
            _threats(project, owner, today)
            kickoff = key == "tower"
            _meeting(
                project,
                owner,
                today,
                "kickoff" if kickoff else "analysis",
                "项目启动会" if kickoff else "项目分析会",
            )
            _weekly(project, owner, today, weeks=1 if key == "metro" else 2)
        if presales_dept is not None and "hospital" in made and "presales" in people:
            project = made["hospital"]
            resource_request_create(
                actor=project.owner,
                project=project,
                data={
                    "department": presales_dept.pk,
                    "title": "无线网络勘测支持",
                    "description": "病房楼 6 层需要无线热图勘测，请安排售前工程师。",
                    "needed_by": today + 5 * DAY,
                },
            )
            answered = resource_request_create(
                actor=project.owner,
                project=project,
                data={
                    "department": presales_dept.pk,
                    "title": "医疗物联网方案专家",
                    "description": "客户希望了解护理呼叫与资产定位一体化方案。",
                },
            )
            resource_request_respond(
                actor=people["presales"],
                request=answered,
                status="accepted",
                response="已安排黄工下周二到场交流。",
            )


def _ended(now: datetime.datetime, key: str) -> datetime.datetime:
    """The moment project `key` was lost, closed or suspended."""
    return demo_moment(now, STARTED[key][2], hour=16)


def _closing(made, people, today, now) -> None:
    monitor = people["monitor"]
    if "campus" in made:
        with transaction.atomic(), demo_clock(_ended(now, "campus")):
            project_lose(
                actor=made["campus"].owner,
                project=made["campus"],
                reason="客户最终选择了价格更低的方案，我方报价高约12%。",
                competitor="锐捷网络",
            )
            report_save(
                actor=monitor,
                project=made["campus"],
                kind="evaluation",
                data={
                    "body": "项目前期跟进及时，但对客户预算变化反应偏慢。",
                    "problems": "报价策略僵化；未能尽早识别决策链变化。",
                    "team_performance": "项目经理：良；渠道伙伴：良",
                    "rating": 3,
                },
                finalise=True,
            )
    # The tower project is handed over now, the 福州 one was handed over and closed months ago.
    for key, moment in (("tower", now), ("egov", _ended(now, "egov"))):
        if key not in made:
            continue
        with transaction.atomic(), demo_clock(moment):
            _handed_over(made[key], people, monitor, final=key == "egov")
            if key == "egov":
                project_close(actor=made["egov"].owner, project=made["egov"], note="资料已归档。")
    if "bank" in made:
        with transaction.atomic(), demo_clock(_ended(now, "bank")):
            project_suspend(
                actor=made["bank"].owner, project=made["bank"], reason="客户总行冻结年度预算。"
            )


def _handed_over(project, people, monitor, *, final: bool) -> None:
    """Handover to operations (approved), two follow-up visits, the summary and evaluation
    reports (final ones with `final`), dated around the clock's today."""
    owner, today = project.owner, timezone.localdate()
    handover = handover_request(
        actor=owner,
        project=project,
        data={
            "scope": "无线控制器 2 台、AP 186 个、网管平台 1 套；竣工图纸已移交。",
            "operations_contact": "运维中心 刘工 13800000099",
            "handover_date": today - DAY,
        },
    )
    _approve_all(handover.approval, people)
    visits = (("onsite", 5, "运行稳定，客户满意。"), ("phone", 4, "希望加强夜间值守响应。"))
    for method, score, note in visits:
        visit_record(
            actor=owner,
            project=project,
            data={
                "method": method,
                "visited_on": today - DAY,
                "satisfaction": score,
                "contact": "信息中心 王主任",
                "notes": note,
            },
        )
    report_save(
        actor=owner,
        project=project,
        kind="summary",
        data={"body": "项目按期交付，验收一次通过。", "problems": "前期到货延迟一周。"},
        finalise=final,
    )
    report_save(
        actor=monitor,
        project=project,
        kind="evaluation",
        data={
            "body": "项目运作规范，关键节点受控，客户评价良好。",
            "problems": "实施阶段变更管理需更及时。",
            "team_performance": "项目经理：优；售前工程师：良；渠道伙伴：优",
            "rating": 5 if final else 4,
        },
        finalise=final,
    )


def _stocktake(made, people) -> None:
    south = Region.objects.filter(code="HN").first()
    if south is None:
        return
    today = timezone.localdate()
    title = f"{today:%Y}年第{(today.month - 1) // 3 + 1}季度华南项目盘点"
    with transaction.atomic():
        stocktake = stocktake_open(
            actor=people["south_manager"],
            data={
                "title": title,
                "region": south.pk,
                "due_date": today + 7 * DAY,
                "note": "请各项目负责人核对状态、金额与预计签约日期。",
            },
        )
        entries = {e.project_id: e for e in stocktake.entries.select_related("stocktake")}
        if "hospital" in made and made["hospital"].pk in entries:
            stocktake_confirm(actor=made["hospital"].owner, entry=entries[made["hospital"].pk])
        if "metro" in made and made["metro"].pk in entries:
            stocktake_confirm(
                actor=made["metro"].owner,
                entry=entries[made["metro"].pk],
                data={
                    "amount": "7800000",
                    "expected_close_date": today + 90 * DAY,
                    "note": "客户分两期建设，一期金额下调。",
                },
            )
