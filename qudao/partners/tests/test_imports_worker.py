"""A large import whose task worker is killed mid-way: nothing is written, the progress page
says what happened, and the upload can be confirmed again — with a real worker process killed
with SIGKILL inside the import's transaction, and the next worker that takes over; and with a
task failed without a word in each way a worker can end."""

import pytest
from django.conf import settings as django_settings
from django.utils import translation
from django.utils.translation import gettext
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from qudao.core.services.workers import WorkerLost
from qudao.core.tests.worker import start_worker_process, stop_worker_process, wait_until
from qudao.partners.models import Partner
from qudao.partners.services.imports import FAILURE_REASONS
from qudao.partners.tests.factories import TIERS, tier
from qudao.partners.tests.test_imports import row, xlsx_upload

TASK_PATH = "qudao.partners.services.imports.partner_import_task"
WORKER = ("--no-scheduler", "--interval", "0.1")
WORKER_ENV = {"TASK_WORKER_TIMEOUT_SECONDS": "2"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def tiers(db):
    return {code: tier(code) for code in TIERS}


def client_in(as_user, user, language: str):
    client = as_user(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    return client


def progress(client):
    return client.get("/partners/import/progress/", headers={"HX-Request": "true"})


def import_tasks(status: str) -> int:
    return DBTaskResult.objects.filter(task_path=TASK_PATH, status=status).count()


@pytest.mark.django_db(transaction=True)
def test_an_import_whose_worker_is_killed_says_so_and_can_be_confirmed_again(
    world, as_user, settings, tmp_path
):
    # Given a previewed file of three rows, confirmed, that goes to the task worker
    settings.PARTNER_IMPORT_SYNC_ROWS = 1
    client = client_in(as_user, world.hq, "en")
    client.post("/partners/import/", {"file": xlsx_upload([row(world, n) for n in (1, 2, 3)])})
    assert client.post("/partners/import/confirm/").url == "/partners/import/progress/"
    log = tmp_path / "worker.log"
    pause = tmp_path / "pause"
    pause.mkdir()
    killed = start_worker_process(
        *WORKER,
        "--worker-id",
        "killed",
        log=log,
        pause="qudao.partners.services.imports:_create",
        pause_folder=pause,
        **WORKER_ENV,
    )
    restarted = None
    try:
        # And the worker in the middle of the import: inside its transaction, at the first row
        wait_until(lambda: (pause / "reached").exists(), what="the import to start")

        # When the worker is killed, and another one starts
        killed.kill()
        killed.wait(timeout=60)
        restarted = start_worker_process(*WORKER, "--worker-id", "next", log=log, **WORKER_ENV)

        # Then the progress page stops saying "importing" and says why, in English…
        wait_until(
            lambda: progress(client).context["state"] == "failed",
            what=f"the import to be failed; the workers printed:\n{log.read_text()}",
        )
        page = progress(client)
        text = page.content.decode()
        assert "The task worker running the import stopped before it finished" in text
        assert "nothing was imported" in text and "Confirm the import again" in text
        assert "hx-trigger" not in text  # it no longer polls
        assert import_tasks(TaskResultStatus.FAILED) == 1
        # …and in the reader's language, whoever found the failure first
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
        chinese = progress(client).content.decode()
        with translation.override("zh-hans"):
            assert gettext(FAILURE_REASONS["worker_stopped"]) in chinese
            assert gettext("Back to the preview") in chinese
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
        # And nothing was written
        assert not Partner.objects.filter(code__startswith="P-IMP").exists()

        # When the user goes back to the preview and confirms again
        preview = client.get("/partners/import/preview/")
        assert preview.status_code == 200 and preview.context["preview"].ok
        again = client.post("/partners/import/confirm/")

        # Then a new task imports every row, and the progress page hands over to the list
        assert again.status_code == 302 and again.url == "/partners/import/progress/"
        wait_until(
            lambda: progress(client).status_code == 204,
            what=f"the import to end; the workers printed:\n{log.read_text()}",
        )
    finally:
        stop_worker_process(killed)
        if restarted:
            stop_worker_process(restarted)

    assert Partner.objects.filter(code__startswith="P-IMP").count() == 3
    assert import_tasks(TaskResultStatus.SUCCESSFUL) == 1
    assert import_tasks(TaskResultStatus.FAILED) == 1
    assert "partner_import_token" not in client.session


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (WorkerLost("the worker stopped"), "worker_stopped"),
        (SystemExit(1), "worker_stopped"),  # a second SIGTERM interrupts the task
        (MemoryError(), "task_failed"),
    ],
)
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_task_failed_silently_gives_its_upload_back(
    world, as_user, settings, error, reason
):
    # Given an import handed to the worker, whose task then failed without a word
    settings.PARTNER_IMPORT_SYNC_ROWS = 1
    client = client_in(as_user, world.hq, "en")
    client.post("/partners/import/", {"file": xlsx_upload([row(world, n) for n in (1, 2)])})
    client.post("/partners/import/confirm/")
    task = DBTaskResult.objects.get(task_path=TASK_PATH)
    task.claim("lost")
    task.set_failed(error)

    # Then the progress page says why, and no longer polls
    page = progress(client)
    assert page.context["state"] == "failed"
    assert str(FAILURE_REASONS[reason]) in page.content.decode()
    assert "hx-trigger" not in page.content.decode()
    # And the upload can be confirmed again, as a new task
    assert client.get("/partners/import/preview/").context["preview"].ok
    assert client.post("/partners/import/confirm/").url == "/partners/import/progress/"
    assert progress(client).context["state"] == "queued"
    assert import_tasks(TaskResultStatus.READY) == 1
