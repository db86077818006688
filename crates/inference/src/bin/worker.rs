//! The inference worker process: loads a GGUF model and answers framed requests on stdin/stdout.

fn main() {
    std::process::exit(inference::worker::worker_main(std::env::args().skip(1)));
}
