-- tcpwin: a TCP socket's congestion and receive windows over time, like the
-- book's tcpwin: one line per segment an established socket received (table
-- tcp_probe), with its congestion window, slow-start threshold, send and receive
-- windows and smoothed RTT, for plotting cwnd against time. The book's tool also
-- prints the socket's send buffer and queued bytes, which the tracepoint does
-- not carry.
--
-- Tables: tcp_probe (source `tcpprobe`, opt-in: record with --sources tcp,tcpprobe).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: segments in [start, end)
--   $lport, $rport      i64: only this local (-p) or remote (-P) port (-1 for all)
--
-- Columns:
--   ts_ns            when the segment was processed, CLOCK_MONOTONIC ns
--   skaddr           the socket, in hex
--   saddr, sport     local address and port
--   daddr, dport     remote address and port
--   snd_cwnd         congestion window, segments
--   ssthresh         slow-start threshold, segments
--   snd_wnd          the peer's receive window, bytes
--   rcv_wnd          our receive window, bytes
--   srtt_us          smoothed RTT, us
--   data_len         payload of the segment received, bytes
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   TCP congestion and receive windows per socket, segment by segment
-- @after   tcprtt
-- @tables  tcp_probe
-- @option  -p --lport PORT | int $lport = -1 | Only sockets with this local port.
-- @option  -P --rport PORT | int $rport = -1 | Only sockets with this remote port.
-- @example | Every socket's windows
-- @example -P 443 | Sockets to port 443
-- @layout  events
-- @column  TIME(s) | ts_ns | <10 | elapsed 6
-- @column  SKADDR | skaddr | <16
-- @column  LPORT | sport | <5
-- @column  RPORT | dport | <5
-- @column  CWND | snd_cwnd | >6
-- @column  SSTHRESH | ssthresh | >10
-- @column  SND_WND | snd_wnd | >8
-- @column  RCV_WND | rcv_wnd | >8
-- @column  SRTT_US | srtt_us | >8
SELECT ts_ns, to_hex(skaddr) AS skaddr, saddr, sport, daddr, dport,
       snd_cwnd, ssthresh, snd_wnd, rcv_wnd, srtt_us, data_len
FROM tcp_probe
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($lport < 0 OR sport = $lport)
  AND ($rport < 0 OR dport = $rport)
ORDER BY ts_ns, skaddr
