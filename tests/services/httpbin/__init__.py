"""Tests of the lab's httpbin service (services/httpbin) through a real server process."""
