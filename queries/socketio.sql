-- socketio: socket send and receive calls counted per process, direction,
-- protocol and port, like the book's socketio (which counts socket reads and
-- writes by process, protocol and local port): calls, bytes moved and failed
-- calls, from the sock_io rows, most calls first. The remote port is kept too
-- (-R): a client's local port is ephemeral, its remote port says the service.
--
-- Tables: sock_io (source `sockio`, opt-in: record with --sources tcp,sockio).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $pid                i64: only this process (-1 for all; -p)
--   $remote             bool: count per remote port too (-R)
--
-- Columns:
--   pid, comm        the process
--   dir              send or recv
--   proto            TCP, UDP, MPTCP, or the protocol number
--   sport            local port
--   dport            remote port (with -R; else 0)
--   calls            calls made
--   bytes            bytes the calls moved
--   errors           calls that failed (a negative return: EAGAIN and others)
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Socket calls counted per process, direction, protocol and port
-- @after   socksize
-- @tables  sock_io
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @option  -R --remote | flag $remote | Count per remote port too.
-- @example | Socket calls of every process
-- @example -R | The same, per remote port too
-- @layout  events
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  DIR | dir | <4
-- @column  PROTO | proto | <5
-- @column  LPORT | sport | <5
-- @column  RPORT | dport | <5 | | if --remote
-- @column  CALLS | calls | >8
-- @column  BYTES | bytes | >12
-- @column  ERRORS | errors | >6
SELECT pid, comm, dir, proto, sport, dport,
       count(*) AS calls,
       sum(CASE WHEN ret > 0 THEN CAST(ret AS BIGINT) ELSE 0 END) AS bytes,
       sum(CASE WHEN ret < 0 THEN 1 ELSE 0 END) AS errors
FROM (
    SELECT pid, comm, ret,
        CASE WHEN recv THEN 'recv' ELSE 'send' END AS dir,
        CASE protocol WHEN 6 THEN 'TCP' WHEN 17 THEN 'UDP' WHEN 262 THEN 'MPTCP'
                      ELSE CAST(protocol AS VARCHAR) END AS proto,
        sport,
        CASE WHEN $remote THEN dport ELSE 0 END AS dport
    FROM sock_io
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
      AND ($pid < 0 OR pid = $pid)
)
GROUP BY pid, comm, dir, proto, sport, dport
ORDER BY calls DESC, pid, dir, sport, dport
