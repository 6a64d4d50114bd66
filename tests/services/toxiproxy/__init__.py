"""Tests of the gevent Toxiproxy server (services/toxiproxy) through real sockets."""
