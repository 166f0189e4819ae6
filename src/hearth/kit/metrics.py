"""Prometheus metrics shared by the web app, the worker and the stream."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

HTTP_REQUESTS = Counter(
    "hearth_http_requests_total", "HTTP requests served", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "hearth_http_request_seconds", "Time to serve an HTTP request", ["method", "route"]
)
JOBS_FINISHED = Counter("hearth_jobs_finished_total", "Jobs finished", ["kind", "state"])
MENTIONS_STORED = Counter("hearth_mentions_stored_total", "Mentions upserted", ["platform"])
