# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""The replica machinery of cifar10_distributed_train.py.

What the distributed trainer needs around TensorFlow 1.x's synchronous
replicas, so that its own file reads as the graph and the loop:

* `SyncReplicasOptimizer`: the stock optimizer, ending quietly at the end;
* `RetryingSession`: runs again a step that the gRPC runtime rejects as a
  repeated request;
* `done_queues`: where workers tell the parameter servers they are done;
* `Watchdog`: says what a worker waits for, and ends it with one line when a
  parameter server or the chief is gone;
* `wait_for_chief`, `say`, `error_line`: the waits and lines of the job.
"""

import functools
import os
import socket
import sys
import threading
import time

import tensorflow as tf

class SyncReplicasOptimizer(tf.compat.v1.train.SyncReplicasOptimizer):
  """`tf.compat.v1.train.SyncReplicasOptimizer` that ends without a traceback.

  On the chief, a thread applies each step's aggregated gradients. When
  training stops it is waiting for gradients that will not come, and closing
  the session cancels that wait; the stock thread reports the cancellation as
  an error. Here it ends the thread, like a closed queue.
  """

  def get_chief_queue_runner(self):
    runner = super(SyncReplicasOptimizer, self).get_chief_queue_runner()
    return tf.compat.v1.train.QueueRunner(
        runner.queue, runner.enqueue_ops,
        queue_closed_exception_types=(tf.errors.OutOfRangeError,
                                      tf.errors.CancelledError))


# How TensorFlow's gRPC runtime words the rejection of a step whose request
# id repeats; and how many rejections of one step in a row are retried.
REJECTED_STEP = 'received twice'
MAX_REJECTIONS_IN_A_ROW = 10


class RetryingSession(tf.compat.v1.Session):
  """A session that runs a step again when the gRPC runtime rejects it.

  TensorFlow's gRPC runtime (2.21) now and then rejects a step with
  AbortedError "The same RunGraph (Worker) request was received twice": a
  random request id repeats. Measured on one server, about one step in
  30,000 to 50,000 (46 of 2.4 million), and the rejected steps had not run,
  so running one again is exact. Left to the monitored session, the error
  would end the session (see `Watchdog`), and with it the worker: its input
  queue runners alone make a step per read.

  A worker's monitored session, its input queue runners and its checkpoint
  and summary hooks all use the one session that `RetryingSessionCreator`
  makes into this class (the class only changes `run` and `make_callable`);
  the other sessions of this file are created as one.
  """

  rejected_steps = 0  # Counted per session.

  def _again(self, step, *args, **kwargs):
    for rejections in range(MAX_REJECTIONS_IN_A_ROW + 1):
      try:
        return step(*args, **kwargs)
      except tf.errors.AbortedError as e:
        if (REJECTED_STEP not in e.message or
            rejections == MAX_REJECTIONS_IN_A_ROW):
          raise
        self.rejected_steps += 1

  def run(self, *args, **kwargs):
    return self._again(super(RetryingSession, self).run, *args, **kwargs)

  def make_callable(self, *args, **kwargs):
    return functools.partial(
        self._again,
        super(RetryingSession, self).make_callable(*args, **kwargs))


class RetryingSessionCreator(tf.compat.v1.train.SessionCreator):
  """Creates sessions as `creator` does, as `RetryingSession`s."""

  def __init__(self, creator):
    self._creator = creator
    self.sessions = []

  def create_session(self):
    sess = self._creator.create_session()
    sess.__class__ = RetryingSession  # Same object, retrying steps.
    self.sessions.append(sess)
    return sess

  def rejected_steps(self):
    """Steps rejected, and run again, in every session created so far."""
    return sum(sess.rejected_steps for sess in self.sessions)


def done_queues(cluster):
  """One queue on each parameter server, where workers say they are done.

  Args:
    cluster: `tf.train.ClusterSpec`.

  Returns:
    List of `FIFOQueue` of int32 task indices, one per parameter server.
  """
  queues = []
  for i in range(cluster.num_tasks('ps')):
    with tf.device('/job:ps/task:%d' % i):
      queues.append(tf.compat.v1.FIFOQueue(
          cluster.num_tasks('worker'), tf.int32, shapes=[],
          shared_name='done_queue_%d' % i, name='done_queue_%d' % i))
  return queues


def _accepts_connections(address, timeout=5.0):
  """Whether a TCP connection to `address` ('host:port') can be opened."""
  host, port = address.rsplit(':', 1)
  try:
    socket.create_connection((host.strip('[]'), int(port)),
                             timeout=timeout).close()
    return True
  except OSError:
    return False


def lost_peer(peers):
  """The first (name, address) of `peers` that refuses connections, or None."""
  for name, address in peers:
    if not _accepts_connections(address):
      return name, address
  return None


def say(message):
  """Prints a line at once, so that logs show it while the process runs."""
  print(message)
  sys.stdout.flush()


RESTART_JOB = ('Restart the job: the parameter servers first, then the '
                'workers; the chief resumes from its newest checkpoint.')


def error_line(message):
  """The line that ends a worker on a fault, in the scripts' format."""
  return '%s: error: %s' % (os.path.basename(sys.argv[0]), message)


class SessionLostError(Exception):
  """The monitored session lost its session and wants a new one."""


class Watchdog(tf.compat.v1.train.SessionRunHook):
  """Says what a worker is waiting for, and ends it when a peer is gone.

  TensorFlow waits for a lost parameter server forever: the monitored session
  starts a new session, which waits to hear from every task. So a thread
  checks, whenever this worker has finished no step for --fault_timeout_secs,
  that the parameter servers (and, on the other workers, the chief) still
  accept connections. One that refuses them after this worker has finished a
  step is lost: the thread says which and exits with status 1. Before the
  first step, it says which one it is waiting for.

  On the chief, it also follows the global step at which each worker last
  finished a step, and names each worker that has finished none for
  --fault_timeout_secs.

  Last, it refuses a second session: on an error it takes for a preemption
  (AbortedError, UnavailableError) the monitored session closes its session
  and starts another, but closing has closed this worker's input queues, and
  on the chief the queue of SyncReplicasOptimizer tokens: the new session
  could not train. `after_create_session` raises `SessionLostError` instead.
  """

  def __init__(self, cluster, task_index, worker_steps, timeout_secs):
    """Creates the hook; `start()` starts its thread.

    Args:
      cluster: `tf.train.ClusterSpec`.
      task_index: Index of this worker; 0 is the chief.
      worker_steps: int64 Variable [num_workers]: the global step at which
        each worker last finished a step (the distributed trainer's
        `sync_train_op()` makes it).
      timeout_secs: Seconds without progress before it checks the peers
        (--fault_timeout_secs).
    """
    self._workers = cluster.job_tasks('worker')
    self._task_index = task_index
    self._peers = [('the parameter server', a)
                   for a in cluster.job_tasks('ps')]
    if task_index != 0:
      self._peers.append(('the chief, worker 0,', self._workers[0]))
    self._worker_steps = worker_steps
    self._timeout = timeout_secs
    self._lock = threading.Lock()
    self._stopped = threading.Event()
    self._thread = threading.Thread(target=self._watch, daemon=True)
    now = time.time()
    self._last_progress = now
    self._trained = False
    self._has_session = False
    self._awaited = set()
    # Per worker: the global step at which it last finished a step, and
    # since when. The variable starts at 0 on every worker's start.
    self._seen = [(0, now)] * len(self._workers)
    self._missing = set()

  def start(self):
    self._thread.start()

  def stop(self):
    self._stopped.set()
    self._thread.join()

  def lost_peer(self):
    """The first (name, address) of this worker's peers that is gone, or
    None."""
    return lost_peer(self._peers)

  def after_create_session(self, session, coord):
    if self._has_session:
      raise SessionLostError()
    self._has_session = True

  def before_run(self, run_context):
    if self._task_index == 0:
      return tf.compat.v1.train.SessionRunArgs(self._worker_steps)
    return None

  def after_run(self, run_context, run_values):
    now = time.time()
    with self._lock:
      self._last_progress = now
      self._trained = True
      if self._task_index != 0:
        return
      for i, step in enumerate(run_values.results):
        if step != self._seen[i][0]:
          self._seen[i] = (step, now)
          if i in self._missing:
            self._missing.discard(i)
            say('Worker %d at %s finished a step, at global step %d: no '
                 'longer waiting for it.' % (i, self._workers[i], step))

  def _watch(self):
    while not self._stopped.wait(min(5.0, self._timeout / 2.0)):
      now = time.time()
      with self._lock:
        idle = now - self._last_progress
        trained = self._trained
        missing = (self._newly_missing_workers(now)
                   if self._task_index == 0 else [])
      # A lost parameter server stalls every worker: blame it, not them.
      lost = self.lost_peer() if idle > self._timeout or missing else None
      if self._stopped.is_set():
        return
      if lost and trained:
        sys.stdout.flush()
        message = error_line(
            'lost %s at %s: it refuses connections, and no step has '
            'finished here for %d s. %s' % (lost[0], lost[1], idle,
                                            RESTART_JOB))
        sys.stderr.write(message + '\n')
        sys.stderr.flush()
        # The main thread is blocked inside TensorFlow, for good.
        os._exit(1)  # pylint: disable=protected-access
      if lost and lost not in self._awaited:
        self._awaited.add(lost)
        say('Worker %d: waiting for %s at %s to start.'
             % (self._task_index, lost[0], lost[1]))
      for message in missing:
        say(message)

  def _newly_missing_workers(self, now):
    """Messages naming the workers that have just stopped finishing steps."""
    messages = []
    for i in range(1, len(self._workers)):
      step, since = self._seen[i]
      if i in self._missing or now - since <= self._timeout:
        continue
      self._missing.add(i)
      last = ('not finished a step yet' if not step else
              'finished no step since global step %d' % step)
      messages.append('Waiting for worker %d at %s: it has %s (%d s).'
                      % (i, self._workers[i], last, now - since))
    return messages


def wait_for_chief(target, config, task_index):
  """Returns once the chief has initialized or restored the model.

  A worker's monitored session would find out too, but it looks only every
  30 seconds; this looks every second.

  Args:
    target: This worker's server target.
    config: Session `ConfigProto`.
    task_index: Index of this worker, for the message.
  """
  uninitialized = tf.compat.v1.report_uninitialized_variables(
      tf.compat.v1.global_variables())
  with RetryingSession(target, config=config) as sess:
    if sess.run(uninitialized).size:
      say('Worker %d: waiting for the chief to initialize the model.'
           % task_index)
      while sess.run(uninitialized).size:
        time.sleep(1)
