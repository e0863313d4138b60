-- wrk: every request is a new browser joining the identity gate (no cookies kept).
wrk.method = "POST"
wrk.path = "/api/gates/identity/join"
