# Shared set-up steps for scripts/serve, scripts/test and scripts/build.
# Each `need_*` installs what is missing and returns at once when it is already there, so a
# second run costs seconds. Tools go where the next run finds them: cargo tools in
# ~/.cargo/bin, Debian packages system-wide, npm packages in ./node_modules (from the lock).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Versions the build is tested with (see ../shared/toolchain.md and Cargo.lock).
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION="$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p}' Cargo.lock)"

export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=0
need_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing Debian packages: ${missing[*]}"
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

need_rust() {
  command -v rustup >/dev/null && command -v cargo >/dev/null ||
    die "Rust is missing: install rustup (https://rustup.rs), then run this again"
  # rust-toolchain.toml pins the compiler and the wasm target; rustup installs them on demand.
  rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install >/dev/null
  rustup target list --installed | grep -q '^wasm32-unknown-unknown$' || {
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  }
}

# need_cargo_tool BINARY VERSION CRATE [cargo install flags...]
need_cargo_tool() {
  local bin=$1 version=$2 crate=$3; shift 3
  if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -q " $version\b"; then
    return 0
  fi
  say "installing $crate $version (cargo install; a first install takes minutes)"
  cargo install "$crate@$version" "$@"
}

need_node() {
  command -v node >/dev/null && command -v npm >/dev/null || need_apt nodejs npm
  # Reinstall only when package-lock.json changed since the last install.
  local stamp=node_modules/.preflight-lock.sha256
  local want; want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    say "installing npm packages (binaryen for wasm-opt, playwright-core)"
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" > "$stamp"
  fi
}

need_build_tools() {
  need_rust
  need_node
  need_cargo_tool trunk "$TRUNK_VERSION" trunk --locked
  # Without --locked: its lock names a crate release the registry no longer has.
  need_cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli
}

# need_disk GB: say so at once when the disk holding target/ has less than GB free (what a clean
# run writes there, BENCHMARKS.md "Disk"), instead of failing deep in a build. A warm target/
# needs less, so this warns and goes on.
need_disk() {
  mkdir -p target
  local free_kb; free_kb="$(df -Pk target | awk 'NR == 2 { print $4 }')"
  if [ -n "$free_kb" ] && [ "$free_kb" -lt $(($1 * 1024 * 1024)) ]; then
    printf 'warning: %s MB free for target/; a clean build and test run writes up to %s GB there\n' \
      "$((free_kb / 1024))" "$1" >&2
  fi
}

need_browser() {
  need_apt chromium chromium-driver
}

# Build the page: Trunk compiles page and worker, bundle.mjs embeds them into dist/.
build_page() {
  need_build_tools
  # One build at a time: two runs in one checkout would share target/trunk-dist and dist/.
  mkdir -p target
  exec 9>target/.build-page.lock
  flock 9
  say "building the page (trunk build --release)"
  cargo fetch --locked >/dev/null
  trunk build --release
  node scripts/bundle.mjs
  flock -u 9
}
