-- wrk script: POST the file named by NIANBAO_LOAD_FILE as the raw body (an upload-and-check).
local f = assert(io.open(os.getenv("NIANBAO_LOAD_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/octet-stream"
