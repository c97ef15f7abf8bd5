-- wrk script: POST the paste named by $PASTE to /api/v1/decode as text/plain.
-- (No response() callback: it would slow wrk down; load.sh reads wrk's count of non-2xx
-- answers instead.)
local path = os.getenv("PASTE")
local file = assert(io.open(path, "rb"), "cannot read the paste " .. tostring(path))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "text/plain; charset=utf-8"
