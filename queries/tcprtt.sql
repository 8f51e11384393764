-- tcprtt: the smoothed round-trip time of TCP sockets, as log2 histograms, like
-- libbpf-tools tcprtt: one value per segment an established socket received
-- (table tcp_probe, at tcp_rcv_established, where the live tool's kprobe sits),
-- the socket's srtt then. With -b or -B one histogram per local or remote address.
--
-- Tables: tcp_probe (source `tcpprobe`, opt-in: record with --sources tcp,tcpprobe).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: segments in [start, end)
--   $interval_ns        u64, ns: width of one interval (the whole window without --interval)
--   $lport, $rport      i64: only this local (-p) or remote (-P) port (-1 for all)
--   $laddr, $raddr      string: only this local (-a) or remote (-A) address ('' for all)
--   $byladdr, $byraddr  bool: a histogram per local (-b) or remote (-B) address
--   $milliseconds       bool: histograms in ms (-m)
--
-- Columns:
--   interval_index   0-based index of the interval
--   laddr, raddr     the address of the histogram (with -b / -B; else '')
--   bucket           log2 slot of the srtt
--   count            segments in the slot
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   TCP smoothed round-trip time: log2 histograms, per address if asked
-- @after   socketio
-- @tables  tcp_probe
-- @interval
-- @option  -p --lport PORT | int $lport = -1 | Only sockets with this local port.
-- @option  -P --rport PORT | int $rport = -1 | Only sockets with this remote port.
-- @option  -a --laddr ADDR | string $laddr = '' | Only sockets with this local address.
-- @option  -A --raddr ADDR | string $raddr = '' | Only sockets with this remote address.
-- @option  -b --byladdr | flag $byladdr | A histogram per local address.
-- @option  -B --byraddr | flag $byraddr | A histogram per remote address.
-- @option  -m --milliseconds | flag $milliseconds | Histograms in milliseconds.
-- @example | The RTT of every socket
-- @example -B -m | One histogram per remote address, in ms
-- @example -P 443 --interval 1 | Sockets to port 443, every second
-- @layout  log2 usecs | msecs if --milliseconds
-- @section Local Address = {laddr} | if --byladdr
-- @section Remote Address = {raddr} | if --byraddr
SELECT interval_index, laddr, raddr, bucket, count(*) AS count
FROM (
    SELECT
        (ts_ns - $start_ns) / $interval_ns AS interval_index,
        CASE WHEN $byladdr THEN saddr ELSE '' END AS laddr,
        CASE WHEN $byraddr THEN daddr ELSE '' END AS raddr,
        log2_bucket(CASE WHEN $milliseconds THEN srtt_us / 1000 ELSE srtt_us END) AS bucket
    FROM tcp_probe
    WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
      AND ($lport < 0 OR sport = $lport)
      AND ($rport < 0 OR dport = $rport)
      AND ($laddr = '' OR saddr = $laddr)
      AND ($raddr = '' OR daddr = $raddr)
)
GROUP BY interval_index, laddr, raddr, bucket
ORDER BY interval_index, laddr, raddr, bucket
