//! Names of SCSI and NVMe commands and results, as the storage tools print them:
//! the operation codes and status values the standards (SPC/SBC for SCSI, the
//! NVMe base and command-set specifications) assign, and Linux's SCSI host bytes.

/// A SCSI operation code's name (`READ_10`), or `0xNN` for one not listed.
pub fn scsi_opcode_name(op: i64) -> String {
    let name = match op {
        0x00 => "TEST_UNIT_READY",
        0x01 => "REZERO_UNIT",
        0x03 => "REQUEST_SENSE",
        0x04 => "FORMAT_UNIT",
        0x08 => "READ_6",
        0x0a => "WRITE_6",
        0x12 => "INQUIRY",
        0x15 => "MODE_SELECT",
        0x16 => "RESERVE",
        0x17 => "RELEASE",
        0x1a => "MODE_SENSE",
        0x1b => "START_STOP",
        0x1d => "SEND_DIAGNOSTIC",
        0x1e => "ALLOW_MEDIUM_REMOVAL",
        0x25 => "READ_CAPACITY",
        0x28 => "READ_10",
        0x2a => "WRITE_10",
        0x2e => "WRITE_VERIFY",
        0x2f => "VERIFY",
        0x35 => "SYNCHRONIZE_CACHE",
        0x3b => "WRITE_BUFFER",
        0x3c => "READ_BUFFER",
        0x41 => "WRITE_SAME",
        0x42 => "UNMAP",
        0x43 => "READ_TOC",
        0x46 => "GET_CONFIGURATION",
        0x4a => "GET_EVENT_STATUS_NOTIFICATION",
        0x4d => "LOG_SENSE",
        0x55 => "MODE_SELECT_10",
        0x5a => "MODE_SENSE_10",
        0x5e => "PERSISTENT_RESERVE_IN",
        0x5f => "PERSISTENT_RESERVE_OUT",
        0x7f => "VARIABLE_LENGTH_CMD",
        0x83 => "EXTENDED_COPY",
        0x85 => "ATA_16",
        0x88 => "READ_16",
        0x89 => "COMPARE_AND_WRITE",
        0x8a => "WRITE_16",
        0x8f => "VERIFY_16",
        0x91 => "SYNCHRONIZE_CACHE_16",
        0x93 => "WRITE_SAME_16",
        0x94 => "ZBC_OUT",
        0x95 => "ZBC_IN",
        0x9e => "SERVICE_ACTION_IN_16",
        0xa0 => "REPORT_LUNS",
        0xa1 => "ATA_12",
        0xa3 => "MAINTENANCE_IN",
        0xa4 => "MAINTENANCE_OUT",
        0xa8 => "READ_12",
        0xaa => "WRITE_12",
        _ => return format!("0x{op:02x}"),
    };
    name.to_string()
}

/// The host byte of a SCSI result (bits 16-23) by name (`DID_OK`).
pub fn scsi_host_byte_name(result: i64) -> String {
    let byte = (result >> 16) & 0xff;
    let name = match byte {
        0x00 => "DID_OK",
        0x01 => "DID_NO_CONNECT",
        0x02 => "DID_BUS_BUSY",
        0x03 => "DID_TIME_OUT",
        0x04 => "DID_BAD_TARGET",
        0x05 => "DID_ABORT",
        0x06 => "DID_PARITY",
        0x07 => "DID_ERROR",
        0x08 => "DID_RESET",
        0x09 => "DID_BAD_INTR",
        0x0a => "DID_PASSTHROUGH",
        0x0b => "DID_SOFT_ERROR",
        0x0c => "DID_IMM_RETRY",
        0x0d => "DID_REQUEUE",
        0x0e => "DID_TRANSPORT_DISRUPTED",
        0x0f => "DID_TRANSPORT_FAILFAST",
        0x13 => "DID_TRANSPORT_MARGINAL",
        _ => return format!("0x{byte:02x}"),
    };
    name.to_string()
}

/// The status byte of a SCSI result (bits 0-7) by its SAM name (`SAM_STAT_GOOD`).
pub fn scsi_status_name(result: i64) -> String {
    let byte = result & 0xff;
    let name = match byte {
        0x00 => "SAM_STAT_GOOD",
        0x02 => "SAM_STAT_CHECK_CONDITION",
        0x04 => "SAM_STAT_CONDITION_MET",
        0x08 => "SAM_STAT_BUSY",
        0x10 => "SAM_STAT_INTERMEDIATE",
        0x14 => "SAM_STAT_INTERMEDIATE_CONDITION_MET",
        0x18 => "SAM_STAT_RESERVATION_CONFLICT",
        0x22 => "SAM_STAT_COMMAND_TERMINATED",
        0x28 => "SAM_STAT_TASK_SET_FULL",
        0x30 => "SAM_STAT_ACA_ACTIVE",
        0x40 => "SAM_STAT_TASK_ABORTED",
        _ => return format!("0x{byte:02x}"),
    };
    name.to_string()
}

/// An NVMe command's name. `code` is the opcode of an I/O command, or 256 plus
/// the opcode of an admin command (queue 0), whose opcodes mean other things.
pub fn nvme_opcode_name(code: i64) -> String {
    let admin = code >= 256;
    let op = code & 0xff;
    let name = if admin {
        match op {
            0x00 => "nvme_admin_delete_sq",
            0x01 => "nvme_admin_create_sq",
            0x02 => "nvme_admin_get_log_page",
            0x04 => "nvme_admin_delete_cq",
            0x05 => "nvme_admin_create_cq",
            0x06 => "nvme_admin_identify",
            0x08 => "nvme_admin_abort_cmd",
            0x09 => "nvme_admin_set_features",
            0x0a => "nvme_admin_get_features",
            0x0c => "nvme_admin_async_event",
            0x0d => "nvme_admin_ns_mgmt",
            0x10 => "nvme_admin_activate_fw",
            0x11 => "nvme_admin_download_fw",
            0x14 => "nvme_admin_dev_self_test",
            0x15 => "nvme_admin_ns_attach",
            0x18 => "nvme_admin_keep_alive",
            0x19 => "nvme_admin_directive_send",
            0x1a => "nvme_admin_directive_recv",
            0x7c => "nvme_admin_dbbuf",
            0x7f => "nvme_fabrics_command",
            0x80 => "nvme_admin_format_nvm",
            0x81 => "nvme_admin_security_send",
            0x82 => "nvme_admin_security_recv",
            0x84 => "nvme_admin_sanitize_nvm",
            0x86 => "nvme_admin_get_lba_status",
            _ => return format!("nvme_admin_0x{op:02x}"),
        }
    } else {
        match op {
            0x00 => "nvme_cmd_flush",
            0x01 => "nvme_cmd_write",
            0x02 => "nvme_cmd_read",
            0x04 => "nvme_cmd_write_uncor",
            0x05 => "nvme_cmd_compare",
            0x08 => "nvme_cmd_write_zeroes",
            0x09 => "nvme_cmd_dsm",
            0x0c => "nvme_cmd_verify",
            0x0d => "nvme_cmd_resv_register",
            0x0e => "nvme_cmd_resv_report",
            0x11 => "nvme_cmd_resv_acquire",
            0x15 => "nvme_cmd_resv_release",
            0x19 => "nvme_cmd_copy",
            0x79 => "nvme_cmd_zone_mgmt_send",
            0x7a => "nvme_cmd_zone_mgmt_recv",
            0x7d => "nvme_cmd_zone_append",
            0x7f => "nvme_fabrics_command",
            _ => return format!("nvme_cmd_0x{op:02x}"),
        }
    };
    name.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_fallbacks() {
        assert_eq!(scsi_opcode_name(0x28), "READ_10");
        assert_eq!(scsi_opcode_name(0xee), "0xee");
        assert_eq!(scsi_host_byte_name(0x0003_0000), "DID_TIME_OUT");
        assert_eq!(scsi_status_name(0x0003_0002), "SAM_STAT_CHECK_CONDITION");
        assert_eq!(nvme_opcode_name(2), "nvme_cmd_read");
        assert_eq!(nvme_opcode_name(256 + 6), "nvme_admin_identify");
        assert_eq!(nvme_opcode_name(0x55), "nvme_cmd_0x55");
    }
}
