"""Tests of the lab's DNS server (services/dns) through real server processes."""
