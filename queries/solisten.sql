-- solisten: listen(2) calls on IPv4 and IPv6 sockets, like libbpf-tools
-- solisten: the process, the backlog it asked for, the socket's protocol and
-- the address and port it listens on (table socket_call).
--
-- Tables: socket_call (source `socket`, opt-in: record with --sources tcp,socket).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   ts_ns            when the call returned, CLOCK_MONOTONIC ns
--   pid, comm        the calling process
--   ret              0, or the negative errno
--   backlog          the backlog asked for
--   proto            TCPv4 or TCPv6 (as the live tool names them; else the protocol)
--   port, addr       where the socket listens
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   listen() calls: process, backlog, protocol, address and port
-- @after   bindsnoop
-- @tables  socket_call
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @option  -t --time | flag | Include a HH:MM:SS time column.
-- @example | Every listen
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  RET | ret | >4
-- @column  BACKLOG | backlog | >7
-- @column  PROTO | proto | <8
-- @column  PORT | port | <5
-- @column  ADDR | addr |
SELECT ts_ns, pid, comm, ret, backlog,
       CASE WHEN protocol = 6 THEN 'TCPv' || CASE family WHEN 10 THEN '6' ELSE '4' END
            ELSE CAST(protocol AS VARCHAR) END AS proto,
       port, addr
FROM socket_call
WHERE call = 'listen'
  AND ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($pid < 0 OR pid = $pid)
ORDER BY ts_ns, tid
