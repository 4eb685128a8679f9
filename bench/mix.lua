-- wrk script: every request a different answer of the fee calculator, as people send them.
-- 1 to 4 people, each of any category, over 1 to 5 years: three live quotes (htmx) to
-- one full page. The threads walk the combinations in a scattered order, each its own
-- share, so no address comes twice within a run (there are tens of thousands).
-- bench/throughput.py fills in CATEGORIES from the active fee schedule, and THREADS.

local categories = { CATEGORIES }
local count = #categories
local threads = 0
local counter, step, htmx_headers

local total = 0
for people = 1, 4 do
  total = total + count ^ people
end
total = total * 5

local function gcd(a, b)
  while b ~= 0 do
    a, b = b, a % b
  end
  return a
end

function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end

function init(args)
  counter = offset
  -- A step that shares no factor with the total visits every combination once.
  step = 7919
  while gcd(step, total) ~= 1 do
    step = step + 2
  end
end

local function answer(n)
  local index = (n * step) % total
  local years = index % 5 + 1
  index = math.floor(index / 5)
  local people = 1
  while index >= count ^ people do
    index = index - count ^ people
    people = people + 1
  end
  local query = { "years=" .. years }
  for person = 0, people - 1 do
    query[#query + 1] = "people-" .. person .. "-category=" .. categories[index % count + 1]
    index = math.floor(index / count)
  end
  return table.concat(query, "&")
end

function request()
  local n = counter
  counter = counter + THREADS
  if n % (4 * THREADS) < THREADS then
    return wrk.format("GET", "/fees?" .. answer(n))
  end
  if not htmx_headers then
    htmx_headers = { ["HX-Request"] = "true" }
    for name, value in pairs(wrk.headers) do
      htmx_headers[name] = value
    end
  end
  return wrk.format("GET", "/quote?" .. answer(n), htmx_headers)
end
