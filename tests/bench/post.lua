-- wrk script for POST cases: the body comes from the file named by BENCH_POST_BODY (set by tests/bench/run.py).
local path = os.getenv("BENCH_POST_BODY")
local file = assert(io.open(path, "rb"), "BENCH_POST_BODY must name a readable file")
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
