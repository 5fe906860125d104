"""The projects app's REST API: ONE `router` (qudao/api.py mounts it at the API's root) that
includes one router per feature, the same names as services/, selectors/ and views/.

An endpoint under /projects/{project_id} loads the project through the caller's scope first
(outside it: 404, common.project_in_scope) and looks an item up inside that project (another
project's item: 404).

Order matters for the paths under /projects only, and it is fixed here: the routers whose paths
begin with a word (/projects/stock-takes, /projects/resource-requests) come before those that
begin with a project id, so that such a word is never read as /projects/{project_id}."""

from ninja import Router

from . import closing, meetings, plan, projects, resources, risks, stocktake, templates, weekly

router = Router()
# Paths that begin with a word: before /projects/{project_id}.
router.add_router("/projects/stock-takes", stocktake.router)
router.add_router("/projects", resources.router)
# Paths that begin with a project id.
router.add_router("/projects", projects.router)
router.add_router("/projects", plan.router)
router.add_router("/projects", risks.router)
router.add_router("/projects", meetings.router)
router.add_router("/projects", weekly.router)
router.add_router("/projects", closing.router)
router.add_router("/process-templates", templates.router)
