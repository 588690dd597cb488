/**
 * The runtime's sliding window counter (middleware/rate-limit/sliding-window.ts)
 * as one Lua script over a hash {start, previous, current, window}, so that
 * reading and counting a hit is one atomic step for every instance. The
 * clock is Redis's TIME: instances whose clocks drift still agree. A hash
 * whose window differs from the policy's starts afresh, as in MemoryStore.
 *
 * KEYS[1] the counter; ARGV[1] limit, ARGV[2] windowMs.
 * Returns {allowed 0|1, remaining, resetMs}.
 */
export const SLIDING_WINDOW_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'start', 'previous', 'current', 'window')
local start, previous, current = now, 0, 0
if tonumber(state[4]) == window then
  start = tonumber(state[1]) or now
  previous = tonumber(state[2]) or 0
  current = tonumber(state[3]) or 0
end
local elapsed = now - start
if elapsed >= window then
  if elapsed < 2 * window then
    previous = current
    start = start + window
  else
    previous = 0
    start = now
  end
  current = 0
  elapsed = now - start
end
local left = window - elapsed
local estimate = previous * left / window + current
local eps = 1e-9
local result
if estimate + 1 <= limit + eps then
  current = current + 1
  result = {1, math.max(0, math.floor(limit - estimate - 1 + eps)), left}
else
  local room = limit - 1 - current
  local wait
  if room >= 0 then
    wait = math.min(left, left - room * window / previous)
  else
    wait = left + window * (1 - (limit - 1) / current)
  end
  result = {0, 0, math.max(1, math.ceil(wait - eps))}
end
redis.call('HSET', KEYS[1], 'start', string.format('%d', start), 'previous', previous, 'current', current, 'window', window)
-- Gone when its counts can no longer matter: two windows after the current one started.
redis.call('PEXPIRE', KEYS[1], start + 2 * window - now)
return result
`;
