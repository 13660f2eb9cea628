//! Async calls from JS: a promise made on the JS thread, a future run on the
//! addon's tokio runtime, and the result delivered back through one
//! threadsafe function per JS thread.
//!
//! napi-rs's own `async fn` support creates (and tears down) a threadsafe
//! function and spawns two tasks for every call; on a round trip that takes
//! ~60 µs that was a third of the cost. Here a call costs a promise, one
//! spawn and one queued completion.

use std::cell::Cell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::ptr;
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};

use napi::bindgen_prelude::*;
use napi::sys;
use napi::{JsObject, NapiValue};
use oradb_protocol::codes;

use crate::uv;

/// The runtime all network I/O and decoding run on. Two workers: one is
/// enough for I/O, the second keeps decoding of big batches from delaying
/// other connections.
pub fn runtime() -> &'static tokio::runtime::Handle {
    static RT: OnceLock<tokio::runtime::Handle> = OnceLock::new();
    RT.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| {
                panic!(
                    "{}: cannot start the I/O runtime: {e}",
                    codes::RUNTIME_START_FAILED
                )
            });
        let handle = rt.handle().clone();
        std::thread::Builder::new()
            .name("oradb-io".into())
            .spawn(move || rt.block_on(std::future::pending::<()>()))
            .unwrap_or_else(|e| {
                panic!(
                    "{}: cannot start the I/O thread: {e}",
                    codes::RUNTIME_START_FAILED
                )
            });
        handle
    })
}

type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Calls made on JS threads, waiting for the I/O thread to start them.
///
/// Spawning onto the runtime from another thread wakes the I/O thread every
/// time (a write to its eventfd, then a context switch). Calls made in a
/// burst — a pool handing sessions to several waiters, each starting a query
/// — are common; here the burst costs one wake-up, and the I/O thread
/// spawns the calls locally.
struct Inbox {
    calls: Mutex<Vec<Task>>,
    /// A wake-up is pending: the drainer has not taken the calls yet.
    scheduled: std::sync::atomic::AtomicBool,
    wake: tokio::sync::Notify,
}

fn inbox() -> &'static Inbox {
    static INBOX: OnceLock<&'static Inbox> = OnceLock::new();
    INBOX.get_or_init(|| {
        let inbox: &'static Inbox = Box::leak(Box::new(Inbox {
            calls: Mutex::new(Vec::new()),
            scheduled: std::sync::atomic::AtomicBool::new(false),
            wake: tokio::sync::Notify::new(),
        }));
        runtime().spawn(async move {
            use std::sync::atomic::Ordering;
            loop {
                inbox.wake.notified().await;
                // Cleared before taking: a call queued after this wakes us again.
                inbox.scheduled.store(false, Ordering::SeqCst);
                let calls =
                    std::mem::take(&mut *inbox.calls.lock().unwrap_or_else(|p| p.into_inner()));
                for call in calls {
                    tokio::spawn(call);
                }
            }
        });
        inbox
    })
}

/// Starts `task` on the I/O thread (see `Inbox`).
fn submit(task: Task) {
    use std::sync::atomic::Ordering;
    let inbox = inbox();
    inbox
        .calls
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push(task);
    if !inbox.scheduled.swap(true, Ordering::SeqCst) {
        inbox.wake.notify_one();
    }
}

/// A finished call waiting for the JS thread: the promise to settle and how
/// to build its value there.
struct Completion {
    deferred: sys::napi_deferred,
    settle: Settle,
    /// The call's socket poll (a `*mut Watch`), closed on the JS thread; 0: none.
    watch: usize,
}

type Settle = Box<dyn FnOnce(sys::napi_env) -> Result<sys::napi_value> + Send>;

// SAFETY: `deferred` is only touched on the JS thread that created it (in
// `call_js`); the tokio thread merely carries the pointer.
unsafe impl Send for Completion {}

#[derive(Clone, Copy)]
struct Tsfn(sys::napi_threadsafe_function);
// SAFETY: napi_call_threadsafe_function may be called from any thread.
unsafe impl Send for Tsfn {}

/// The part of a channel the tokio threads see: the threadsafe function,
/// or `None` once the JS environment finalized it.
struct Sender(Mutex<Option<Tsfn>>);

impl Sender {
    fn send(&self, c: Box<Completion>) {
        let guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(t) = *guard {
            // SAFETY: the lock keeps the finalizer from running during the
            // call; the Box is reclaimed in `call_js`.
            unsafe {
                sys::napi_call_threadsafe_function(
                    t.0,
                    Box::into_raw(c).cast(),
                    sys::ThreadsafeFunctionCallMode::nonblocking,
                );
            }
        }
    }
}

/// One completion channel per JS environment (a Deno test file, a Node
/// worker): results are delivered to the environment that made the call.
struct Channel {
    sender: Arc<Sender>,
    tsfn: sys::napi_threadsafe_function,
    /// Calls in flight; the channel keeps the event loop alive only while
    /// this is above zero, so an idle connection never holds a process open.
    pending: Cell<usize>,
    /// For settling from a libuv callback (`Watch`); made on first use.
    async_ctx: Cell<sys::napi_async_context>,
}

impl Channel {
    /// A call starts waiting: the channel keeps the loop alive.
    fn begin(&self, env: sys::napi_env) -> Result<()> {
        self.pending.set(self.pending.get() + 1);
        if self.pending.get() == 1 {
            // SAFETY: on the JS thread that owns the channel.
            check(
                unsafe { sys::napi_ref_threadsafe_function(env, self.tsfn) },
                "referencing the completion channel",
            )?;
        }
        Ok(())
    }

    /// A call that `begin` counted has finished (on the JS thread).
    fn end(&self, env: sys::napi_env) {
        let left = self.pending.get().saturating_sub(1);
        self.pending.set(left);
        if left == 0 {
            // SAFETY: on the JS thread that owns the channel.
            unsafe { sys::napi_unref_threadsafe_function(env, self.tsfn) };
        }
    }
}

fn check(status: sys::napi_status, what: &str) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(
            Status::GenericFailure,
            format!(
                "{}: {what} failed (napi status {status})",
                codes::NAPI_FAILED
            ),
        ))
    }
}

unsafe extern "C" fn call_js(
    env: sys::napi_env,
    _js_cb: sys::napi_value,
    context: *mut std::ffi::c_void,
    data: *mut std::ffi::c_void,
) {
    if data.is_null() {
        return;
    }
    // SAFETY: `data` is the Box<Completion> leaked in `Sender::send`.
    let c = unsafe { Box::from_raw(data.cast::<Completion>()) };
    if env.is_null() || context.is_null() {
        // The environment is going away; nobody can observe the promise.
        return;
    }
    // SAFETY: the context is the environment's Channel, alive until the
    // threadsafe function is finalized, which happens after its last call.
    let ch = unsafe { &*context.cast::<Channel>() };
    ch.end(env);
    if c.watch != 0 {
        // SAFETY: the call's Watch, closed only by its completion (this one).
        unsafe { close_watch(c.watch as *mut Watch) };
    }
    let settled = (c.settle)(env);
    settle(env, c.deferred, settled);
}

/// Resolves or rejects `deferred` (on its JS thread, exactly once).
fn settle(env: sys::napi_env, deferred: sys::napi_deferred, settled: Result<sys::napi_value>) {
    // SAFETY: env is live (we are on its JS thread) and the deferred belongs
    // to this env; each is settled exactly once.
    unsafe {
        match settled {
            Ok(v) => {
                sys::napi_resolve_deferred(env, deferred, v);
            }
            Err(e) => {
                let mut msg = ptr::null_mut();
                let text = e.reason.clone();
                let _ =
                    sys::napi_create_string_utf8(env, text.as_ptr().cast(), text.len(), &mut msg);
                let mut err = ptr::null_mut();
                sys::napi_create_error(env, ptr::null_mut(), msg, &mut err);
                sys::napi_reject_deferred(env, deferred, err);
            }
        }
    }
}

unsafe extern "C" fn finalize_channel(
    _env: sys::napi_env,
    data: *mut std::ffi::c_void,
    _hint: *mut std::ffi::c_void,
) {
    if data.is_null() {
        return;
    }
    // SAFETY: `data` is the Box<Channel> leaked in `channel`; the threadsafe
    // function is gone, so nothing reaches it any more.
    let ch = unsafe { Box::from_raw(data.cast::<Channel>()) };
    *ch.sender.0.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

fn channel(env: sys::napi_env) -> Result<&'static Channel> {
    let mut data = ptr::null_mut();
    // SAFETY: N-API call on the JS thread with a valid out-pointer.
    check(
        unsafe { sys::napi_get_instance_data(env, &mut data) },
        "reading the completion channel",
    )?;
    if !data.is_null() {
        // SAFETY: set below to a Channel that lives as long as the env.
        return Ok(unsafe { &*data.cast::<Channel>() });
    }
    let ch = Box::into_raw(Box::new(Channel {
        sender: Arc::new(Sender(Mutex::new(None))),
        tsfn: ptr::null_mut(),
        pending: Cell::new(0),
        async_ctx: Cell::new(ptr::null_mut()),
    }));
    let mut name = ptr::null_mut();
    let label = "oradb completion";
    let mut tsfn = ptr::null_mut();
    // SAFETY: plain N-API calls on the JS thread with valid out-pointers;
    // `ch` is freed by `finalize_channel` when the env drops the function.
    unsafe {
        check(
            sys::napi_create_string_utf8(env, label.as_ptr().cast(), label.len(), &mut name),
            "naming the completion channel",
        )?;
        check(
            sys::napi_create_threadsafe_function(
                env,
                ptr::null_mut(),
                ptr::null_mut(),
                name,
                0,
                1,
                ch.cast(),
                Some(finalize_channel),
                ch.cast(),
                Some(call_js),
                &mut tsfn,
            ),
            "creating the completion channel",
        )?;
        check(
            sys::napi_unref_threadsafe_function(env, tsfn),
            "unreferencing the completion channel",
        )?;
        let chan = &mut *ch;
        chan.tsfn = tsfn;
        *chan.sender.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(Tsfn(tsfn));
        check(
            sys::napi_set_instance_data(env, ch.cast(), None, ptr::null_mut()),
            "storing the completion channel",
        )?;
        Ok(&*ch)
    }
}

/// Polls the inner future, turning a panic into an error so none crosses
/// into JS and the promise still settles.
struct CatchPanic<F>(F);

impl<F: Future> Future for CatchPanic<F> {
    type Output = std::result::Result<F::Output, String>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: structural pinning of the only field.
        let inner = unsafe { self.map_unchecked_mut(|s| &mut s.0) };
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(p) => {
                let what = p
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| p.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                Poll::Ready(Err(what))
            }
        }
    }
}

/// Starts `fut` on the runtime and returns a promise of its output, which
/// is converted to JS on the JS thread.
pub fn spawn<T, F>(env: Env, fut: F) -> Result<JsObject>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    start(env, fut, false, None)
}

/// Like `spawn`, but when no other call of this JS environment is in flight
/// the future's first step runs at once on the JS thread: for a small
/// request that is taking the session, encoding it and one non-blocking
/// write, as libuv's own writes do. It never waits there: at the first thing
/// it must wait for (the answer) it moves to the I/O thread, woken by the
/// same event. A lone call (sequential queries) then costs one thread
/// wake-up less; with calls in flight the I/O thread is busy anyway, and the
/// inbox batches them without loading the JS thread with socket writes.
///
/// With `wake_fd` (the session's plain TCP socket) under Node, the I/O
/// thread is left out of the call altogether, lone or with a few others in
/// flight (`WATCH_MAX_IN_FLIGHT`): libuv watches the socket and the call goes
/// on on the JS thread when the answer arrives (`Watch`).
pub fn spawn_eager<T, F>(env: Env, wake_fd: Option<i32>, fut: F) -> Result<JsObject>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    start(env, fut, true, wake_fd)
}

fn settler<T: ToNapiValue + Send + 'static>(out: std::result::Result<T, String>) -> Settle {
    match out {
        // SAFETY (closure): called on the JS thread with its env.
        Ok(v) => Box::new(move |env| unsafe { T::to_napi_value(env, v) }),
        Err(p) => Box::new(move |_| {
            Err(Error::new(
                Status::GenericFailure,
                format!(
                    "{}: internal error in the native layer: {p}",
                    codes::INTERNAL
                ),
            ))
        }),
    }
}

/// A call's future with its result turned into a settler.
type Work = Pin<Box<dyn Future<Output = Settle> + Send>>;

/// The runtime side of a call: run `work`, then queue its completion.
fn task(work: Work, deferred: usize, sender: Arc<Sender>, watch: usize) -> Task {
    Box::pin(async move {
        let settle = work.await;
        sender.send(Box::new(Completion {
            deferred: deferred as sys::napi_deferred,
            settle,
            watch,
        }));
    })
}

/// Where a lone call waits between polls on the JS thread: for the wake
/// that moves it to the runtime, or (with a `Watch`) for its socket.
enum Park {
    /// A poll on the JS thread is running; a wake during it is remembered.
    Polling {
        woken: bool,
    },
    Parked(Work),
    /// On the runtime, or finished: wakes of this waker are stale.
    Moved,
}

struct Handoff {
    state: Mutex<Park>,
    deferred: usize,
    sender: Arc<Sender>,
    /// The call's `*mut Watch`, or 0.
    watch: std::sync::atomic::AtomicUsize,
}

impl Handoff {
    fn lock(&self) -> std::sync::MutexGuard<'_, Park> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn task(&self, work: Work) -> Task {
        let watch = self.watch.load(std::sync::atomic::Ordering::Acquire);
        task(work, self.deferred, self.sender.clone(), watch)
    }
}

impl std::task::Wake for Handoff {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }
    /// Under a `Watch` the socket never wakes this waker (its reads are
    /// left to libuv), so a wake here is a timer, a break or the session
    /// lock: the call moves to the runtime, which handles all of them.
    fn wake_by_ref(self: &Arc<Self>) {
        let mut g = self.lock();
        match std::mem::replace(&mut *g, Park::Moved) {
            Park::Polling { .. } => *g = Park::Polling { woken: true },
            Park::Parked(work) => {
                drop(g);
                // Usually called on the I/O thread by its driver: a local spawn.
                runtime().spawn(self.task(work));
            }
            Park::Moved => {}
        }
    }
}

/// Polls a lone call's work on this (JS) thread with the handoff's waker;
/// with a watched socket, its reads leave the wake-up to libuv.
fn poll_here(work: &mut Work, handoff: &Arc<Handoff>, fd: Option<i32>) -> Poll<Settle> {
    // Timers and spawns made by the call need the runtime's context.
    let _rt = runtime().enter();
    let waker = std::task::Waker::from(handoff.clone());
    let mut cx = Context::from_waker(&waker);
    match fd {
        Some(fd) => {
            oradb_client::plain_tcp::with_external_read_wake(fd, || work.as_mut().poll(&mut cx))
        }
        None => work.as_mut().poll(&mut cx),
    }
}

/// Calls of one JS environment in flight beyond which a new one goes to the I/O thread
/// instead of waiting on its socket on the JS thread (see `start`).
const WATCH_MAX_IN_FLIGHT: usize = 4;

/// Polls on the JS thread per call before the rest goes to the runtime: a
/// lone query's answer takes one or two; many more are a large fetch, whose
/// decoding belongs on the I/O thread, off the JS event loop.
const JS_POLLS_MAX: u32 = 4;

/// A call waiting on the JS thread for its socket (Node only): libuv
/// polls the socket and `on_readable` polls the call, which settles its
/// promise right there — no I/O-thread wake-up and no threadsafe-function
/// hop on the latency path. Anything else the call waits for (a timer, a
/// break, the session lock) wakes the handoff, which moves the call to the
/// runtime; the JS thread never blocks on the socket.
struct Watch {
    poll: Option<uv::UvPoll>,
    handoff: Arc<Handoff>,
    env: sys::napi_env,
    ch: *const Channel,
    fd: i32,
    polls: Cell<u32>,
}

/// Whether calls of this env can wait on a `Watch`: libuv is there
/// (Node, not Deno) and the async context for settling from it is made.
///
/// # Safety
/// On the JS thread of `env`, inside a call from JS, whose channel is `ch`.
unsafe fn can_watch(env: sys::napi_env, ch: &Channel) -> bool {
    if !uv::available() {
        return false;
    }
    if ch.async_ctx.get().is_null() {
        let mut ctx = ptr::null_mut();
        let (mut res, mut name) = (ptr::null_mut(), ptr::null_mut());
        let label = "oradb call";
        // SAFETY (block): N-API calls on the JS thread with valid out-pointers.
        unsafe {
            if sys::napi_create_object(env, &mut res) != sys::Status::napi_ok
                || sys::napi_create_string_utf8(env, label.as_ptr().cast(), label.len(), &mut name)
                    != sys::Status::napi_ok
                || sys::napi_async_init(env, res, name, &mut ctx) != sys::Status::napi_ok
                || ctx.is_null()
            {
                return false;
            }
        }
        ch.async_ctx.set(ctx);
    }
    true
}

/// Starts watching `fd` for a call; `None` if libuv refuses.
///
/// # Safety
/// On the JS thread of `env`, whose channel is `ch`, after `can_watch`.
unsafe fn start_watch(
    env: sys::napi_env,
    ch: &Channel,
    fd: i32,
    handoff: &Arc<Handoff>,
) -> Option<*mut Watch> {
    let w = Box::into_raw(Box::new(Watch {
        poll: None,
        handoff: handoff.clone(),
        env,
        ch,
        fd,
        polls: Cell::new(0),
    }));
    // SAFETY: `w` stays valid until `close_watch`, which closes the poll first.
    match unsafe { uv::UvPoll::start(env, fd, w.cast(), on_readable) } {
        Some(p) => {
            // SAFETY: `w` is ours; the poll's callback runs on this thread,
            // never during this function.
            unsafe { (*w).poll = Some(p) };
            handoff
                .watch
                .store(w as usize, std::sync::atomic::Ordering::Release);
            Some(w)
        }
        None => {
            // SAFETY: never shared.
            drop(unsafe { Box::from_raw(w) });
            None
        }
    }
}

/// Closes a call's watch (once, at its completion, on the JS thread).
///
/// # Safety
/// `w` came from `start_watch` and is not used afterwards.
unsafe fn close_watch(w: *mut Watch) {
    // SAFETY: per the contract.
    let w = unsafe { Box::from_raw(w) };
    if let Some(p) = w.poll {
        p.close();
    }
}

unsafe extern "C" fn on_readable(handle: *mut std::ffi::c_void, status: i32, _events: i32) {
    // SAFETY: the handle's data is the live Watch (closing the poll, which
    // ends these callbacks, comes before freeing it).
    let wp = unsafe { *handle.cast::<*mut Watch>() };
    let w = unsafe { &*wp };
    let mut work = {
        let mut g = w.handoff.lock();
        match std::mem::replace(&mut *g, Park::Polling { woken: false }) {
            Park::Parked(work) => work,
            other => {
                // Moved to the runtime meanwhile: its completion closes the watch.
                *g = other;
                drop(g);
                if let Some(p) = &w.poll {
                    p.stop();
                }
                return;
            }
        }
    };
    let polled = poll_here(&mut work, &w.handoff, Some(w.fd));
    let (env, deferred) = (w.env, w.handoff.deferred as sys::napi_deferred);
    // SAFETY: the channel lives as long as the env, on whose thread we are.
    let ch = unsafe { &*w.ch };
    match polled {
        Poll::Ready(settle_with) => {
            *w.handoff.lock() = Park::Moved;
            // SAFETY: this is the call's completion; `w` is not used again.
            unsafe { close_watch(wp) };
            ch.end(env);
            // SAFETY: on the JS thread, outside any JS call.
            unsafe { in_callback_scope(env, ch, || settle(env, deferred, settle_with(env))) };
        }
        Poll::Pending => {
            w.polls.set(w.polls.get() + 1);
            let mut g = w.handoff.lock();
            let woken = matches!(*g, Park::Polling { woken: true });
            if woken || status < 0 || w.polls.get() >= JS_POLLS_MAX {
                *g = Park::Moved;
                drop(g);
                if let Some(p) = &w.poll {
                    p.stop();
                }
                runtime().spawn(w.handoff.task(work));
            } else {
                *g = Park::Parked(work);
            }
        }
    }
}

/// Runs `f` as Node runs a native callback: in a handle scope and a callback
/// scope, whose end runs the microtasks (the `await`s on the settled promise).
///
/// # Safety
/// On the JS thread of `env`, outside any JS call; `ch.async_ctx` is set.
unsafe fn in_callback_scope(env: sys::napi_env, ch: &Channel, f: impl FnOnce()) {
    // SAFETY (block): N-API calls on the JS thread with valid out-pointers.
    unsafe {
        let mut hs = ptr::null_mut();
        let scoped = sys::napi_open_handle_scope(env, &mut hs) == sys::Status::napi_ok;
        let mut res = ptr::null_mut();
        sys::napi_create_object(env, &mut res);
        let mut cs = ptr::null_mut();
        let cb = sys::napi_open_callback_scope(env, res, ch.async_ctx.get(), &mut cs)
            == sys::Status::napi_ok;
        f();
        if cb {
            sys::napi_close_callback_scope(env, cs);
        }
        if scoped {
            sys::napi_close_handle_scope(env, hs);
        }
    }
}

fn start<T, F>(env: Env, fut: F, eager: bool, wake_fd: Option<i32>) -> Result<JsObject>
where
    T: ToNapiValue + Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let raw = env.raw();
    let ch = channel(raw)?;
    let mut deferred = ptr::null_mut();
    let mut promise = ptr::null_mut();
    // SAFETY: N-API call on the JS thread with valid out-pointers.
    check(
        unsafe { sys::napi_create_promise(raw, &mut deferred, &mut promise) },
        "creating a promise",
    )?;
    // SAFETY: `promise` is a live value of this env.
    let promise = unsafe { JsObject::from_raw_unchecked(raw, promise) };
    // Boxed: the task stores its future inline and tokio copies that slot
    // whole on each state change; the execute future is several KB.
    let mut work: Work = Box::pin(async move { settler(CatchPanic(fut).await) });
    // SAFETY: on the JS thread of `raw`, in a call from JS; `ch` is its channel.
    let fd = wake_fd.filter(|_| eager && unsafe { can_watch(raw, ch) });
    // With a few other calls in flight, a call stays on the JS thread when libuv watches its
    // socket: a poll per session, no thread hop. Without one (Deno, TLS), or with many calls in
    // flight, the I/O thread is busy anyway and batches them: one wake-up for several answers,
    // and the server gets its requests in bursts (measured: 10 sessions busy cost less CPU on
    // both sides through the I/O thread; 4 Kysely tasks cost less on the JS thread).
    let pending = ch.pending.get();
    if !eager || (pending != 0 && (fd.is_none() || pending >= WATCH_MAX_IN_FLIGHT)) {
        ch.begin(raw)?;
        submit(task(work, deferred as usize, ch.sender.clone(), 0));
        return Ok(promise);
    }
    let handoff = Arc::new(Handoff {
        state: Mutex::new(Park::Polling { woken: false }),
        deferred: deferred as usize,
        sender: ch.sender.clone(),
        watch: std::sync::atomic::AtomicUsize::new(0),
    });
    // The watch starts only if the answer is not there at once: a poll set
    // up and torn down around a call that needs none costs four syscalls.
    let mut polled = poll_here(&mut work, &handoff, fd);
    let mut watch = None;
    if let (Poll::Pending, Some(fd)) = (&polled, fd) {
        // SAFETY: as above.
        watch = unsafe { start_watch(raw, ch, fd, &handoff) };
        if watch.is_none() {
            // Its reads registered nothing with tokio: poll again so they do.
            polled = poll_here(&mut work, &handoff, None);
        }
    }
    if let Poll::Ready(settle_with) = polled {
        settle(raw, deferred, settle_with(raw));
        return Ok(promise);
    }
    ch.begin(raw)?;
    let mut g = handoff.lock();
    match *g {
        Park::Polling { woken: false } => *g = Park::Parked(work),
        // Woken during its first step: it can go on at once.
        _ => {
            *g = Park::Moved;
            drop(g);
            if let Some(w) = watch {
                // SAFETY: live until the completion closes it.
                if let Some(p) = unsafe { &(*w).poll } {
                    p.stop();
                }
            }
            submit(handoff.task(work));
        }
    }
    Ok(promise)
}

/// A promise settled from any thread, without the I/O thread: thick-mode calls block in OCI on
/// a thread of their own, which hands the result straight to the JS thread (one wake-up less
/// per call than a future on the runtime).
pub struct Pending<T> {
    deferred: usize,
    sender: Arc<Sender>,
    _value: std::marker::PhantomData<fn(T)>,
}

impl<T: ToNapiValue + Send + 'static> Pending<T> {
    /// Makes the promise (on the JS thread); it keeps the event loop alive until `complete`.
    pub fn new(env: Env) -> Result<(JsObject, Pending<T>)> {
        let raw = env.raw();
        let ch = channel(raw)?;
        let (mut deferred, mut promise) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: N-API call on the JS thread with valid out-pointers.
        check(
            unsafe { sys::napi_create_promise(raw, &mut deferred, &mut promise) },
            "creating a promise",
        )?;
        ch.begin(raw)?;
        // SAFETY: `promise` is a live value of this env.
        let promise = unsafe { JsObject::from_raw_unchecked(raw, promise) };
        let pending = Pending {
            deferred: deferred as usize,
            sender: ch.sender.clone(),
            _value: std::marker::PhantomData,
        };
        Ok((promise, pending))
    }

    /// Settles the promise with `v` (converted on the JS thread); callable from any thread.
    pub fn complete(self, v: T) {
        self.sender.send(Box::new(Completion {
            deferred: self.deferred as sys::napi_deferred,
            settle: settler(Ok(v)),
            watch: 0,
        }));
    }

    /// Runs `f` on the runtime's blocking pool and settles the promise with its result; a
    /// panic in `f` rejects it (ODB-4000), as a panic in a runtime call does.
    pub fn run_blocking(self, f: impl FnOnce() -> T + Send + 'static) {
        runtime().spawn_blocking(move || self.settle_with(f));
    }

    /// Runs `f` here and settles the promise with its result (a panic rejects it).
    pub fn settle_with(self, f: impl FnOnce() -> T) {
        let out = catch_unwind(AssertUnwindSafe(f)).map_err(|p| {
            p.downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into())
        });
        self.sender.send(Box::new(Completion {
            deferred: self.deferred as sys::napi_deferred,
            settle: settler(out),
            watch: 0,
        }));
    }
}
