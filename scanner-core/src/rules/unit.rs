//! Rules of the `unit` category.

use super::Rule;
use crate::report::{Category, Severity};

rules! { RULES;
    /// A reference to a unit that is neither shipped nor a system unit.
    UNIT_MISSING = "unit.missing", Unit, Medium, "Refers to a unit that is not there (renamed or missing)",
        what: "A script, unit file, link or Ansible task names a systemd unit that the package does not ship and that is not a unit the system provides: `systemctl restart x`, `service x restart`, `deb-systemd-invoke`, `Requires=`, `After=`, `WantedBy=`, a timer's `Unit=`, a `.wants/` link, a drop-in directory. The closest shipped name is suggested when one is close. High when the unit is started, restarted, enabled or required; low for ordering only (`After=`, `Before=`, `Wants=`) and in documentation; medium otherwise.",
        why: "Units get renamed between versions. A maintainer script that restarts the old name makes the upgrade fail halfway, a `Requires=` on it keeps the new unit from starting, and a link or drop-in for the old name silently does nothing, so the service is not started after the next reboot.",
        fix: "Replace the old name with the one the package now ships (see the suggestion), or ship an `Alias=` for the old name. If the unit comes from another package that the target system has, confirm it is installed there and ignore the finding by id.";
    /// A unit the package ships.
    UNIT_SHIPPED = "unit.shipped", Unit, Info, "Ships a systemd unit",
        what: "A unit the package installs: a unit file in a unit directory (or anywhere, with unit file content), an alias, a link, a SysV init script, or a unit file a script puts in place. The finding lists where it is shipped, its other names and the places in the package that refer to it.",
        why: "The upgrade installs, replaces or restarts it. The list of shipped units next to the references shows at a glance which names the scripts may still use after a rename.",
        fix: "Nothing to do; compare the names with the units running on the target system, and stop or disable units the new version no longer ships.";
}
