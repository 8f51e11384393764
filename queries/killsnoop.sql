-- killsnoop: signals sent with kill(), tkill() and tgkill(), like bcc killsnoop. It
-- reads the signal_generate tracepoint's rows whose si_code says the kill() family
-- (SI_USER, SI_TKILL) sent them; RESULT is the tracepoint's result (0 delivered,
-- 1 ignored, 2 already pending, ...), not kill()'s return value, and a kill() that
-- failed before any signal was generated (no such process, no permission) is not
-- there.
--
-- Tables: signal_generate (source `signal`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: signals generated in [start, end)
--   $failed             bool: only signals that were not delivered (-x)
--   $pid                i64: only signals sent by this process (-1 for all; -p)
--   $sig                i64: only this signal number (-1 for all; -s)
--
-- Columns:
--   ts_ns        when the signal was generated, CLOCK_MONOTONIC ns
--   pid, comm    the sender's process id and command
--   sig          signal number
--   target_pid   the process the signal was sent to
--   result       0 delivered, 1 ignored, 2 already pending, 3 overflow, 4 lost info
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Signals sent by kill(), tkill() and tgkill(): sender, signal, target
-- @after   sigsnoop
-- @tables  signal_generate
-- @option  -x --failed | flag $failed | Only signals that were not delivered.
-- @option  -p --pid PID | int $pid = -1 | Only signals sent by this process.
-- @option  -s --signal SIG | int $sig = -1 | Only this signal (a number, e.g. 15).
-- @example | Every kill()
-- @example -s 15 | Every SIGTERM sent with kill()
-- @layout  events
-- @column  TIME | ts_ns | <9 | wall %H:%M:%S
-- @column  PID | pid | <6
-- @column  COMM | comm | <16
-- @column  SIG | sig | <4
-- @column  TPID | target_pid | <6
-- @column  RESULT | result |
SELECT ts_ns, pid, comm, sig, target_pid, result
FROM signal_generate
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND code IN (0, -6)
  AND (NOT $failed OR result <> 0)
  AND ($pid < 0 OR pid = $pid)
  AND ($sig < 0 OR sig = $sig)
ORDER BY ts_ns, pid
