package crawlstate

import "github.com/redis/go-redis/v9"

// The Lua scripts run where atomicity matters: each is one step of the
// frontier that no other worker may see half done. Times are the Redis
// server's (TIME), in milliseconds, so that workers on machines whose
// clocks differ keep one politeness. Per-crawl keys start with the prefix
// ARGV[1] ("rankfile:<crawl id>:").

// luaLib is prepended to the scripts that need it.
const luaLib = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
-- a lease is kept as "host\nworker\nitem"
local function split_lease(v)
  local a = string.find(v, '\n', 1, true)
  local b = string.find(v, '\n', a + 1, true)
  return string.sub(v, 1, a - 1), string.sub(v, a + 1, b - 1), string.sub(v, b + 1)
end
-- release frees one of host's slots; the host may be asked again at 'at'
local function release(p, host, at)
  local hk = p .. 'host:' .. host
  local busy = redis.call('HINCRBY', hk, 'busy', -1)
  if busy < 0 then
    redis.call('HSET', hk, 'busy', 0)
    busy = 0
  end
  local nxt = tonumber(redis.call('HGET', hk, 'next') or '0')
  if at > nxt then
    nxt = at
    redis.call('HSET', hk, 'next', nxt)
  end
  if redis.call('LLEN', p .. 'q:' .. host) > 0 and busy < tonumber(redis.call('HGET', hk, 'par') or '1') then
    redis.call('ZADD', p .. 'hosts', nxt, host)
  end
end
-- drop_lease removes lease id and returns host, worker, item (nil when gone)
local function drop_lease(p, id)
  local v = redis.call('HGET', p .. 'lease', id)
  if not v then
    return nil
  end
  redis.call('HDEL', p .. 'lease', id)
  redis.call('ZREM', p .. 'leases', id)
  local host, worker, item = split_lease(v)
  redis.call('HINCRBY', p .. 'wleases', worker, -1)
  return host, worker, item
end
`

// joinScript: KEYS[1] the crawl key; ARGV sites digest, a new crawl id.
// It returns {crawl id, 1 if a new crawl was started, the id of the
// finished crawl it replaced}, or an error naming the crawl of another
// sites file under way.
var joinScript = redis.NewScript(luaLib + `
local m = redis.call('HMGET', KEYS[1], 'sites', 'crawl_id', 'finished')
if m[1] and not m[3] then
  if m[1] ~= ARGV[1] then
    return redis.error_reply('REFUSED crawl ' .. m[2] .. ' of sites file sha1 ' .. m[1] .. ' is under way')
  end
  return {m[2], 0, ''}
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'sites', ARGV[1], 'crawl_id', ARGV[2], 'started', now_ms())
return {ARGV[2], 1, m[2] or ''}
`)

// addScript: ARGV prefix, then for each URL seven fields: seen key, host,
// item, counter, limit, parallelism, delay ms. It returns, for each URL,
// 0 queued, 1 seen, 2 over the limit.
var addScript = redis.NewScript(luaLib + `
local p = ARGV[1]
local out = {}
for i = 2, #ARGV, 7 do
  local seen, host, item, counter, limit, par, delay = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], tonumber(ARGV[i+4]), ARGV[i+5], ARGV[i+6]
  local r = 0
  if redis.call('SADD', p .. 'seen', seen) == 0 then
    r = 1
  elseif limit > 0 and redis.call('HINCRBY', p .. 'counts', counter, 1) > limit then
    r = 2
  else
    if limit <= 0 then
      redis.call('HINCRBY', p .. 'counts', counter, 1)
    end
    local hk = p .. 'host:' .. host
    redis.call('RPUSH', p .. 'q:' .. host, item)
    redis.call('HINCRBY', p .. 'stats', 'queued', 1)
    if redis.call('HSETNX', hk, 'par', par) == 1 then
      redis.call('HSET', hk, 'delay', delay, 'busy', 0, 'next', 0)
    end
    if tonumber(redis.call('HGET', hk, 'busy') or '0') < tonumber(redis.call('HGET', hk, 'par')) then
      redis.call('ZADD', p .. 'hosts', 'NX', tonumber(redis.call('HGET', hk, 'next') or '0'), host)
    end
  end
  table.insert(out, r)
end
return out
`)

// takeScript: KEYS[1] the crawl key; ARGV prefix, crawl id, worker,
// lease ms, lease ID prefix, most leases. It first hands back up to 64
// leases run out, then leases the first URL of each host whose time has
// come, up to the most asked, under IDs prefix.1, prefix.2, ... It
// returns {n leased, ms until a host is ready (0: none waiting), ms until
// a lease runs out (0: none), 1 if the crawl is done, then host and item
// of each lease}.
var takeScript = redis.NewScript(luaLib + `
local p, worker, ttl, idp, most = ARGV[1], ARGV[3], tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
local now = now_ms()
for _, lid in ipairs(redis.call('ZRANGEBYSCORE', p .. 'leases', '-inf', now, 'LIMIT', 0, 64)) do
  local host, w, item = drop_lease(p, lid)
  if host then
    redis.call('LPUSH', p .. 'q:' .. host, item)
    redis.call('HINCRBY', p .. 'stats', 'queued', 1)
    redis.call('HINCRBY', p .. 'stats', 'expired', 1)
    release(p, host, now)
  else
    redis.call('ZREM', p .. 'leases', lid)
  end
end
local out = {0, 0, 0, 0}
local n = 0
while n < most do
  local h = redis.call('ZRANGEBYSCORE', p .. 'hosts', '-inf', now, 'LIMIT', 0, 1)
  if #h == 0 then
    break
  end
  local host = h[1]
  local hk = p .. 'host:' .. host
  local item = redis.call('LPOP', p .. 'q:' .. host)
  if not item then
    redis.call('ZREM', p .. 'hosts', host)
  else
    local busy = redis.call('HINCRBY', hk, 'busy', 1)
    local par = tonumber(redis.call('HGET', hk, 'par') or '1')
    if busy >= par or redis.call('LLEN', p .. 'q:' .. host) == 0 then
      redis.call('ZREM', p .. 'hosts', host)
    else
      local nxt = now + tonumber(redis.call('HGET', hk, 'delay') or '0')
      redis.call('HSET', hk, 'next', nxt)
      redis.call('ZADD', p .. 'hosts', nxt, host)
    end
    n = n + 1
    local id = idp .. '.' .. n
    redis.call('ZADD', p .. 'leases', now + ttl, id)
    redis.call('HSET', p .. 'lease', id, host .. '\n' .. worker .. '\n' .. item)
    redis.call('HINCRBY', p .. 'wleases', worker, 1)
    redis.call('HINCRBY', p .. 'stats', 'queued', -1)
    table.insert(out, host)
    table.insert(out, item)
  end
end
out[1] = n
if n == 0 then
  local first = redis.call('ZRANGE', p .. 'hosts', 0, 0, 'WITHSCORES')
  local lease = redis.call('ZRANGE', p .. 'leases', 0, 0, 'WITHSCORES')
  if #first == 2 then out[2] = tonumber(first[2]) - now end
  if #lease == 2 then out[3] = tonumber(lease[2]) - now end
  if #first == 0 and #lease == 0 and redis.call('HGET', p .. 'meta', 'seeded') then
    out[4] = 1
    if redis.call('HGET', KEYS[1], 'crawl_id') == ARGV[2] then
      redis.call('HSETNX', KEYS[1], 'finished', now)
    end
  end
end
return out
`)

// finishScript: ARGV prefix, lease id, delay ms. It returns 1, or 0 when
// the lease had run out and was handed to another worker.
var finishScript = redis.NewScript(luaLib + `
local p = ARGV[1]
local host, worker = drop_lease(p, ARGV[2])
if not host then
  return 0
end
redis.call('HINCRBY', p .. 'done', worker, 1)
redis.call('HINCRBY', p .. 'stats', 'done', 1)
release(p, host, now_ms() + tonumber(ARGV[3]))
return 1
`)

// retryScript: ARGV prefix, lease id, the item with its tries counted,
// ms before the host is asked again. It returns as finishScript does.
var retryScript = redis.NewScript(luaLib + `
local p = ARGV[1]
local host = drop_lease(p, ARGV[2])
if not host then
  return 0
end
redis.call('LPUSH', p .. 'q:' .. host, ARGV[3])
redis.call('HINCRBY', p .. 'stats', 'queued', 1)
redis.call('HINCRBY', p .. 'stats', 'retried', 1)
release(p, host, now_ms() + tonumber(ARGV[4]))
return 1
`)

// renewScript: ARGV prefix, lease ms, lease ids. It moves the end of each
// lease still held to lease ms from now and returns how many it renewed.
var renewScript = redis.NewScript(luaLib + `
local p, ttl = ARGV[1], tonumber(ARGV[2])
local until_ms = now_ms() + ttl
local n = 0
for i = 3, #ARGV do
  if redis.call('ZADD', p .. 'leases', 'XX', 'CH', until_ms, ARGV[i]) == 1 then
    n = n + 1
  end
end
return n
`)

// giveBackScript: ARGV prefix, lease ids. It puts the URLs of the leases
// back first in their hosts' queues (a worker stopping: they were not
// done), each host asked again no sooner than its delay from now, and
// returns how many it gave back.
var giveBackScript = redis.NewScript(luaLib + `
local p = ARGV[1]
local now = now_ms()
local n = 0
for i = 2, #ARGV do
  local host, worker, item = drop_lease(p, ARGV[i])
  if host then
    redis.call('LPUSH', p .. 'q:' .. host, item)
    redis.call('HINCRBY', p .. 'stats', 'queued', 1)
    release(p, host, now + tonumber(redis.call('HGET', p .. 'host:' .. host, 'delay') or '0'))
    n = n + 1
  end
end
return n
`)
