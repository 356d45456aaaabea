//! SQLite's one writer, fed in batches. SQLite commits one write transaction at a time, so a busy server is
//! limited by how long each transaction holds the writer. Held by a request task, that time includes every
//! wait of that task in the runtime's queues between statements (with 64 busy clients, most of it). Here the
//! transactions run on a thread of their own, back to back, and several of them share one commit: each runs
//! in a savepoint, so one that fails rolls back alone, and every caller hears its outcome only after the
//! commit that made it durable.

use std::{
    future::Future,
    pin::Pin,
    sync::Mutex,
    task::{Context, Poll},
    thread,
};

use futures::{FutureExt, future::BoxFuture};
use sqlx::{AnyConnection, AnyPool};
use tokio::sync::{mpsc, oneshot};

use crate::error::{Error, Result};

/// Most transactions sharing one commit.
const MAX_BATCH: usize = 64;

/// What a queued transaction hands back once it ran: whether it succeeded, and how to answer its caller
/// once the commit's outcome is known.
struct Ran {
    ok: bool,
    answer: Answer,
}

/// Tells a caller its outcome, given the commit's error if the commit failed.
type Answer = Box<dyn FnOnce(Option<&str>) + Send>;

/// A transaction waiting for the writer.
trait Job: Send {
    fn run<'c>(self: Box<Self>, conn: &'c mut AnyConnection) -> BoxFuture<'c, Ran>;
    fn abort(self: Box<Self>, why: &str);
}

struct Pending<F, T> {
    work: F,
    reply: oneshot::Sender<Result<T>>,
}

fn failed(why: &str) -> Error {
    anyhow::anyhow!("the write transaction did not commit: {why}").into()
}

impl<F, T> Job for Pending<F, T>
where
    F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
    T: Send + 'static,
{
    fn run<'c>(self: Box<Self>, conn: &'c mut AnyConnection) -> BoxFuture<'c, Ran> {
        let Pending { work, reply } = *self;
        Box::pin(async move {
            // A panic in one transaction (a bug, a bad number) fails that transaction alone: its savepoint is
            // rolled back and the writer goes on serving every other brand's writes.
            let result = match std::panic::AssertUnwindSafe(work(conn)).catch_unwind().await {
                Ok(result) => result,
                Err(panic) => {
                    let why = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "no message".into());
                    tracing::error!(panic = %why, "a write transaction panicked; it alone is rolled back");
                    Err(anyhow::anyhow!("the write transaction panicked: {why}").into())
                }
            };
            Ran {
                ok: result.is_ok(),
                answer: Box::new(move |commit_error| {
                    let _ = reply.send(match commit_error {
                        Some(why) => result.and_then(|_| Err(failed(why))),
                        None => result,
                    });
                }),
            }
        })
    }

    fn abort(self: Box<Self>, why: &str) {
        let _ = self.reply.send(Err(failed(why)));
    }
}

/// The queue in front of SQLite's writer thread.
pub struct Writer {
    queue: Mutex<Option<mpsc::UnboundedSender<Box<dyn Job>>>>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Writer")
    }
}

impl Writer {
    /// Starts the writer thread, which opens SQLite's write pool (one connection) with `open`; the writer and
    /// the pool, for the writes that need no transaction.
    ///
    /// On a machine of several cores the thread keeps to the last one, and so does the connection's own
    /// thread, which SQLite's driver starts from the thread that opens the connection: the two hand every
    /// statement back and forth, and a hand-off within one core costs a fraction of one between cores.
    pub async fn start<O>(open: O) -> anyhow::Result<(Self, AnyPool)>
    where
        O: FnOnce() -> BoxFuture<'static, anyhow::Result<AnyPool>> + Send + 'static,
    {
        let (sender, receiver) = mpsc::unbounded_channel();
        let (opened, pool) = oneshot::channel();
        // No I/O driver: the thread then sleeps on a futex, which wakes faster than the I/O driver's eventfd.
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().build()?;
        let core = core_affinity::get_core_ids()
            .filter(|ids| ids.len() > 1)
            .and_then(|ids| ids.last().copied());
        thread::Builder::new()
            .name("cham-sqlite-writer".into())
            .spawn(move || {
                if let Some(core) = core {
                    core_affinity::set_for_current(core);
                }
                runtime.block_on(async move {
                    match open().await {
                        Ok(pool) => {
                            let _ = opened.send(Ok(pool.clone()));
                            serve(pool, receiver).await;
                        }
                        Err(e) => {
                            let _ = opened.send(Err(e));
                        }
                    }
                });
            })?;
        let pool = pool
            .await
            .map_err(|_| anyhow::anyhow!("the SQLite writer thread stopped"))??;
        let writer = Self {
            queue: Mutex::new(Some(sender)),
        };
        Ok((writer, pool))
    }

    /// Runs `work` in a transaction of the writer; its result once committed.
    pub async fn run<F, T>(&self, work: F) -> Result<T>
    where
        F: for<'c> FnOnce(&'c mut AnyConnection) -> BoxFuture<'c, Result<T>> + Send + 'static,
        T: Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Box<dyn Job> = Box::new(Pending { work, reply });
        let sent = match self.queue.lock() {
            Ok(queue) => queue.as_ref().map(|q| q.send(job).is_ok()).unwrap_or(false),
            Err(_) => false,
        };
        if !sent {
            return Err(failed("the store is closing"));
        }
        answer.await.map_err(|_| failed("the writer stopped"))?
    }

    /// Whether the writer thread is still there to take work.
    pub fn is_alive(&self) -> bool {
        self.queue
            .lock()
            .map(|queue| queue.as_ref().is_some_and(|q| !q.is_closed()))
            .unwrap_or(false)
    }

    /// Stops taking work; what is queued still runs.
    pub fn close(&self) {
        if let Ok(mut queue) = self.queue.lock() {
            queue.take();
        }
    }
}

async fn serve(pool: AnyPool, mut queue: mpsc::UnboundedReceiver<Box<dyn Job>>) {
    while let Some(first) = queue.recv().await {
        Spin(Box::pin(run_batch(&pool, first, &mut queue))).await;
    }
}

/// Runs `first` and whatever joins the queue while the batch runs (up to [`MAX_BATCH`] in all) in one
/// transaction, each in a savepoint, then commits and answers them.
async fn run_batch(pool: &AnyPool, first: Box<dyn Job>, queue: &mut mpsc::UnboundedReceiver<Box<dyn Job>>) {
    let mut tx = match pool.begin().await {
        Ok(tx) => tx,
        Err(e) => {
            let why = e.to_string();
            first.abort(&why);
            return;
        }
    };
    // Every statement is a round trip to SQLite's connection thread, so the savepoint bookkeeping between two
    // jobs goes as one script: close the last job's savepoint (undoing it if it failed) and open the next.
    let mut answers = Vec::with_capacity(MAX_BATCH);
    let mut last_ok = None;
    let mut next = Some(first);
    while let Some(job) = next.take() {
        let script = match last_ok {
            None => "SAVEPOINT job",
            Some(true) => "RELEASE job; SAVEPOINT job",
            Some(false) => "ROLLBACK TO job; RELEASE job; SAVEPOINT job",
        };
        if let Err(e) = sqlx::raw_sql(script).execute(&mut *tx).await {
            // The transaction is in an unknown state: nothing of this batch may commit.
            let why = e.to_string();
            job.abort(&why);
            answers.into_iter().for_each(|a: Answer| a(Some(&why)));
            let _ = tx.rollback().await;
            return;
        }
        let ran = job.run(&mut tx).await;
        last_ok = Some(ran.ok);
        answers.push(ran.answer);
        if answers.len() < MAX_BATCH {
            next = queue.try_recv().ok();
        }
    }
    // COMMIT releases the savepoint still open; a failed last job is undone first.
    if last_ok == Some(false)
        && let Err(e) = sqlx::raw_sql("ROLLBACK TO job").execute(&mut *tx).await
    {
        let why = e.to_string();
        answers.into_iter().for_each(|a| a(Some(&why)));
        let _ = tx.rollback().await;
        return;
    }
    match tx.commit().await {
        Ok(()) => answers.into_iter().for_each(|a| a(None)),
        Err(e) => {
            let why = e.to_string();
            answers.into_iter().for_each(|a| a(Some(&why)));
        }
    }
}

/// Runs a batch without sleeping between its statements. Each statement is a round trip to the connection's
/// own thread; parking this thread on every one and being woken again costs more than the statement (measured
/// on 2 cores: ~75 µs against ~25 µs). While a batch runs the thread yields its core instead of sleeping, so the
/// answer is picked up as soon as it lands; between batches it sleeps as usual.
struct Spin<F>(Pin<Box<F>>);

impl<F: Future> Future for Spin<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let poll = self.0.as_mut().poll(cx);
        if poll.is_pending() {
            thread::yield_now();
            cx.waker().wake_by_ref();
        }
        poll
    }
}
