//! Rules of the `inventory` detector.

use super::Rule;
use crate::report::{Category, Severity};

rules! { RULES;
    /// One row of the inventory: the package itself or a component it ships.
    INVENTORY_COMPONENT = "inventory.component", Inventory, Info, "Component and version",
        what: "A name and version the package declares: its own (role 'package'), or one of a component it ships (role 'component'). Read from package.json and manifest.json, pom.xml, META-INF/MANIFEST.MF (nested jars included), Helm Chart.yaml, dpkg control files, VERSION files, and the names of .deb, .rpm, .jar and .war files and of the package file itself. Dependencies the profile names get a row of their own (role 'dependency').",
        why: "An upgrade is planned against versions: the reviewer needs to see what the package really contains before comparing it with what runs today.",
        fix: "Nothing to fix: compare the table with the release notes and with what is installed, and name installed versions in the profile's [installed] table to have the upgrade paths checked.";
    /// One per lock file or bundled node_modules tree.
    INVENTORY_DEPENDENCIES = "inventory.dependencies", Inventory, Info, "Pinned dependencies",
        what: "The dependencies one file pins, summed up in one finding: Cargo.lock packages, package-lock.json packages, requirements*.txt `name==version` lines, go.mod requires, or the packages bundled in one node_modules tree. The finding lists at most 2,000 of them and counts the rest.",
        why: "Bundled dependencies are upgraded with the package whether anyone planned it or not: a changed major version of a library is a change of behaviour the release notes may not mention.",
        fix: "Compare the list with the one of the version installed today; name any dependency you track in the profile ([installed], [target_versions]) to get its own row and checks.";
    /// A supported path from the installed version.
    INVENTORY_UPGRADE_PATH = "inventory.upgrade-path", Inventory, Info, "Supported upgrade path",
        what: "A component the profile lists as installed, for which the profile's upgrade_paths lead from the installed version to the one the package carries. The finding lists the hops.",
        why: "Vendors support upgrades only along certain hops; when the path has several hops, each one is an upgrade of its own.",
        fix: "Plan one upgrade per hop, in the order shown, with the package of each intermediate version.";
    /// No supported path.
    INVENTORY_NO_UPGRADE_PATH = "inventory.no-upgrade-path", Inventory, High, "No supported upgrade path",
        what: "A component the profile lists as installed, for which no chain of the profile's upgrade_paths leads from the installed version to the one the package carries. The finding says which version has to be reached first, or that no hop leads to the package's version at all.",
        why: "Installing a version the vendor does not support upgrading to from the one installed can skip data migrations and leave the system half-converted, with no supported way back.",
        fix: "Upgrade to the version named first (with its own package), then apply this one; or confirm with the vendor that the direct upgrade is supported and add that hop to the profile.";
    /// Installed is newer.
    INVENTORY_DOWNGRADE = "inventory.downgrade", Inventory, High, "Package is older than what is installed",
        what: "A component whose installed version (profile) is newer than the version the package carries.",
        why: "Installing it is a downgrade: data and configuration written by the newer version may not be readable by the older one, and vendors rarely support going back.",
        fix: "Check that this is the right package and the right environment; if a rollback is intended, follow the vendor's downgrade procedure.";
    /// Already installed.
    INVENTORY_SAME_VERSION = "inventory.same-version", Inventory, Info, "Version already installed",
        what: "A component whose installed version (profile) is the version the package carries.",
        why: "Re-installing the same version changes nothing for that component; if the upgrade was meant to change it, the package is not the one intended.",
        fix: "Nothing to do if that was expected; otherwise get the package of the intended version.";
    /// Installed but not in the package.
    INVENTORY_NOT_IN_PACKAGE = "inventory.not-in-package", Inventory, Low, "Installed component not in the package",
        what: "A component the profile lists as installed that the package does not declare anywhere the scanner reads versions from.",
        why: "Either the upgrade leaves it alone, or it removes or replaces it: a component that disappears silently breaks whatever still uses it.",
        fix: "Check with the release notes whether the upgrade removes, renames or keeps the component, and plan for it.";
    /// Paths known but installed version unknown.
    INVENTORY_INSTALLED_UNKNOWN = "inventory.installed-unknown", Inventory, Info, "Installed version not given",
        what: "A component the package carries and the profile lists upgrade paths for, but whose installed version the profile does not give.",
        why: "Without the installed version the upgrade path cannot be checked.",
        fix: "Set installed.<component> in the profile to the version running today.";
    /// Path not checked.
    INVENTORY_UPGRADE_UNCHECKED = "inventory.upgrade-unchecked", Inventory, Info, "Upgrade path not checked",
        what: "A component the profile lists as installed and the package carries, whose upgrade could not be checked: the profile lists no upgrade paths for it, or one of the versions cannot be compared.",
        why: "Nothing says whether the vendor supports this upgrade directly.",
        fix: "Look up the supported upgrade paths in the vendor's documentation and add them to the profile ([[upgrade_paths]]).";
    /// The package is not the planned version.
    INVENTORY_TARGET_MISMATCH = "inventory.target-mismatch", Inventory, Medium, "Package is not the planned version",
        what: "A component whose version in the package differs from the one the profile's target_versions plans to install.",
        why: "The review, the change request and the tests were prepared for another version: what gets installed is not what was approved.",
        fix: "Get the package of the planned version, or update the plan (and target_versions) to the version the package carries.";
    /// File name and manifest disagree.
    INVENTORY_VERSION_MISMATCH = "inventory.version-mismatch", Inventory, Low, "File name and manifest disagree",
        what: "The package file's name gives a version for the package that differs from the one its own manifest declares.",
        why: "Someone renamed or repacked the file, or the manifest was not updated: either way it is unclear which version will be installed.",
        fix: "Check the package's origin and checksum against the vendor's release, and go by the manifest's version.";
    /// Too many components.
    INVENTORY_TRUNCATED = "inventory.truncated", Inventory, Info, "Inventory truncated",
        what: "The package declares more components than the inventory lists (2,000 rows); the rest are counted, not listed.",
        why: "Components beyond the limit are not in the table; beyond 5,000 they are not checked against the profile either.",
        fix: "Name the components that matter in the profile ([installed], [target_versions]) so that they are checked.";
}
