"""The lab's services: a Toxiproxy-compatible latency injector, httpbin and DNS."""
