-- wrk script: announces with random info hashes from an allowlisted pool of 1,000 (hex 1..1000,
-- zero-padded to 40 digits), random peer ids and ports, compact=1, numwant=50, over keep-alive.
local pool = {}
for i = 1, 1000 do
  local h = string.format("%040x", i)
  pool[i] = h:gsub("..", function(b) return "%" .. b end)
end

function setup(thread)
  thread:set("seed", math.random(1, 1000000))
end

function init(args)
  math.randomseed(seed or os.time())
end

request = function()
  local ih = pool[math.random(1, 1000)]
  local pid = string.format("-WR0001-%012d", math.random(1, 200000))
  return wrk.format("GET", "/announce?info_hash=" .. ih .. "&peer_id=" .. pid .. "&port=" .. math.random(1024, 65000)
    .. "&uploaded=0&downloaded=0&left=" .. math.random(0, 3) .. "&compact=1&numwant=50")
end
