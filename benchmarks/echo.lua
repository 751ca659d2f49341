-- wrk script for POST /echo: a 4 KiB body sent as application/octet-stream.
wrk.method = "POST"
wrk.body = string.rep("x", 4096)
wrk.headers["Content-Type"] = "application/octet-stream"
