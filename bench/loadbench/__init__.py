"""The load benchmark's parts: the server as the Procfile runs it, signed requests, wrk, the log."""
