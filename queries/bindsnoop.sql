-- bindsnoop: bind(2) calls on IPv4 and IPv6 sockets, like libbpf-tools bindsnoop:
-- the process, the socket's protocol, the port and address bound (table
-- socket_call); successful ones unless -x. The live tool also prints the socket
-- options and bound interface, which the system call does not carry.
--
-- Tables: socket_call (source `socket`, opt-in: record with --sources tcp,socket).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $pid                i64: only this process (-1 for all; -p)
--   $ports              string: only these ports, comma-separated ('' for all; -P)
--   $errors             bool: include failed calls (-x)
--
-- Columns:
--   ts_ns            when the call returned, CLOCK_MONOTONIC ns
--   pid, comm        the calling process
--   ret              0, or the negative errno
--   proto            TCP, UDP, ... (the socket's protocol)
--   port, addr       the port and address bound (0 and 0.0.0.0 / ::: any)
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   bind() calls: process, protocol, port and address bound
-- @after   soconnect
-- @tables  socket_call
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @option  -P --ports PORTS | string $ports = '' | Only these ports (comma-separated).
-- @option  -x --errors | flag $errors | Include failed calls.
-- @option  -t --time | flag | Include a HH:MM:SS time column.
-- @example | Every successful bind
-- @example -x -P 80,443 | Binds of the web ports, failed ones too
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --time
-- @column  PID | pid | <7
-- @column  COMM | comm | <16
-- @column  RET | ret | >4
-- @column  PROTO | proto | <6
-- @column  PORT | port | <5
-- @column  ADDR | addr |
SELECT ts_ns, pid, comm, ret,
       CASE protocol WHEN 6 THEN 'TCP' WHEN 17 THEN 'UDP' WHEN 262 THEN 'MPTCP'
                     WHEN 132 THEN 'SCTP' ELSE CAST(protocol AS VARCHAR) END AS proto,
       port, addr
FROM socket_call
WHERE call = 'bind'
  AND ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($pid < 0 OR pid = $pid)
  AND ($errors OR ret = 0)
  AND ($ports = '' OR strpos(',' || replace($ports, ' ', '') || ',', ',' || CAST(port AS VARCHAR) || ',') > 0)
ORDER BY ts_ns, tid
