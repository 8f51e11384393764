-- mountsnoop: every mount and umount, with its arguments and result, like
-- libbpf-tools mountsnoop: the caller, its mount namespace, and the call as it
-- was written (`mount("none", "/mnt", "tmpfs", MS_NOSUID, "size=8m") = 0`; other
-- calls' flags in hex, as the live tool prints umount's). It
-- also shows the new mount API's fsopen, fsmount and move_mount.
--
-- Tables: file_mount (source `files`).
--
-- Parameters:
--   $start_ns, $end_ns  u64, CLOCK_MONOTONIC ns: calls returning in [start, end)
--   $pid                i64: only this process (-1 for all; -p)
--
-- Columns:
--   ts_ns       when the call returned, CLOCK_MONOTONIC ns
--   comm, pid, tid  the caller
--   mntns       its mount namespace (inode number)
--   call        the system call's name
--   source, target, fstype, flags, data   its arguments (flags as a number)
--   ret         0 (an fd for fsopen and fsmount) or a negative errno
--   text        the call as mountsnoop prints it
--
-- The tool (grammar: analyzer/src/tools/header.rs):
-- @about   Every mount, umount, fsopen, fsmount and move_mount: caller, namespace, arguments, result
-- @after   syncsnoop
-- @tables  file_mount
-- @option  -t --timestamp | flag | Include a HH:MM:SS time column.
-- @option  -p --pid PID | int $pid = -1 | Only this process.
-- @example | Every mount-family call
-- @example -t | With wall-clock times
-- @layout  events
-- @column  TIME | ts_ns | <8 | wall %H:%M:%S | if --timestamp
-- @column  COMM | comm | <16
-- @column  PID | pid | <7
-- @column  TID | tid | <7
-- @column  MNT_NS | mntns | <11
-- @column  CALL | text |
SELECT
    ts_ns, comm, pid, tid, mntns, call, source, target, fstype, flags, data, ret,
    CASE call
        WHEN 'mount' THEN 'mount("' || source || '", "' || target || '", "' || fstype || '", '
                          || mount_flags(flags) || ', "' || data || '")'
        WHEN 'umount' THEN 'umount("' || target || '", 0x' || to_hex(flags) || ')'
        WHEN 'fsopen' THEN 'fsopen("' || fstype || '", 0x' || to_hex(flags) || ')'
        WHEN 'fsmount' THEN 'fsmount(0x' || to_hex(flags) || ')'
        ELSE call || '("' || source || '", "' || target || '", 0x' || to_hex(flags) || ')'
    END
    || ' = '
    || CASE WHEN ret < 0 THEN '-' || errno_name(ret) ELSE CAST(ret AS VARCHAR) END AS text
FROM file_mount
WHERE ts_ns >= $start_ns AND ts_ns < $end_ns
  AND ($pid < 0 OR pid = $pid)
ORDER BY ts_ns, tid
