//! Text generation in a child process, so that a crash or abort inside llama.cpp (it aborts on
//! misuse and cannot be caught) kills only the worker; the next request starts a new one.
//!
//! The child is any program that calls [`worker_main`]: the crate's own
//! `inkstone-inference-worker` binary, or the `inkstone` binary re-executed with a hidden
//! subcommand. It loads the model, sends [`protocol::Response::Ready`], then answers requests
//! one at a time over stdin/stdout.

pub mod protocol;

#[cfg(test)]
mod tests;

use std::io::{BufReader, BufWriter, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::{Error, Generation, GenerationRequest, Generator};
use protocol::{Request, Response, WireError, read_frame, write_frame};

/// Instruction-set extensions the bundled llama.cpp is compiled with (ggml's non-native x86
/// defaults: AVX, AVX2, FMA, F16C, BMI2, SSE4.2). Missing ones give [`Error::UnsupportedCpu`]
/// instead of an illegal-instruction crash.
pub fn missing_cpu_features() -> Vec<&'static str> {
    #[cfg(target_arch = "x86_64")]
    {
        let mut missing = Vec::new();
        if !std::arch::is_x86_feature_detected!("sse4.2") {
            missing.push("sse4.2");
        }
        if !std::arch::is_x86_feature_detected!("avx") {
            missing.push("avx");
        }
        if !std::arch::is_x86_feature_detected!("avx2") {
            missing.push("avx2");
        }
        if !std::arch::is_x86_feature_detected!("fma") {
            missing.push("fma");
        }
        if !std::arch::is_x86_feature_detected!("f16c") {
            missing.push("f16c");
        }
        if !std::arch::is_x86_feature_detected!("bmi2") {
            missing.push("bmi2");
        }
        missing
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        Vec::new()
    }
}

pub(crate) fn static_feature_name(name: &str) -> &'static str {
    ["sse4.2", "avx", "avx2", "fma", "f16c", "bmi2"].into_iter().find(|f| *f == name).unwrap_or("an unknown extension")
}

/// Generation threads for a box with `cores` cores: all but one, so that the web server keeps
/// a core. ggml's threads spin while they wait for each other, so more threads than free
/// cores collapses speed (measured: 1.0 instead of 15 tokens/s for the 0.5B model on a busy
/// 2-core box).
pub fn recommended_threads(cores: usize) -> u32 {
    u32::try_from(cores.saturating_sub(1).max(1)).unwrap_or(1)
}

/// How to start a worker: a program and its leading arguments (e.g. `inkstone` and
/// `["__inference-worker"]`). The worker options are appended after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerCommand {
    /// The executable.
    pub program: PathBuf,
    /// Arguments before the worker options.
    pub args: Vec<String>,
}

/// Everything the supervisor needs. No `Default`: the caller decides.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// How to start the child.
    pub command: WorkerCommand,
    /// The GGUF file.
    pub model_path: PathBuf,
    /// Context window in tokens (prompt + reply).
    pub n_ctx: u32,
    /// CPU threads for generation (2 on the reference school box).
    pub n_threads: u32,
    /// Time allowed to start and load the model.
    pub startup_timeout: Duration,
    /// Time allowed for one request before the worker is killed.
    pub request_timeout: Duration,
}

impl WorkerConfig {
    fn child_args(&self) -> Vec<String> {
        let mut args = self.command.args.clone();
        args.extend([
            "--model".into(),
            self.model_path.display().to_string(),
            "--ctx".into(),
            self.n_ctx.to_string(),
            "--threads".into(),
            self.n_threads.to_string(),
        ]);
        args
    }
}

struct Running {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    responses: Receiver<std::io::Result<Response>>,
    stderr_tail: Arc<Mutex<String>>,
    model_name: String,
    n_ctx: u32,
}

/// A [`Generator`] backed by a supervised worker process. Requests are served one at a time
/// (generation already uses every core of a school box).
#[derive(Debug)]
pub struct WorkerGenerator {
    config: WorkerConfig,
    running: Mutex<Option<Running>>,
    // Kept apart from `running` so that reading it never waits for a generation.
    model_name: Mutex<Option<String>>,
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("pid", &self.child.id())
            .field("model_name", &self.model_name)
            .finish_non_exhaustive()
    }
}

impl WorkerGenerator {
    /// A supervisor; the worker starts on first use (or call [`WorkerGenerator::start`]).
    pub fn new(config: WorkerConfig) -> WorkerGenerator {
        WorkerGenerator { config, running: Mutex::new(None), model_name: Mutex::new(None) }
    }

    /// Starts the worker now if it is not running, so that load errors show at startup.
    /// Returns the model name and context size.
    pub fn start(&self) -> Result<(String, u32), Error> {
        let mut guard = self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let running = self.ensure_running(&mut guard)?;
        Ok((running.model_name.clone(), running.n_ctx))
    }

    /// The worker's process id, if one is running (for tests and diagnostics).
    pub fn pid(&self) -> Option<u32> {
        let guard = self.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        guard.as_ref().map(|r| r.child.id())
    }

    /// Tokens of the rendered prompt, to check input length before generating.
    pub fn count_prompt_tokens(&self, request: &GenerationRequest) -> Result<u32, Error> {
        match self.call(Request::CountPromptTokens(request.clone()))? {
            Response::PromptTokens(n) => Ok(n),
            other => Err(Error::WorkerFailed { detail: format!("answered {other:?} to a token count") }),
        }
    }

    fn ensure_running<'a>(&self, slot: &'a mut Option<Running>) -> Result<&'a mut Running, Error> {
        if let Some(running) = slot {
            if let Ok(None) = running.child.try_wait() {
                return Ok(slot.as_mut().expect("checked just above"));
            }
            *slot = None;
        }
        let missing = missing_cpu_features();
        if !missing.is_empty() {
            return Err(Error::UnsupportedCpu { missing });
        }
        if !self.config.model_path.exists() {
            return Err(Error::ModelMissing { path: self.config.model_path.clone() });
        }
        let mut child = Command::new(&self.config.command.program)
            .args(self.config.child_args())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::WorkerFailed {
                detail: format!("{} could not be started: {e}", self.config.command.program.display()),
            })?;
        let stdin = BufWriter::new(child.stdin.take().expect("stdin was piped"));
        let stdout = child.stdout.take().expect("stdout was piped");
        let mut stderr = child.stderr.take().expect("stderr was piped");
        let (sender, responses) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                match read_frame::<Response>(&mut reader) {
                    Ok(Some(response)) => {
                        if sender.send(Ok(response)).is_err() {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        let _ = sender.send(Err(e));
                        break;
                    }
                }
            }
        });
        let stderr_tail = Arc::new(Mutex::new(String::new()));
        let tail = Arc::clone(&stderr_tail);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut tail = tail.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                tail.push_str(&String::from_utf8_lossy(&buf[..n]));
                if tail.len() > 4096 {
                    let cut = tail.len() - 4096;
                    let cut = (cut..tail.len()).find(|&i| tail.is_char_boundary(i)).unwrap_or(tail.len());
                    tail.drain(..cut);
                }
            }
        });
        let mut running = Running { child, stdin, responses, stderr_tail, model_name: String::new(), n_ctx: 0 };
        match wait_for(&mut running, self.config.startup_timeout) {
            Ok(Response::Ready { model_name, n_ctx }) => {
                running.model_name = model_name.clone();
                *self.model_name.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(model_name);
                running.n_ctx = n_ctx;
                tracing::info!(pid = running.child.id(), model = %running.model_name, "inference worker ready");
                Ok(slot.insert(running))
            }
            Ok(Response::Failed(error)) => {
                let _ = running.child.kill();
                let _ = running.child.wait();
                Err(error.into())
            }
            Ok(other) => Err(fail(&mut running, format!("sent {other:?} instead of Ready"))),
            Err(e) => Err(e),
        }
    }

    /// Waits for the worker to be free, at most the request timeout, so that a queue of
    /// requests behind a long generation fails clearly instead of hanging.
    fn lock_within_timeout(&self) -> Result<std::sync::MutexGuard<'_, Option<Running>>, Error> {
        let deadline = std::time::Instant::now() + self.config.request_timeout;
        loop {
            match self.running.try_lock() {
                Ok(guard) => return Ok(guard),
                Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                    return Ok(poisoned.into_inner());
                }
                Err(std::sync::TryLockError::WouldBlock) if std::time::Instant::now() >= deadline => {
                    return Err(Error::WorkerBusy(self.config.request_timeout));
                }
                Err(std::sync::TryLockError::WouldBlock) => std::thread::sleep(Duration::from_millis(10)),
            }
        }
    }

    fn call(&self, request: Request) -> Result<Response, Error> {
        let mut guard = self.lock_within_timeout()?;
        let running = self.ensure_running(&mut guard)?;
        if let Err(e) = write_frame(&mut running.stdin, &request) {
            let error = fail(running, format!("stopped reading requests ({e})"));
            *guard = None;
            return Err(error);
        }
        let result = wait_for(running, self.config.request_timeout);
        if let Err(Error::WorkerFailed { .. } | Error::WorkerTimeout(_)) = &result {
            // The child is dead or was killed: forget it so the next call starts a fresh one.
            *guard = None;
        }
        match result? {
            Response::Failed(error) => Err(error.into()),
            response => Ok(response),
        }
    }
}

fn wait_for(running: &mut Running, timeout: Duration) -> Result<Response, Error> {
    match running.responses.recv_timeout(timeout) {
        Ok(Ok(response)) => Ok(response),
        Ok(Err(e)) => Err(fail(running, format!("sent an unreadable frame ({e})"))),
        Err(RecvTimeoutError::Timeout) => {
            let _ = running.child.kill();
            let _ = running.child.wait();
            tracing::warn!(pid = running.child.id(), ?timeout, "inference worker timed out and was killed");
            Err(Error::WorkerTimeout(timeout))
        }
        Err(RecvTimeoutError::Disconnected) => Err(fail(running, "exited".into())),
    }
}

/// Kills the child and describes how it ended, with the tail of its stderr.
fn fail(running: &mut Running, what: String) -> Error {
    let _ = running.child.kill();
    let status = running.child.wait().map_or_else(|e| format!("unknown status ({e})"), |s| s.to_string());
    // Let the stderr thread drain what the child wrote before dying.
    std::thread::sleep(Duration::from_millis(50));
    let tail = running.stderr_tail.lock().unwrap_or_else(std::sync::PoisonError::into_inner).trim().to_owned();
    let tail: String = tail.lines().rev().take(5).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join(" | ");
    tracing::warn!(pid = running.child.id(), %status, stderr = %tail, "inference worker failed");
    Error::WorkerFailed { detail: format!("{what} ({status}); stderr: {tail}") }
}

impl Generator for WorkerGenerator {
    fn generate(&self, request: &GenerationRequest) -> Result<Generation, Error> {
        validate(request)?;
        match self.call(Request::Generate(request.clone()))? {
            Response::Generated(generation) => Ok(generation),
            other => Err(Error::WorkerFailed { detail: format!("answered {other:?} to a generation request") }),
        }
    }

    fn model_name(&self) -> String {
        let name = self.model_name.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        name.unwrap_or_else(|| {
            self.config.model_path.file_stem().map_or_else(|| "local".to_owned(), |s| s.to_string_lossy().into_owned())
        })
    }
}

impl Drop for WorkerGenerator {
    fn drop(&mut self) {
        let slot = self.running.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(mut running) = slot.take() {
            let _ = write_frame(&mut running.stdin, &Request::Shutdown);
            if running.responses.recv_timeout(Duration::from_millis(500)).is_err() {
                let _ = running.child.kill();
            }
            let _ = running.child.wait();
        }
    }
}

/// Rejects requests no backend can serve.
pub fn validate(request: &GenerationRequest) -> Result<(), Error> {
    if request.messages.is_empty() {
        return Err(Error::InvalidRequest("no messages".into()));
    }
    if request.max_tokens == 0 {
        return Err(Error::InvalidRequest("max_tokens must be at least 1".into()));
    }
    if !(0.0..=2.0).contains(&request.temperature) {
        return Err(Error::InvalidRequest(format!("temperature {} outside 0..=2", request.temperature)));
    }
    Ok(())
}

/// Options of a worker process, parsed from its command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerOptions {
    /// The GGUF file.
    pub model_path: PathBuf,
    /// Context window.
    pub n_ctx: u32,
    /// CPU threads.
    pub n_threads: u32,
}

impl WorkerOptions {
    /// Parses `--model PATH --ctx N --threads N`.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<WorkerOptions, String> {
        let (mut model_path, mut n_ctx, mut n_threads) = (None, 2048, 2);
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--model" => model_path = Some(PathBuf::from(value)),
                "--ctx" => n_ctx = value.parse().map_err(|e| format!("--ctx {value}: {e}"))?,
                "--threads" => n_threads = value.parse().map_err(|e| format!("--threads {value}: {e}"))?,
                other => return Err(format!("unknown option {other}")),
            }
        }
        let model_path = model_path.ok_or("--model is required")?;
        Ok(WorkerOptions { model_path, n_ctx, n_threads })
    }
}

/// The worker's main loop: call it from the worker binary or a hidden CLI subcommand with the
/// arguments after the subcommand. Returns the process exit code. Reads requests from stdin and
/// writes responses to stdout, which must carry nothing else.
pub fn worker_main(args: impl IntoIterator<Item = String>) -> i32 {
    let options = match WorkerOptions::parse(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("inference worker: {message}");
            return 2;
        }
    };
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    match serve(&options, &mut stdin.lock(), &mut stdout.lock()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("inference worker: {e}");
            1
        }
    }
}

/// Loads the model and answers requests until `Shutdown` or end of input.
pub fn serve(options: &WorkerOptions, input: &mut impl Read, output: &mut impl std::io::Write) -> std::io::Result<()> {
    let mut model = match load(options) {
        Ok(model) => model,
        Err(error) => {
            write_frame(output, &Response::Failed(WireError::from(&error)))?;
            return Ok(());
        }
    };
    write_frame(output, &Response::Ready { model_name: model.name(), n_ctx: model.n_ctx() })?;
    while let Some(request) = read_frame::<Request>(input)? {
        let response = match request {
            Request::Generate(request) => {
                validate(&request).and_then(|()| model.generate(&request)).map(Response::Generated)
            }
            Request::CountPromptTokens(request) => model.count_prompt_tokens(&request).map(Response::PromptTokens),
            Request::Shutdown => {
                return Ok(());
            }
        };
        write_frame(output, &response.unwrap_or_else(|e| Response::Failed(WireError::from(&e))))?;
    }
    Ok(())
}

#[cfg(feature = "llama")]
fn load(options: &WorkerOptions) -> Result<crate::llama::LlamaRunner, Error> {
    crate::llama::LlamaRunner::load(&options.model_path, options.n_ctx, options.n_threads)
}

#[cfg(not(feature = "llama"))]
fn load(_options: &WorkerOptions) -> Result<NotBuilt, Error> {
    Err(Error::GenerationNotBuilt)
}

/// Stands in for the llama runner's type when the feature is off; never constructed.
#[cfg(not(feature = "llama"))]
#[derive(Debug)]
enum NotBuilt {}

#[cfg(not(feature = "llama"))]
impl NotBuilt {
    fn name(&self) -> String {
        match *self {}
    }
    fn n_ctx(&self) -> u32 {
        match *self {}
    }
    fn generate(&mut self, _: &GenerationRequest) -> Result<Generation, Error> {
        match *self {}
    }
    fn count_prompt_tokens(&mut self, _: &GenerationRequest) -> Result<u32, Error> {
        match *self {}
    }
}

/// The worker program of this crate, next to the running test or binary (for tests and
/// for deployments that ship it beside `inkstone`).
pub fn sibling_worker_program(current_exe: &Path) -> PathBuf {
    current_exe.with_file_name(format!("inkstone-inference-worker{}", std::env::consts::EXE_SUFFIX))
}
