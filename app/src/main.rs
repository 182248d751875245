//! Entry point of the page.

fn main() {
    yew::Renderer::<app::app::App>::new().render();
}
