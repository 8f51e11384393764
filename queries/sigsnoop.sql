-- sigsnoop: every signal generated (sent), by whom, to whom, and what became of it,
-- like libbpf-tools sigsnoop. It reads the signal_generate tracepoint's rows, so it
-- sees every signal, not only the kill() family; RESULT is the tracepoint's result
-- (0 delivered, 1 ignored, 2 already pending, 3 overflow, 4 queued without info),
-- not a syscall's return value.
--
-- Tables: signal_generate (source `signal`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: signals generated in [start, end)
--   $failed             bool: only signals that were not delivered (result != 0; -x)
--   $kill               bool: only signals sent by kill(), tkill() or tgkill() (-k)
--   $pid                i64: only signals sent by this process (-1 for all; -p)
--   $target             i64: only signals sent to this process (-1 for all; -t)
--   $sig                i64: only this signal number (-1 for all; -s)
--   $name               string: only senders whose command contains this ('' for all; -c)
--   $names              bool: print signal names instead of numbers (-n)
--
-- Columns:
--   ts_ns        when the signal was generated, CLOCK_MONOTONIC ns
--   pid, comm    the sender's process id and command
--   sig          signal number
--   signal       as printed: the number, or with -n its name (SIGKILL, ...)
--   target_pid   the process the signal was sent to
--   target_comm  its command
--   code         si_code (0 kill, -6 tkill/tgkill, 128 kernel, ...)
--   result       0 delivered, 1 ignored, 2 already pending, 3 overflow, 4 lost info
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Every signal sent: sender, target, signal and what became of it
-- @after   exitsnoop
-- @tables  signal_generate
-- @option  -x --failed | flag $failed | Only signals that were not delivered (ignored, already pending, ...).
-- @option  -k --kill | flag $kill | Only signals sent by kill(), tkill() or tgkill().
-- @option  -p --pid PID | int $pid = -1 | Only signals sent by this process.
-- @option  -t --target PID | int $target = -1 | Only signals sent to this process.
-- @option  -s --signal SIG | int $sig = -1 | Only this signal (a number, e.g. 9).
-- @option  -c --comm NAME | string $name = '' | Only senders whose command contains NAME.
-- @option  -n --name | flag $names | Show signal names instead of numbers.
-- @option  -T --time | flag | Include a HH:MM:SS time column.
-- @example | Every signal sent
-- @example -k -T | Signals sent by the kill() family, with wall-clock times
-- @example -x -n | Signals that were not delivered, by name
-- @example -s 9 | Every SIGKILL
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  SIG | signal | <4
-- @column  TPID | target_pid | <7
-- @column  RESULT | result | <6
SELECT
    ts_ns,
    pid,
    comm,
    sig,
    CASE WHEN $names THEN signal_name(sig) ELSE CAST(sig AS VARCHAR) END AS signal,
    target_pid,
    target_comm,
    code,
    result
FROM signal_generate
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND (NOT $failed OR result <> 0)
  AND (NOT $kill OR code IN (0, -6))
  AND ($pid < 0 OR pid = $pid)
  AND ($target < 0 OR target_pid = $target)
  AND ($sig < 0 OR sig = $sig)
  AND ($name = '' OR strpos(comm, $name) > 0)
ORDER BY ts_ns, pid
