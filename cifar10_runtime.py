# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""What the scripts run inside: everything around the session loop.

The trainers and the evaluator build their graphs and run their loops in
their own files; this module holds what keeps those loops safe:

* `TrainingRun`: one run in a train_dir, from taking its lock and finding the
  checkpoint to resume from, to the line that says where the run stopped.
  While it is open, SIGTERM or Ctrl-C stops training cleanly with the current
  step saved; a failed step saves what it can and becomes one line;
* the session hooks: `LoggerHook` (the tutorial's step line), `NanLossHook`
  (which unlists checkpoints written after the weights went bad) and
  `StopHook`;
* `clean_exit()`: each script's `main` runs inside it, so that a user error
  or a signal ends the script with one line and an exit status, not a
  traceback;
* `nothing_to_do()`: a trainer whose checkpoint is already at --max_steps
  says so before it builds anything;
* `held_train_dir()`: a trainer's lock on its train_dir (one trainer at a
  time) and the checkpoint it resumes from, for every trainer; the
  evaluator's lock;
* `seed_graph()`: what --seed and --deterministic set;
* `slow_settings()`: the flags that run slower on this machine than the
  defaults, named before the run starts (`say_slow_settings()`).

Everything takes its settings as arguments, so tests can call it directly.
"""

import contextlib
from datetime import datetime
import fcntl
import os
import signal
import socket
import sys
import threading
import time

import numpy as np
import tensorflow as tf

from cifar10_checkpoints import checkpoint_step
from cifar10_checkpoints import reader_checkpoints
from cifar10_checkpoints import resume_checkpoint
from cifar10_checkpoints import unlist_checkpoints_from
import cifar10_prepare
from cifar10_prepare import op_error_reason
from cifar10_prepare import UserError

FLAGS = tf.compat.v1.flags.FLAGS


# Present in --train_dir while a trainer uses it, and in --eval_dir while an
# evaluator does; each names the process that holds it.
LOCK_FILE = 'trainer.lock'
EVAL_LOCK_FILE = 'evaluator.lock'


class TrainingError(UserError):
  """Training stopped early; the message says why, which checkpoint is kept,
  and what to do next."""


class Interrupted(Exception):
  """SIGTERM or SIGINT arrived while no training could be stopped cleanly."""

  def __init__(self, signum):
    super().__init__(signal.Signals(signum).name)
    self.signum = signum


def step_after(train_op):
  """The global step as it reads once `train_op` has run (a tensor)."""
  with tf.control_dependencies([train_op]):
    return tf.identity(tf.compat.v1.train.get_global_step().read_value())


# Session hooks.

class LoggerHook(tf.compat.v1.train.SessionRunHook):
  """Prints the tutorial's step line every `log_frequency` global steps.

  The step printed is the global step, so a resumed run counts on from its
  checkpoint. Speed is averaged over the steps since the previous line.
  """

  def __init__(self, step_after_op, loss, examples_per_step, log_frequency,
               num_towers=1):
    """Creates the hook.

    Args:
      step_after_op: The global step after the step's update, from
        `step_after()`.
      loss: Scalar loss tensor.
      examples_per_step: Images one step consumes, over all towers.
      log_frequency: Print every this many steps.
      num_towers: Towers a step runs; sec/batch is the step time per tower.
    """
    self._fetches = [step_after_op, loss]
    self._examples_per_step = examples_per_step
    self._log_frequency = log_frequency
    self._num_towers = num_towers
    self._last = None

  def begin(self):
    self._last = None

  def before_run(self, run_context):
    if self._last is None:
      self._last = (None, time.time())
    return tf.compat.v1.train.SessionRunArgs(self._fetches)

  def after_run(self, run_context, run_values):
    step_after_value, loss_value = run_values.results
    step = step_after_value - 1
    last_step, last_time = self._last
    # A synchronous distributed worker may run twice in one global step.
    if step % self._log_frequency or step == last_step:
      return
    now = time.time()
    steps = 1 if last_step is None else step - last_step
    elapsed = now - last_time
    self._last = (step, now)
    print('%s: step %d, loss = %.2f (%.1f examples/sec; %.3f sec/batch)'
          % (datetime.now(), step, loss_value,
             self._examples_per_step * steps / elapsed,
             elapsed / steps / self._num_towers))
    sys.stdout.flush()


# What to change when the loss stops being finite.
NAN_ADVICE = ('Lower the learning rate (INITIAL_LEARNING_RATE in cifar10.py), '
              'or check the data.')


def nan_loss_error(step, kept):
  """The TrainingError for a loss that stopped being finite at `step`."""
  return TrainingError(
      'the loss became NaN at step %d; the last good checkpoint (%s) is '
      'kept, and a new run resumes from it. %s'
      % (step, kept or 'none: a new run starts over', NAN_ADVICE))


class NanLossHook(tf.compat.v1.train.SessionRunHook):
  """Ends training at the first loss that is not finite.

  The loss of global step N comes from the weights that checkpoint N holds,
  so checkpoints from step N on are unlisted before the TrainingError is
  raised. Put it before the checkpoint saver in the hook list: the saver then
  never writes the weights of that step.
  """

  def __init__(self, step_after_op, loss, train_dir):
    self._fetches = [step_after_op, loss]
    self._train_dir = train_dir

  def before_run(self, run_context):
    return tf.compat.v1.train.SessionRunArgs(self._fetches)

  def after_run(self, run_context, run_values):
    step_after_value, loss_value = run_values.results
    if not np.isfinite(loss_value):
      step = step_after_value - 1
      raise nan_loss_error(step, unlist_checkpoints_from(self._train_dir,
                                                         step))


def is_saved(train_dir, step):
  """Whether a checkpoint of global step `step` is on disk in `train_dir`."""
  return tf.io.gfile.exists(
      os.path.join(train_dir, 'model.ckpt-%d.index' % step))


class CheckpointSaverHook(tf.compat.v1.train.CheckpointSaverHook):
  """TensorFlow's checkpoint saver, which never writes a step saved before.

  The stock hook saves as soon as its session exists, so a resumed run
  would write the checkpoint it resumed from over again, files and all.
  """

  def _save(self, session, step):
    if is_saved(os.path.dirname(self._save_path), step):
      return False  # Nothing asks training to stop.
    return super()._save(session, step)


class StopHook(tf.compat.v1.train.SessionRunHook):
  """Stops training on request (from a signal), and saves on demand.

  `request_stop()` may be called from any thread: it asks the session's
  coordinator to stop, which closes the input queues, so even a step that
  waits for a queue still filling returns, and the monitored session ends
  normally, writing the current step.
  """

  def __init__(self, saver, global_step, train_dir):
    self._saver = saver
    self._global_step = global_step
    self._train_dir = train_dir
    self._session = None
    self._coord = None
    self.signum = None

  def after_create_session(self, session, coord):
    self._session = session
    self._coord = coord
    if self.signum is not None:
      coord.request_stop()

  def request_stop(self, signum):
    self.signum = signum
    if self._coord is not None:
      self._coord.request_stop()

  def current_step(self):
    """The global step now; None before a session exists or once closed."""
    try:
      return int(self._session.run(self._global_step))
    except (AttributeError, RuntimeError, tf.errors.OpError):
      return None

  def save(self):
    """Writes a checkpoint of the current step (unless one is on disk
    already); its path, or None."""
    if self._session is None:
      return None
    step = self.current_step()
    if step is not None and is_saved(self._train_dir, step):
      return os.path.join(self._train_dir, 'model.ckpt-%d' % step)
    return self._saver.save(self._session,
                            os.path.join(self._train_dir, 'model.ckpt'),
                            global_step=self._global_step)


# The train_dir.

def lock_train_dir(train_dir, lock_file=LOCK_FILE, flag='train_dir',
                   role='trainer'):
  """Takes a folder's lock for as long as this process runs.

  The lock is a `flock` on `lock_file`: the system releases it when the
  process ends, however it ends, so a killed process leaves no stale lock.

  Args:
    train_dir: An existing local folder.
    lock_file: The lock's file name: LOCK_FILE for trainers, EVAL_LOCK_FILE
      for evaluators.
    flag: The flag that named the folder, for the message.
    role: What holds such a lock, for the message.

  Returns:
    The open lock file. Closing it releases the lock.

  Raises:
    UserError: another live process holds the lock.
  """
  path = os.path.join(train_dir, lock_file)
  problem = cifar10_prepare.file_problem(path)
  if problem and problem != 'missing':
    raise UserError('%s is %s: remove it, so that the %s can take its lock '
                    'there' % (path, problem, role))
  lock = open(path, 'a+')
  try:
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
  except OSError:
    lock.seek(0)
    holder = lock.read().strip() or 'another process'
    lock.close()
    raise UserError('--%s=%s is in use by another %s (%s): wait for it to '
                    'finish, stop it, or choose another --%s'
                    % (flag, train_dir, role, holder, flag))
  lock.seek(0)
  lock.truncate()
  lock.write('pid %d on %s\n' % (os.getpid(), socket.gethostname()))
  lock.flush()
  return lock


@contextlib.contextmanager
def folder_lock(folder, flag, role, lock_file):
  """`lock_train_dir` for the life of a `with` block; remote folders are not
  locked."""
  lock = (None if '://' in folder else
          lock_train_dir(folder, lock_file, flag, role))
  try:
    yield
  finally:
    if lock:
      lock.close()


def prepare_train_dir(train_dir, fresh_start=False):
  """Locks `train_dir` and tidies it.

  Save folders left by a trainer killed mid-save (`*_temp`) are removed:
  with the lock held, no save can be under way. With `fresh_start`,
  everything but the lock file is deleted.

  Args:
    train_dir: An existing folder; remote (gs://...) folders are not locked.
    fresh_start: Whether to empty the folder first.

  Returns:
    The open lock file (None for a remote folder).

  Raises:
    UserError: another trainer holds the lock.
  """
  lock = None if '://' in train_dir else lock_train_dir(train_dir)
  for name in tf.io.gfile.listdir(train_dir) if lock else []:
    path = os.path.join(train_dir, name)
    if name.rstrip('/').endswith('_temp') and tf.io.gfile.isdir(path):
      print('Removing %s, left by a save that did not finish.' % path)
      tf.io.gfile.rmtree(path)
  if fresh_start:
    print('--fresh_start: deleting the contents of %s' % train_dir)
    for name in tf.io.gfile.listdir(train_dir):
      path = os.path.join(train_dir, name)
      if name == LOCK_FILE:
        continue
      if tf.io.gfile.isdir(path):
        tf.io.gfile.rmtree(path)
      else:
        tf.io.gfile.remove(path)
  return lock


def failure_error(error, stop_hook, train_dir):
  """Turns a failed step into a TrainingError, saving what can be saved.

  A NaN caught by a histogram summary is a divergence: the checkpoints from
  the current step on are unlisted, as `NanLossHook` does. Any other failure
  saves the current step if the session still allows it.

  Args:
    error: The `tf.errors.OpError` the step raised.
    stop_hook: The run's StopHook, which holds the session.
    train_dir: The training folder.

  Returns:
    The TrainingError to raise.
  """
  message = op_error_reason(error)
  if 'Nan in summary histogram' in message:
    step = stop_hook.current_step()
    if step is None:  # The session is gone; the newest checkpoint stands.
      newest = tf.train.latest_checkpoint(train_dir)
      return nan_loss_error(checkpoint_step(newest) if newest else 0, newest)
    return nan_loss_error(step, unlist_checkpoints_from(train_dir, step))
  try:
    stop_hook.save()
  except (tf.errors.OpError, OSError, ValueError, RuntimeError):
    pass  # Closed session or refusing disk: the newest checkpoint stands.
  newest = tf.train.latest_checkpoint(train_dir)
  if newest:
    where = 'the newest checkpoint is %s (step %d)' % (newest,
                                                       checkpoint_step(newest))
  else:
    where = 'no checkpoint was written'
  return TrainingError(
      'training failed (%s: %s); %s. Fix the cause (the data files, the '
      'space or permissions of --train_dir), then run again to resume.'
      % (type(error).__name__, message, where))


# Signals. A step can block for minutes (the first one waits for the queue to
# fill), and Python runs signal handlers in the main thread only between
# bytecodes. So the C-level handler also writes the signal's number to a
# pipe, and a watcher thread reads it and stops the training at once.

_current = {'stop_hook': None}  # The StopHook of the training under way.


def _raise_unless_training(signum, unused_frame):
  """Python handler: with no training to stop, end the script."""
  if _current['stop_hook'] is None:
    raise Interrupted(signum)


def _watch_signals(read_fd):
  """Watcher thread: asks the training under way to stop; the second signal
  exits at once (the newest checkpoint is on disk)."""
  while True:
    data = os.read(read_fd, 64)
    if not data:
      return
    for signum in data:
      stop_hook = _current['stop_hook']
      if signum not in (signal.SIGTERM, signal.SIGINT) or stop_hook is None:
        continue
      if stop_hook.signum is not None:
        os._exit(128 + signum)  # pylint: disable=protected-access
      print('\n%s received: saving a checkpoint and stopping (send it again '
            'to quit at once).' % signal.Signals(signum).name)
      sys.stdout.flush()
      stop_hook.request_stop(signum)


@contextlib.contextmanager
def _signals_stop_training():
  """Routes SIGTERM and SIGINT as the module comment above says."""
  read_fd, write_fd = os.pipe()
  os.set_blocking(write_fd, False)
  previous = {s: signal.signal(s, _raise_unless_training)
              for s in (signal.SIGTERM, signal.SIGINT)}
  previous_fd = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
  watcher = threading.Thread(target=_watch_signals, args=(read_fd,),
                             name='signal-watcher', daemon=True)
  watcher.start()
  try:
    yield
  finally:
    signal.set_wakeup_fd(previous_fd)
    for signum, handler in previous.items():
      signal.signal(signum, handler)
    os.close(write_fd)
    watcher.join(5)
    os.close(read_fd)


def seed_graph(seed, deterministic=False):
  """Seeds the random ops of the default graph; call it before building.

  Args:
    seed: --seed; None, and each run draws anew.
    deterministic: --deterministic: also turn TensorFlow's op determinism
      on, for the rest of the process. Kernels that would add up in
      whatever order their threads finish (on GPUs mostly) then use an
      order that repeats.
  """
  tf.compat.v1.set_random_seed(seed)
  if deterministic:
    tf.config.experimental.enable_op_determinism()


def cpu_has_fast_bfloat16(cpuinfo='/proc/cpuinfo'):
  """Whether the CPU has bfloat16 instructions (AVX-512 BF16 or AMX); True
  when it cannot tell, so that nothing is said."""
  try:
    with open(cpuinfo) as f:
      flags = f.read()
  except OSError:
    return True
  return 'avx512_bf16' in flags or 'amx_bf16' in flags


def slow_settings(mixed_precision, num_towers, num_gpus, fast_bfloat16):
  """Lines that warn of settings that run slower here than the defaults.

  Args:
    mixed_precision: --mixed_precision: None, 'bfloat16' or 'float16'.
    num_towers: Towers the trainer builds (--num_gpus, or 1).
    num_gpus: GPUs TensorFlow sees.
    fast_bfloat16: Whether the CPU has bfloat16 instructions.

  Returns:
    List of lines, empty when all is well.
  """
  notes = []
  if not num_gpus and mixed_precision == 'bfloat16' and not fast_bfloat16:
    notes.append('Note: --mixed_precision=bfloat16 on a CPU without bfloat16 '
                 'instructions (AVX-512 BF16, AMX) is emulated, and much '
                 'slower than float32: drop the flag on this machine.')
  if not num_gpus and mixed_precision == 'float16':
    notes.append('Note: --mixed_precision=float16 has no fast path on a CPU '
                 'and is much slower than float32: drop the flag unless a '
                 'GPU runs the model.')
  if num_towers > max(num_gpus, 1):
    notes.append('Note: %d towers, %d GPU%s: %s on the CPU, sharing its '
                 'cores, so they train no faster than one tower would.'
                 % (num_towers, num_gpus, '' if num_gpus == 1 else 's',
                    'all towers run' if not num_gpus else
                    'the towers beyond them run'))
  return notes


def say_slow_settings(num_towers=1):
  """Prints `slow_settings` for this machine and the flags, once a run."""
  notes = slow_settings(
      FLAGS.mixed_precision, num_towers,
      len(tf.config.list_physical_devices('GPU')), cpu_has_fast_bfloat16())
  for note in notes:
    print(note)
  sys.stdout.flush()


@contextlib.contextmanager
def clean_exit():
  """Runs a script's work so that what goes wrong ends in one line.

  A UserError exits with status 1 and `<script>: error: <message>`; SIGTERM
  or Ctrl-C outside training exits with 128 + the signal's number; inside a
  `TrainingRun` they stop training cleanly (see there). Either way, the
  output folders the script created and left empty are removed.
  """
  tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
  script = os.path.basename(sys.argv[0])
  with _signals_stop_training():
    try:
      yield
    except UserError as e:
      cifar10_prepare.remove_empty_folders_made()
      sys.exit('%s: error: %s' % (script, e))
    except tf.compat.v1.train.NanLossDuringTrainingError:
      sys.exit('%s: error: the loss became NaN. %s' % (script, NAN_ADVICE))
    except Interrupted as e:
      cifar10_prepare.remove_empty_folders_made()
      print('Stopped by %s.' % e)
      sys.stdout.flush()
      sys.exit(128 + e.signum)


def _say_nothing_to_do(train_dir, step, max_steps):
  print('%s is already at step %d, not below --max_steps=%d: nothing to do. '
        'Raise --max_steps to train further.' % (train_dir, step, max_steps))
  sys.stdout.flush()


def nothing_to_do(train_dir, max_steps, fresh_start=False):
  """True (and says so) when training would stop before its first step.

  A trainer asks this before it builds its graph, so that a run whose newest
  checkpoint is already at `max_steps` ends at once, without filling its
  input queue or fetching data. Any doubt about the checkpoints (a damaged
  list, missing files) answers False: `TrainingRun` then looks closer and
  says what is wrong.

  Args:
    train_dir: The training folder.
    max_steps: --max_steps.
    fresh_start: --fresh_start: the folder is to be emptied, so there is
      always work.

  Returns:
    Whether the trainer has nothing to do.
  """
  if fresh_start:
    return False
  try:
    paths, _ = reader_checkpoints(train_dir)
    step = checkpoint_step(paths[-1]) if paths else None
  except (tf.errors.OpError, OSError, ValueError):
    return False
  if step is None or step < max_steps:
    return False
  _say_nothing_to_do(train_dir, step, max_steps)
  return True


@contextlib.contextmanager
def held_train_dir(train_dir, fresh_start=False, fall_back=False):
  """A trainer's hold on `train_dir` for the life of a `with` block.

  Locks and tidies the folder (`prepare_train_dir`), then finds the
  checkpoint to resume from (`resume_checkpoint`, which refuses one that
  would not restore). The lock is released when the block ends, however it
  ends, and at once if no checkpoint will do. Build the graph first.

  Yields:
    (path of the checkpoint to resume from or None, {name in it: variable}).

  Raises:
    UserError: another trainer holds the lock, or the checkpoints are
      damaged (a CheckpointError).
  """
  lock = prepare_train_dir(train_dir, fresh_start)
  try:
    yield resume_checkpoint(train_dir, tf.compat.v1.global_variables(),
                            fall_back)
  finally:
    if lock is not None:
      lock.close()


class TrainingRun(object):
  """One training run in a train_dir, as a context manager.

  Entering it locks `train_dir` (one trainer at a time), removes what a
  killed save left behind, empties the folder on `fresh_start`, finds the
  step to resume from, and makes the saver. While it is open, SIGTERM or
  Ctrl-C stops training with the current step saved. Leaving it releases
  the lock and says where the checkpoint is; a failed step leaves it as a
  TrainingError, a signal as an exit with status 128 + the signal.

  Build the graph first (the global step must exist), then:

    with TrainingRun(train_dir, max_steps) as run:
      ...hooks, among them run.nan_loss_hook(...) and run.stop_hook
      with tf.compat.v1.train.MonitoredTrainingSession(...) as mon_sess:
        with run.saving_on_failure():
          while not mon_sess.should_stop():
            mon_sess.run(train_op)
  """

  def __init__(self, train_dir, max_steps, fresh_start=False,
               fall_back=False):
    self.train_dir = train_dir
    self.max_steps = max_steps
    self.fresh_start = fresh_start
    self.fall_back = fall_back
    self.start_step = 0
    self._resume_from = None
    self._var_map = None
    self.saver = None
    self.stop_hook = None
    self._held = contextlib.ExitStack()
    self._failure = None

  def __enter__(self):
    self._resume_from, self._var_map = self._held.enter_context(
        held_train_dir(self.train_dir, self.fresh_start, self.fall_back))
    if self._resume_from:
      self.start_step = checkpoint_step(self._resume_from)
    # The monitored session's saver, made here so that a failed step can
    # still be saved with it. Relative paths: a train_dir copied elsewhere
    # resumes there.
    self.saver = tf.compat.v1.train.Saver(
        sharded=True, max_to_keep=5, keep_checkpoint_every_n_hours=10000.0,
        save_relative_paths=True)
    state = tf.train.get_checkpoint_state(self.train_dir)
    if self._resume_from and state:
      # Keeps rotating the checkpoints of earlier runs (five are kept).
      self.saver.recover_last_checkpoints(state.all_model_checkpoint_paths)
    self.stop_hook = StopHook(self.saver,
                              tf.compat.v1.train.get_global_step(),
                              self.train_dir)
    _current['stop_hook'] = self.stop_hook
    return self

  def finished(self):
    """True (and says so) when the checkpoint is already at max_steps."""
    if self.start_step < self.max_steps:
      return False
    _say_nothing_to_do(self.train_dir, self.start_step, self.max_steps)
    return True

  def scaffold(self, summary_op=None):
    """The monitored session's Scaffold: this run's saver and restore.

    The session initializes every variable, then `init_fn` restores the
    checkpoint that `resume_checkpoint` chose and checked, so pass no
    `checkpoint_dir` to the session (it would restore by itself, by name).
    """
    restorer = (tf.compat.v1.train.Saver(self._var_map)
                if self._resume_from else None)

    def restore(unused_scaffold, session):
      if restorer:
        restorer.restore(session, self._resume_from)
    return tf.compat.v1.train.Scaffold(saver=self.saver, init_fn=restore,
                                       summary_op=summary_op)

  def nan_loss_hook(self, step_after_op, loss):
    """A NanLossHook for this run's train_dir."""
    return NanLossHook(step_after_op, loss, self.train_dir)

  @contextlib.contextmanager
  def saving_on_failure(self):
    """Wraps the session loop: a failed step saves the current one.

    A step ended by a stop request (the queues close under it) is not a
    failure: the monitored session then closes normally and saves.
    """
    try:
      yield
    except tf.errors.OpError as e:
      if self.stop_hook.signum is not None:
        return
      self._failure = failure_error(e, self.stop_hook, self.train_dir)
      raise self._failure from None

  def _release(self):
    _current['stop_hook'] = None
    self._held.close()

  def __exit__(self, error_type, error, unused_traceback):
    self._release()
    signum = self.stop_hook.signum if self.stop_hook else None
    if error_type is not None and issubclass(error_type, tf.errors.OpError):
      # Closing the session re-raises a queue thread's error: report the
      # first failure, unless a stop was asked for.
      if signum is None:
        raise self._failure or failure_error(error, self.stop_hook,
                                             self.train_dir) from None
    elif error_type is not None:
      return False
    newest = tf.train.latest_checkpoint(self.train_dir)
    if signum is not None:
      print('Stopped by %s; checkpoint saved: %s'
            % (signal.Signals(signum).name, newest))
      sys.stdout.flush()
      sys.exit(128 + signum)
    if self.start_step < self.max_steps:
      print('Stopped at step %d; checkpoint saved: %s'
            % (self.max_steps, newest))
    return True
