"""The v1 API described: ``GET /api/v1/openapi.json``, an OpenAPI 3.1 document of every
room's calls. It reads the rooms' vocabularies (roles, categories, statuses, sorts) and sits
above them all; no room imports it."""
