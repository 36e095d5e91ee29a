"""Response models of the platform API, one module per audience or API module.

Each route answers one of these models and lists the refusals it can answer, both declared on its
decorator with ``**answers(Model, *SIGNED_IN, 404, 422)`` (``responses.py``), so ``/openapi.json``
describes every 2xx body and a client generated from it (openapi-typescript) gets real types. The models describe
what the services already return, key for key: ``tests/platform/test_response_models.py`` drives the
API through its main scenarios and fails when a body has a key its model does not declare (FastAPI
would drop it) or lacks one the model requires.

Records are dynamic per form: their models fix the envelope (``id``, ``row_version``, timestamps …)
and allow the form's field keys beside it; each app's own OpenAPI (``/api/v1/apps/A/openapi.json``)
types those per form.
"""
