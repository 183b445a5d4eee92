// Lua scripts of the Redis store: each announce, scrape and expiry sweep is one atomic round trip.
// Per swarm and address family, seeders and leechers are two sorted sets whose member is the peer id
// followed by the IP bytes, scored `expires * 65536 + port`: the score alone orders peers by expiry
// (ZREMRANGEBYSCORE drops the expired ones) and carries the port, so a peer costs one sorted-set entry.
// `idx` scores each swarm by its earliest peer expiry, so the sweeper touches only swarms that are due.
// `totals` keeps global peer counts (for /stats) without scanning.

/** Adjusts the global totals when `n` peers of a kind (seeder?, IPv6?) come or go. */
const ADJUST = `
local function adj(tot, seed, v6, n)
  if n == 0 then return end
  redis.call('HINCRBY', tot, 'peers', n)
  if seed then redis.call('HINCRBY', tot, 'seeders', n) end
  if v6 then redis.call('HINCRBY', tot, 'peers6', n) end
end
`;

/**
 * KEYS: done (hash), idx, totals. ARGV: swarm, member, port, seeder, event, numwant, now, ttl, maxPeers,
 * withIds, v6, random, random, key prefix. The per-swarm keys are made here from the swarm (one Redis,
 * not a Redis Cluster). Returns: complete, incomplete, downloaded, completed, own peers, other peers,
 * own ids, other ids.
 */
export const ANNOUNCE = `${ADJUST}
local done, idx, tot = KEYS[1], KEYS[2], KEYS[3]
local swarm, member = ARGV[1], ARGV[2]
local fam, oth = '4', '6'
if ARGV[11] == '1' then fam, oth = '6', '4' end
local s, l = ARGV[14] .. 's' .. fam .. ':' .. swarm, ARGV[14] .. 'l' .. fam .. ':' .. swarm
local os, ol = ARGV[14] .. 's' .. oth .. ':' .. swarm, ARGV[14] .. 'l' .. oth .. ':' .. swarm
local port, seeder, event = tonumber(ARGV[3]), ARGV[4] == '1', tonumber(ARGV[5])
local numwant, now, ttl, maxp = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local withIds, v6, rnd, rnd2 = ARGV[10] == '1', ARGV[11] == '1', tonumber(ARGV[12]), tonumber(ARGV[13])
local M = 65536
local cut = '(' .. (now * M)
adj(tot, true, v6, -redis.call('ZREMRANGEBYSCORE', s, '-inf', cut))
adj(tot, false, v6, -redis.call('ZREMRANGEBYSCORE', l, '-inf', cut))
adj(tot, true, not v6, -redis.call('ZREMRANGEBYSCORE', os, '-inf', cut))
adj(tot, false, not v6, -redis.call('ZREMRANGEBYSCORE', ol, '-inf', cut))
local inS = redis.call('ZSCORE', s, member)
local inL = false
if not inS then inL = redis.call('ZSCORE', l, member) end
local completed = 0
local stored = false
if event == 3 then
  if inS then redis.call('ZREM', s, member); adj(tot, true, v6, -1) end
  if inL then redis.call('ZREM', l, member); adj(tot, false, v6, -1) end
else
  if event == 1 and not inS then
    completed = 1
    redis.call('HINCRBY', done, swarm, 1)
  end
  local total = redis.call('ZCARD', s) + redis.call('ZCARD', l) + redis.call('ZCARD', os) + redis.call('ZCARD', ol)
  if inS or inL or total < maxp then
    stored = true
    local score = (now + ttl) * M + port
    if inS and not seeder then redis.call('ZREM', s, member); adj(tot, true, v6, -1) end
    if inL and seeder then redis.call('ZREM', l, member); adj(tot, false, v6, -1) end
    local into = l
    if seeder then into = s end
    adj(tot, seeder, v6, redis.call('ZADD', into, score, member))
    redis.call('ZADD', idx, 'LT', now + ttl, swarm)
  end
end
local ns, nl = redis.call('ZCARD', s), redis.call('ZCARD', l)
local nos, nol = redis.call('ZCARD', os), redis.call('ZCARD', ol)
local downloaded = tonumber(redis.call('HGET', done, swarm) or '0')
if event == 3 then numwant = 0 end
local own, ownIds, other, otherIds = {}, {}, {}, {}
-- ZRANDMEMBER returns a small listpack's sample in stored order: ask for exactly what is needed (one
-- more only from the asker's own set, then drop the asker, or a random one if it was not drawn).
local function pick(key, k, out, ids, mine)
  if k <= 0 then return end
  local ask = k
  if mine then ask = k + 1 end
  local r = redis.call('ZRANDMEMBER', key, ask, 'WITHSCORES')
  local drop = -1
  for i = 1, #r, 2 do
    if r[i] == member then drop = i end
  end
  if drop < 0 and #r / 2 > k then drop = 2 * math.floor(rnd2 * (#r / 2)) + 1 end
  for i = 1, #r, 2 do
    if i ~= drop then
      local p = tonumber(r[i + 1]) % M
      out[#out + 1] = string.sub(r[i], 21) .. string.char(math.floor(p / 256), p % 256)
      if withIds then ids[#ids + 1] = string.sub(r[i], 1, 20) end
    end
  end
end
-- Split a want between seeders and leechers in proportion to their numbers (random rounding).
local function split(want, a, b)
  if want <= 0 or a + b == 0 then return 0, 0 end
  if want >= a + b then return a, b end
  local ka = math.floor(want * a / (a + b) + rnd)
  if ka > a then ka = a end
  if want - ka > b then ka = want - b end
  return ka, want - ka
end
-- The asker is never among its own answers: count its set without it.
local ns1, nl1 = ns, nl
if stored and seeder then ns1 = ns - 1 end
if stored and not seeder then nl1 = nl - 1 end
local want1 = math.min(numwant, ns1 + nl1)
local k1, k2 = split(want1, ns1, nl1)
pick(s, k1, own, ownIds, stored and seeder)
pick(l, k2, own, ownIds, stored and not seeder)
local want2 = math.min(numwant - #own, nos + nol)
local k3, k4 = split(want2, nos, nol)
pick(os, k3, other, otherIds, false)
pick(ol, k4, other, otherIds, false)
return { ns + nos, nl + nol, downloaded, completed, table.concat(own), table.concat(other),
  table.concat(ownIds), table.concat(otherIds) }
`;

/** KEYS: s4, l4, s6, l6, done. ARGV: swarm. Returns complete, incomplete, downloaded. */
export const COUNTS = `
-- Like the in-memory store, peers count until the sweep removes them.
local function live(key) return redis.call('ZCARD', key) end
local done = tonumber(redis.call('HGET', KEYS[5], ARGV[1]) or '0')
return { live(KEYS[1]) + live(KEYS[3]), live(KEYS[2]) + live(KEYS[4]), done }
`;

/**
 * KEYS: idx, totals. ARGV: now, limit, key prefix. Expires the peers of up to `limit` swarms that are due
 * and re-scores each by its next expiry (or drops it when empty). Returns how many swarms it visited.
 */
export const SWEEP = `${ADJUST}
local idx, tot = KEYS[1], KEYS[2]
local now, limit, prefix = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local M = 65536
local due = redis.call('ZRANGE', idx, '-inf', '(' .. now, 'BYSCORE', 'LIMIT', 0, limit)
for _, swarm in ipairs(due) do
  local nextDue = false
  for _, kind in ipairs({ 's4', 'l4', 's6', 'l6' }) do
    local key = prefix .. kind .. ':' .. swarm
    local n = redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (now * M))
    adj(tot, string.sub(kind, 1, 1) == 's', string.sub(kind, 2) == '6', -n)
    local first = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    if first[2] then
      local e = math.floor(tonumber(first[2]) / M)
      if not nextDue or e < nextDue then nextDue = e end
    end
  end
  if nextDue then redis.call('ZADD', idx, nextDue, swarm) else redis.call('ZREM', idx, swarm) end
end
return #due
`;

/** KEYS[1] = claim key; ARGV = owner, ttl seconds. 1 when the owner holds it now, 0 when another does. */
export const CLAIM = `
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return 1
`;

/** KEYS[1] = claim key; ARGV[1] = owner: deletes the claim only if it is still that owner's. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0
`;
