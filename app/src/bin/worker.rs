//! Entry point of the scan worker (built by Trunk as `data-type="worker"`).

fn main() {
    app::worker::start();
}
