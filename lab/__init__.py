"""gevent-lab: the lab's own package (configuration, service control, command line)."""
