import datetime

import factory
from django.utils import timezone

from core.actors import acting_as
from core.models import Duty


class DutyFactory(factory.django.DjangoModelFactory):
    """A duty for a named assignee. Written as the test's setup actor, as features write them."""

    class Meta:
        model = Duty

    kind = "test"
    title = "追蹤"
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    note = "請於下午回電"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with acting_as("test:setup"):
            return super()._create(model_class, *args, **kwargs)
