import pytest


@pytest.fixture(autouse=True)
def write_anonymous_responses_at_once(settings, request):
    """Most tests want an anonymous answer to appear at once; the mixing tests ask for batches."""
    if "mixing" not in request.keywords:
        settings.EAP_SURVEY_MIX_BATCH = 1
