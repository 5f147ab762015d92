-- wrk's script for bench/submission.py: each connection is a citizen's browser on the proposal form.
--
--   wrk -t C -c C -d S --latency -s bench/submission.lua http://127.0.0.1:PORT -- FORM_PATH MODE OUT_FILE
--
-- One connection per thread (-t = -c), so that a thread's requests and answers follow each other. MODE:
--   browser  GET the form (its CSRF cookie and token) and POST it back, for every proposal;
--   session  GET the form once, then POST proposals one after another with the same CSRF cookie (a pool of
--            sessions: a citizen sending several), each with a new one-time token.
-- The reference of every confirmed proposal (the 302 to its confirmation page) is written to OUT_FILE, one
-- per line, with the thread and number that wrote the text, for the database check afterwards.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  form_path, mode, out_file = args[1], args[2], args[3]
  math.randomseed(os.time() * 1000 + id)
  cookie, form_token, sent, number = nil, nil, nil, 0
  confirmed, refused, confirmed_list = 0, 0, {}
end

local function uuid4()
  local function hex4() return string.format("%04x", math.random(0, 65535)) end
  return hex4() .. hex4() .. "-" .. hex4() .. "-4" .. hex4():sub(2) .. "-"
    .. string.format("%x", math.random(8, 11)) .. hex4():sub(2) .. "-" .. hex4() .. hex4() .. hex4()
end

local function encode(text)
  return (text:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
  if form_token == nil or mode == "browser" and sent == "post" then
    sent = "get"
    return wrk.format("GET", form_path, cookie and { Cookie = cookie } or {})
  end
  sent = "post"
  number = number + 1
  local who = string.format("t%d-n%d", id, number)
  local body = table.concat({
    "csrfmiddlewaretoken=" .. encode(form_token),
    "author_name=" .. encode("Bench citizen " .. who),
    "author_kind=citizen",
    "organisation=",
    "contact=" .. encode("bench-" .. who .. "@example.kz"),
    "wants_answer=on",
    "text=" .. encode("Bench proposal " .. who .. ": warm shelters at every bus stop of the district."),
    "consent=on",
    "token=" .. uuid4(),
    "website=",
  }, "&")
  return wrk.format("POST", form_path, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    Cookie = cookie,
  }, body)
end

function response(status, headers, body)
  if sent == "get" then
    local set = headers["Set-Cookie"]
    if set then
      local value = set:match("csrftoken=([^;]+)")
      if value then cookie = "csrftoken=" .. value end
    end
    form_token = body:match('name="csrfmiddlewaretoken" value="([^"]+)"') or form_token
    return
  end
  local reference = status == 302 and headers["Location"] and headers["Location"]:match("(QG%-%d+%-%d+)")
  if reference then
    confirmed = confirmed + 1
    table.insert(confirmed_list, reference .. " t" .. id .. "-n" .. number)
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local out = io.open(threads[1]:get("out_file"), "w")
  local confirmed_total, refused_total = 0, 0
  for _, thread in ipairs(threads) do
    confirmed_total = confirmed_total + thread:get("confirmed")
    refused_total = refused_total + thread:get("refused")
    for _, line in ipairs(thread:get("confirmed_list")) do out:write(line, "\n") end
  end
  out:close()
  io.write(string.format(
    "RESULT confirmed=%d refused=%d requests=%d errors=%d seconds=%.3f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f\n",
    confirmed_total, refused_total, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status
      + summary.errors.timeout,
    summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(99) / 1e3))
end
