"""The Docker backend end to end: real engine, real images, Compose v2 and v1.

Skipped unless ``LAB_TEST_DOCKER=1`` and a Docker engine answers (``make test-docker`` sets
the variable after making sure of the engine and the images).
"""
