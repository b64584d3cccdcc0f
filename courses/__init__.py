"""What is taught. The room's base — models, rules, categories, who may see a video, the
published-catalogue queries — sits here; its sub-domains are packages above it:
``media`` (upload, probe, transcode, storage, serving, the videos pages) ← ``search`` (the
course search and its index) ← ``catalogue`` (the public pages and API) and ``studio``
(authoring, publishing and review). A package imports only the base and the packages to
its left, never back.
"""
