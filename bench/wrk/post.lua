-- POST a GraphQL document: WRK_BODY is the JSON body, WRK_COOKIE (optional) the Cookie header.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY")
wrk.headers["Content-Type"] = "application/json"
local cookie = os.getenv("WRK_COOKIE")
if cookie ~= nil and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end
