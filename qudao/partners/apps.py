from django.utils.translation import gettext_lazy as _

from qudao.core.apps import QudaoAppConfig


class PartnersConfig(QudaoAppConfig):
    name = "qudao.partners"
    label = "partners"
    verbose_name = _("Partners")

    def register(self, hooks) -> None:
        from . import approvals, tasks
        from .services import agreements, credit, evaluation, tiers
        from .services.recruitment import approval

        for kind in (
            approvals.ACTIVATION_KIND,
            agreements.AGREEMENT_APPROVAL_KIND,
            credit.CREDIT_APPLICATION_KIND,
            evaluation.PARTNER_EXIT_KIND,
            tiers.TIER_CHANGE_KIND,
            approval.QUALIFICATION_KIND,
        ):
            hooks.approval_kind(kind)
        hooks.daily_job(tasks.agreements_expiry_check_task)
