// The compiled front-end assets are embedded in the binary; say how to make them if they are missing.
fn main() {
    for f in ["static/dist/hearth.css", "static/dist/govuk-frontend.min.js"] {
        println!("cargo:rerun-if-changed={f}");
        if !std::path::Path::new(f).exists() {
            panic!("{f} is missing: run `npm ci && npm run build:assets` at the repository root first");
        }
    }
}
