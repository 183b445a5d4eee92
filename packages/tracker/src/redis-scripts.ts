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
 * A batch of announces in one run (a busy process sends every announce of one event-loop turn
 * together), packed into one binary argument so that neither side handles a string per field.
 * KEYS: done (hash), idx, totals. ARGV: ttl, maxPeers, key prefix, batch. The batch is, per announce:
 * seeder (1 byte), v6 (1), event (1), snapshot size K (u16 BE), now (u32 BE), port (u16 BE), swarm (20),
 * member (peer id + IP bytes: 24 or 36). The per-swarm keys are made here from the swarm (one Redis, not
 * a Redis Cluster). Each announce stores, refreshes or removes its peer and counts a first
 * `completed`. Reply: { counts, snapshots... }: counts packs complete, incomplete, downloaded (u32 BE)
 * and completed (1 byte) per announce; then, for each announce with K > 0 (which also drops the swarm's
 * expired peers), a snapshot of up to K random peers of each of seeders4, leechers4, seeders6,
 * leechers6: per set, the members concatenated and their scores joined by commas (the process picks
 * answers from it; building compact entries in Lua cost ~0.8 µs a peer).
 */
export const ANNOUNCE = `
local done, idx, tot = KEYS[1], KEYS[2], KEYS[3]
local ttl, maxp, prefix, batch = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4]
local M = 65536
-- The global totals move once per batch, not once per peer.
local dPeers, dSeeds, dV6 = 0, 0, 0
local function adj(seed, v6, n)
  dPeers = dPeers + n
  if seed then dSeeds = dSeeds + n end
  if v6 then dV6 = dV6 + n end
end
local counts, snaps = {}, {}
local function one(pos)
  local seederB, v6B, event, K, now, port, swarm, at = struct.unpack('>BBBHIHc20', batch, pos)
  local seeder, v6 = seederB == 1, v6B == 1
  local width = 24
  if v6 then width = 36 end
  local member = string.sub(batch, at, at + width - 1)
  local fam = '4'
  if v6 then fam = '6' end
  local s, l = prefix .. 's' .. fam .. ':' .. swarm, prefix .. 'l' .. fam .. ':' .. swarm
  local sets = { prefix .. 's4:' .. swarm, prefix .. 'l4:' .. swarm, prefix .. 's6:' .. swarm, prefix .. 'l6:' .. swarm }
  local completed = 0
  if event == 3 then
    adj(true, v6, -redis.call('ZREM', s, member))
    adj(false, v6, -redis.call('ZREM', l, member))
  else
    local into, other = l, s
    if seeder then into, other = s, l end
    -- A peer is one entry: out of the other set (it turned seeder, or back), into its own.
    local moved = redis.call('ZREM', other, member)
    local added = redis.call('ZADD', into, (now + ttl) * M + port, member)
    adj(not seeder, v6, -moved)
    adj(seeder, v6, added)
    local wasSeeder = (seeder and added == 0) or (not seeder and moved == 1)
    if event == 1 and not wasSeeder then
      completed = 1
      redis.call('HINCRBY', done, swarm, 1)
    end
    if added == 1 and moved == 0 then
      local total = 0
      for _, key in ipairs(sets) do total = total + redis.call('ZCARD', key) end
      if total > maxp then
        -- Answered, not stored: the swarm is full.
        redis.call('ZREM', into, member)
        adj(seeder, v6, -1)
      else
        redis.call('ZADD', idx, 'LT', now + ttl, swarm)
      end
    end
  end
  local complete, incomplete = 0, 0
  local downloaded = tonumber(redis.call('HGET', done, swarm) or '0')
  for i, key in ipairs(sets) do
    if K > 0 then
      -- Like the in-memory store, peers count until expired; a snapshot never lists expired ones.
      adj(i % 2 == 1, i > 2, -redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (now * M)))
      local r, ms, ss = redis.call('ZRANDMEMBER', key, K, 'WITHSCORES'), {}, {}
      for k = 1, #r, 2 do
        ms[#ms + 1] = r[k]
        ss[#ss + 1] = r[k + 1]
      end
      snaps[#snaps + 1] = table.concat(ms)
      snaps[#snaps + 1] = table.concat(ss, ',')
    end
    local n = redis.call('ZCARD', key)
    if i % 2 == 1 then complete = complete + n else incomplete = incomplete + n end
  end
  -- WebSocket peers of every process are in the swarm's counts too.
  if K > 0 then
    redis.call('ZREMRANGEBYSCORE', prefix .. 'w:' .. swarm, '-inf', '(' .. now)
    redis.call('ZREMRANGEBYSCORE', prefix .. 'wS:' .. swarm, '-inf', '(' .. now)
  end
  local ws, wsSeeders = redis.call('ZCARD', prefix .. 'w:' .. swarm), redis.call('ZCARD', prefix .. 'wS:' .. swarm)
  complete, incomplete = complete + wsSeeders, incomplete + ws - wsSeeders
  counts[#counts + 1] = struct.pack('>IIIB', complete, incomplete, downloaded, completed)
  return at + width
end
local pos = 1
while pos <= #batch do pos = one(pos) end
if dPeers ~= 0 then redis.call('HINCRBY', tot, 'peers', dPeers) end
if dSeeds ~= 0 then redis.call('HINCRBY', tot, 'seeders', dSeeds) end
if dV6 ~= 0 then redis.call('HINCRBY', tot, 'peers6', dV6) end
table.insert(snaps, 1, table.concat(counts))
return snaps
`;

/**
 * KEYS: s4, l4, s6, l6, done, w, wS. ARGV: swarm, now. Returns complete, incomplete, downloaded: HTTP and
 * UDP peers, plus the WebSocket peers of every process (expired ones, of a process killed without
 * leaving, dropped first).
 */
export const COUNTS = `
-- Like the in-memory store, HTTP and UDP peers count until the sweep removes them.
local function live(key) return redis.call('ZCARD', key) end
local cut = '(' .. ARGV[2]
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', cut)
redis.call('ZREMRANGEBYSCORE', KEYS[7], '-inf', cut)
local ws, wsSeeders = live(KEYS[6]), live(KEYS[7])
local done = tonumber(redis.call('HGET', KEYS[5], ARGV[1]) or '0')
return { live(KEYS[1]) + live(KEYS[3]) + wsSeeders, live(KEYS[2]) + live(KEYS[4]) + ws - wsSeeders, done }
`;

/** KEYS: w, wS. ARGV: expires, member, seeder (1/0). Lists a WebSocket peer, and as a seeder or not. */
export const WS_JOIN = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
if ARGV[3] == '1' then redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2]) else redis.call('ZREM', KEYS[2], ARGV[2]) end
return 0
`;

/** KEYS: w, wS. ARGV: member. */
export const WS_LEAVE = `
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 0
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
