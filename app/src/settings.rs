//! The reviewer's profile as the page keeps it: TOML in localStorage, so the window and the
//! zone survive a reload. Nothing here leaves the browser.

use scanner_core::Profile;

const KEY: &str = "preflight.profile";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved profile TOML, or empty (the default profile).
pub fn load() -> String {
    storage()
        .and_then(|s| s.get_item(KEY).ok().flatten())
        .filter(|t| Profile::from_toml(t).is_ok())
        .unwrap_or_default()
}

/// Keep the profile TOML for the next visit.
pub fn save(toml: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(KEY, toml);
    }
}
