# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""What the scripts run inside: everything around the session loop.

The trainers and the evaluator build their graphs and run their loops in
their own files; this module holds what keeps those loops safe:

* the flags every trainer takes (--train_dir, --max_steps, --fresh_start,
  logging and checkpoint cadence);
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
* checkpoint polling for the evaluator (`new_checkpoints`).

Everything takes its settings as arguments, so tests can call it directly.
"""

import contextlib
from datetime import datetime
import fcntl
import os
import re
import signal
import socket
import sys
import threading
import time

from absl import flags as absl_flags
import numpy as np
import tensorflow as tf

from cifar10_prepare import check_folder_flag
from cifar10_prepare import one_line
from cifar10_prepare import op_error_reason
from cifar10_prepare import UserError

FLAGS = tf.compat.v1.flags.FLAGS


def define_trainer_flags():
  """Defines the flags every trainer shares.

  The trainers call it when they are imported; the commands that only read
  a trained model do not, so these flags are not theirs. Calling it again
  does nothing.
  """
  if 'train_dir' in FLAGS:
    return
  tf.compat.v1.flags.DEFINE_string(
      'train_dir', '/tmp/cifar10_train',
      'Folder for the checkpoints and TensorBoard event files of training.')
  tf.compat.v1.flags.DEFINE_integer(
      'max_steps', 1000000, 'Global step at which training stops.',
      lower_bound=0)
  tf.compat.v1.flags.DEFINE_boolean(
      'fresh_start', False,
      'Delete everything in --train_dir and train from step 0. Without it, '
      'training resumes from the newest checkpoint there.')
  tf.compat.v1.flags.DEFINE_boolean(
      'fall_back_checkpoint', False,
      'When the newest checkpoint in --train_dir cannot be read, or does not '
      'fit the model, unlist it and resume from the newest one that can.')
  tf.compat.v1.flags.DEFINE_boolean(
      'log_device_placement', False,
      'Print the device that each operation is placed on.')
  tf.compat.v1.flags.DEFINE_integer(
      'log_frequency', 10, 'Print the step line every this many steps.',
      lower_bound=1)
  tf.compat.v1.flags.DEFINE_integer(
      'save_checkpoint_secs', 600,
      'Seconds between checkpoints: how cifar10_train.py saves unless '
      '--save_checkpoint_steps is given; the other trainers save by time '
      'only when this is given. One is also written at the last step.',
      lower_bound=1)
  tf.compat.v1.flags.DEFINE_integer(
      'save_checkpoint_steps', 1000,
      'Steps between checkpoints: how the multi-tower and distributed '
      'trainers save unless --save_checkpoint_secs is given; '
      'cifar10_train.py saves by steps only when this is given.',
      lower_bound=1)
  tf.compat.v1.flags.DEFINE_integer(
      'save_summaries_steps', 100,
      'Steps between TensorBoard summaries.', lower_bound=1)


def define_reader_flags():
  """Defines the flags of the commands that read a trained model (evaluate,
  predict, export). Calling it again does nothing."""
  if 'checkpoint_dir' in FLAGS:
    return
  tf.compat.v1.flags.DEFINE_string(
      'checkpoint_dir', '/tmp/cifar10_train',
      'The --train_dir of the training to read; its newest checkpoint is '
      'used.')
  tf.compat.v1.flags.DEFINE_string(
      'checkpoint_path', None,
      'One checkpoint to read instead of the newest in --checkpoint_dir: its '
      'path without the .index or .data suffix, such as '
      '/tmp/cifar10_train/model.ckpt-1000.')


def checkpoint_schedule(secs_flag, steps_flag, by_default):
  """When a trainer writes checkpoints: every so many seconds or steps.

  Each trainer has its own default, as in the tutorial: cifar10_train.py
  saves by time, the others by steps. The other flag, given on the command
  line, replaces it.

  Args:
    secs_flag: The --save_checkpoint_secs flag (its .value and .present).
    steps_flag: The --save_checkpoint_steps flag.
    by_default: 'secs' or 'steps'.

  Returns:
    {'save_secs': n} or {'save_steps': n}, for `CheckpointSaverHook`.

  Raises:
    UserError: both flags were given.
  """
  if secs_flag.present and steps_flag.present:
    raise UserError('--save_checkpoint_secs=%d and --save_checkpoint_steps=%d'
                    ' were both given: give one of them'
                    % (secs_flag.value, steps_flag.value))
  if secs_flag.present or (by_default == 'secs' and not steps_flag.present):
    return {'save_secs': secs_flag.value}
  return {'save_steps': steps_flag.value}


def define_overwrite_flag():
  """Defines --overwrite, of the commands that write into a folder that may
  hold their earlier output (export, make-records). Calling it again does
  nothing."""
  if 'overwrite' in FLAGS:
    return
  tf.compat.v1.flags.DEFINE_boolean(
      'overwrite', False,
      'Replace what an earlier run wrote there (cifar10-export: the version '
      'folder; cifar10-make-records: the record files), once the new output '
      'is complete. Without it, existing output is refused.')


# Present in --train_dir while a trainer uses it, and in --eval_dir while an
# evaluator does; each names the process that holds it.
LOCK_FILE = 'trainer.lock'
EVAL_LOCK_FILE = 'evaluator.lock'


class TrainingError(UserError):
  """Training stopped early; the message says why, which checkpoint is kept,
  and what to do next."""


class CheckpointError(UserError):
  """A checkpoint cannot be read, or does not fit the model; the message
  names it and the choices."""


class Interrupted(Exception):
  """SIGTERM or SIGINT arrived while no training could be stopped cleanly."""

  def __init__(self, signum):
    super().__init__(signal.Signals(signum).name)
    self.signum = signum


def checkpoint_step(path):
  """The global step stored in the checkpoint at `path`."""
  return int(tf.train.load_variable(path, 'global_step'))


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


def unlist_checkpoints_from(train_dir, step):
  """Drops checkpoints of global step >= `step` from the `checkpoint` file.

  Their files stay on disk, but neither a resumed run nor the evaluator sees
  them any more.

  Args:
    train_dir: The training folder.
    step: The first step whose weights are not to be used.

  Returns:
    Path of the newest checkpoint still listed, or None.
  """
  state = tf.train.get_checkpoint_state(train_dir)
  listed = list(state.all_model_checkpoint_paths) if state else []
  kept = [path for path in listed if checkpoint_step(path) < step]
  if kept != listed:
    if kept:
      tf.compat.v1.train.update_checkpoint_state(
          train_dir, kept[-1], all_model_checkpoint_paths=kept)
    else:
      tf.io.gfile.remove(os.path.join(train_dir, 'checkpoint'))
  return kept[-1] if kept else None


def nan_loss_error(step, kept):
  """The TrainingError for a loss that stopped being finite at `step`."""
  return TrainingError(
      'the loss became NaN at step %d; the last good checkpoint (%s) is '
      'kept, and a new run resumes from it. Lower the learning rate '
      '(INITIAL_LEARNING_RATE in cifar10.py), or check the data.'
      % (step, kept or 'none: a new run starts over'))


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
    """Writes a checkpoint of the current step; its path, or None."""
    if self._session is None:
      return None
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
  lock = open(os.path.join(train_dir, lock_file), 'a+')
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


def restore_map(checkpoint_names, variables):
  """Which checkpoint entry restores each variable.

  Entries have the variable's own name, except in checkpoints written by
  the multi-tower trainer before loss averages had tower-free names: there
  `cross_entropy/avg` was `tower_N/cross_entropy/avg`, and the last tower's
  (the one TensorBoard showed) is taken.

  Args:
    checkpoint_names: The names a checkpoint holds.
    variables: The variables to restore.

  Returns:
    Dict {name in the checkpoint: variable}.
  """
  mapping = {}
  for var in variables:
    name = var.op.name
    if name not in checkpoint_names:
      towers = [n for n in checkpoint_names
                if re.fullmatch(r'tower_\d+/' + re.escape(name), n)]
      if towers:
        name = max(towers, key=lambda n: int(n.split('/')[0][6:]))
    mapping[name] = var
  return mapping


def checkpoint_problem(path, var_map):
  """What keeps the checkpoint at `path` from restoring `var_map`.

  Reads every tensor that would be restored, so a truncated file shows here
  rather than halfway through a restore.

  Args:
    path: The checkpoint's path (without .index).
    var_map: {name in the checkpoint: variable}, as from `restore_map`.

  Returns:
    None if it restores; otherwise what is wrong, in words.
  """
  try:
    reader = tf.train.load_checkpoint(path)
    shapes = reader.get_variable_to_shape_map()
    dtypes = reader.get_variable_to_dtype_map()
  except Exception as e:  # pylint: disable=broad-except
    # Damaged files fail in many ways (OpError, RuntimeError, IndexError).
    return 'it cannot be read (%s)' % one_line(e)
  for name, var in sorted(var_map.items()):
    if name not in shapes:
      return 'it holds no %s, so it is not a checkpoint of this model' % name
    if shapes[name] != var.shape.as_list():
      return ('it holds %s of shape %s where the model has %s: it was '
              'written by a model of other shapes' % (
                  name, shapes[name], var.shape.as_list()))
    if dtypes[name] != var.dtype.base_dtype:
      return ('it holds %s in %s where the model has %s: give --use_fp16 '
              'the value the training had' % (
                  name, dtypes[name].name, var.dtype.base_dtype.name))
  try:
    for name in var_map:
      reader.get_tensor(name)
  except Exception as e:  # pylint: disable=broad-except
    return 'its data cannot be read (%s)' % one_line(e)
  return None


def checkpoint_to_read(checkpoint_dir, checkpoint_path=None):
  """The checkpoint a command that reads a trained model should use.

  Args:
    checkpoint_dir: A train_dir; its newest listed checkpoint is used...
    checkpoint_path: ...unless this names one (a path without suffix).

  Returns:
    The checkpoint's path prefix.

  Raises:
    UserError: there is no such checkpoint.
  """
  if checkpoint_path:
    if not tf.io.gfile.exists(checkpoint_path + '.index'):
      raise UserError(
          'no checkpoint at --checkpoint_path=%s (%s.index does not exist): '
          'give the path of a checkpoint without its .index or .data suffix, '
          'such as %s' % (checkpoint_path, checkpoint_path,
                          os.path.join(checkpoint_dir, 'model.ckpt-1000')))
    return checkpoint_path
  newest = tf.train.latest_checkpoint(checkpoint_dir)
  if not newest:
    raise UserError(
        'no checkpoint in --checkpoint_dir=%s: train a model first '
        '(cifar10-train --train_dir=%s), or point --checkpoint_dir at a '
        'train_dir or --checkpoint_path at a checkpoint'
        % (checkpoint_dir, checkpoint_dir))
  return newest


def check_reader_flags():
  """Refuses a --checkpoint_dir or --checkpoint_path that cannot be read,
  before a command that reads a trained model does any work."""
  check_folder_flag('checkpoint_dir', FLAGS.checkpoint_dir)
  if FLAGS.checkpoint_path:
    checkpoint_to_read(FLAGS.checkpoint_dir, FLAGS.checkpoint_path)


def restore_checked(sess, checkpoint_path, var_map):
  """Restores a checkpoint for a command that reads a trained model.

  The checkpoint is checked first, so that one of another model, or a
  damaged one, is refused with a line that says what is wrong with it.

  Args:
    sess: The session to restore into.
    checkpoint_path: The checkpoint.
    var_map: {name in the checkpoint: variable}; for the moving averages,
      `ExponentialMovingAverage.variables_to_restore()`.

  Returns:
    The checkpoint's global step.

  Raises:
    CheckpointError: the checkpoint cannot be read or does not fit.
  """
  problem = checkpoint_problem(checkpoint_path, var_map)
  if problem:
    raise CheckpointError(
        'cannot use %s: %s. Point --checkpoint_dir at a train_dir of this '
        'model (or --checkpoint_path at one of its checkpoints), or go back '
        'to the cifar10.py that trained it' % (checkpoint_path, problem))
  tf.compat.v1.train.Saver(var_map).restore(sess, checkpoint_path)
  try:
    return checkpoint_step(checkpoint_path)
  except tf.errors.NotFoundError:  # Written without a global step.
    return 0


def _listed_checkpoints(train_dir):
  """Checkpoints to consider for resuming, newest first.

  Raises:
    CheckpointError: the state file exists but cannot be parsed.
  """
  state = tf.train.get_checkpoint_state(train_dir)
  if state is not None:
    return list(reversed(state.all_model_checkpoint_paths or
                         [state.model_checkpoint_path]))
  state_file = os.path.join(train_dir, 'checkpoint')
  if tf.io.gfile.exists(state_file):
    raise CheckpointError(
        'cannot resume: %s, the list of checkpoints, cannot be parsed. '
        'Choose one: --fall_back_checkpoint to resume from the newest '
        'checkpoint there that reads; point --train_dir at another folder; '
        'or --fresh_start to delete everything in %s and start over. Nothing '
        'was changed' % (state_file, train_dir))
  return []


def _all_checkpoints(train_dir):
  """Every checkpoint whose index file is in `train_dir`, newest first."""
  found = []
  for name in tf.io.gfile.listdir(train_dir):
    match = re.fullmatch(r'(model\.ckpt-(\d+))\.index', name)
    if match:
      found.append((int(match.group(2)),
                    os.path.join(train_dir, match.group(1))))
  return [path for _, path in sorted(found, reverse=True)]


def resume_checkpoint(train_dir, variables, fall_back=False):
  """Finds the checkpoint to resume from, and checks that it restores.

  Never starts over unasked: a `checkpoint` file that cannot be parsed, a
  listed checkpoint whose files are missing or damaged, or one written by a
  model of other shapes, is an error that names it and the choices. With
  `fall_back`, the newest checkpoint that restores is used instead, and the
  newer ones are unlisted (their files stay).

  Args:
    train_dir: The training folder.
    variables: The variables a resumed run restores.
    fall_back: Whether to fall back past checkpoints that do not restore.

  Returns:
    (path, var_map): the checkpoint and {name in it: variable}; (None, None)
    when there is none.

  Raises:
    CheckpointError: the newest checkpoint does not restore (without
      `fall_back`), or none does (with it).
  """
  try:
    candidates = _listed_checkpoints(train_dir)
  except CheckpointError:
    if not fall_back:
      raise
    candidates = _all_checkpoints(train_dir)
  problems = []
  for path in candidates:
    try:
      names = set(tf.train.load_checkpoint(path).get_variable_to_shape_map())
    except Exception:  # pylint: disable=broad-except
      names = set()  # checkpoint_problem says why.
    var_map = restore_map(names, variables)
    problem = (checkpoint_problem(path, var_map) if tf.io.gfile.exists(
        path + '.index') else 'its files are missing')
    if problem is None:
      break
    problems.append((path, problem))
    if not fall_back:
      raise CheckpointError(
          'cannot resume from %s: %s. Choose one: --fall_back_checkpoint to '
          'resume from the newest earlier checkpoint that reads; point '
          '--train_dir at another folder; or --fresh_start to delete '
          'everything in %s and start over. Nothing was changed'
          % (path, problem, train_dir))
  else:
    if problems:
      raise CheckpointError(
          'no checkpoint in %s restores (the newest, %s: %s): point '
          '--train_dir at another folder, or --fresh_start to delete '
          'everything there and start over' % ((train_dir,) + problems[0]))
    return None, None
  for bad, problem in problems:
    print('Skipping %s: %s.' % (bad, problem))
  if problems:
    kept = [p for p in reversed(candidates) if p not in dict(problems)]
    tf.compat.v1.train.update_checkpoint_state(
        train_dir, path, all_model_checkpoint_paths=kept)
  print('Resuming from %s at step %d.' % (path, checkpoint_step(path)))
  return path, var_map


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


def parse_flags(argv):
  """Parses the command line; a bad flag ends the program in one line.

  Pass it to `app.run(main, flags_parser=parse_flags)`: absl would print
  the error and a second line about --help.

  Args:
    argv: The command line, program name first.

  Returns:
    The arguments left once the flags are parsed.
  """
  try:
    return FLAGS(argv)
  except absl_flags.Error as e:
    sys.exit('%s: error: %s (--helpfull lists every flag)'
             % (os.path.basename(argv[0]), e))


@contextlib.contextmanager
def clean_exit():
  """Runs a script's work so that what goes wrong ends in one line.

  A UserError exits with status 1 and `<script>: error: <message>`; SIGTERM
  or Ctrl-C outside training exits with 128 + the signal's number; inside a
  `TrainingRun` they stop training cleanly (see there).
  """
  tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
  script = os.path.basename(sys.argv[0])
  with _signals_stop_training():
    try:
      yield
    except UserError as e:
      sys.exit('%s: error: %s' % (script, e))
    except tf.compat.v1.train.NanLossDuringTrainingError:
      sys.exit('%s: error: the loss became NaN. Lower the learning rate '
               '(INITIAL_LEARNING_RATE in cifar10.py), or check the data.'
               % script)
    except Interrupted as e:
      print('Stopped by %s.' % e)
      sys.stdout.flush()
      sys.exit(128 + e.signum)


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
    self._lock = None
    self._failure = None

  def __enter__(self):
    self._lock = prepare_train_dir(self.train_dir, self.fresh_start)
    try:
      self._resume_from, self._var_map = resume_checkpoint(
          self.train_dir, tf.compat.v1.global_variables(), self.fall_back)
    except BaseException:
      self._release()
      raise
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
    print('%s is already at step %d, not below --max_steps=%d: nothing to '
          'do. Raise --max_steps to train further.'
          % (self.train_dir, self.start_step, self.max_steps))
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
    if self._lock is not None:
      self._lock.close()
      self._lock = None

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


# Checkpoint polling, for the evaluator.

def new_checkpoints(checkpoint_dir, evaluated_steps, vanished):
  """Lists the checkpoints of `checkpoint_dir` not evaluated yet, oldest first.

  Only checkpoints named in the `checkpoint` state file count: the saver
  names one there once its files are complete, so none is read half-written.

  Args:
    checkpoint_dir: The training folder.
    evaluated_steps: Global steps already evaluated.
    vanished: Paths found gone before they could be read; updated, and each
      is reported once.

  Returns:
    List of (global step, path) pairs.
  """
  state = tf.train.get_checkpoint_state(checkpoint_dir)
  if not state:
    return []
  found = []
  for path in (state.all_model_checkpoint_paths or
               [state.model_checkpoint_path]):
    if path in vanished:
      continue
    try:
      step = checkpoint_step(path)
    except (tf.errors.NotFoundError, tf.errors.DataLossError, ValueError):
      report_vanished(path, vanished)
      continue
    if step not in evaluated_steps:
      found.append((step, path))
  return sorted(found)


def read_scalars(event_dir, tag):
  """[(step, value)] of a scalar summary in the event files of a folder."""
  found = []
  if not tf.io.gfile.isdir(event_dir):
    return found
  for name in sorted(tf.io.gfile.listdir(event_dir)):
    if 'tfevents' not in name:
      continue
    events = tf.compat.v1.train.summary_iterator(
        os.path.join(event_dir, name))
    try:
      for event in events:
        for value in event.summary.value:
          if value.tag == tag:
            found.append((event.step, value.simple_value))
    except tf.errors.DataLossError:
      pass  # The last record is still being written (or was cut short).
  return found


def poll_checkpoints(checkpoint_dir, interval_secs, evaluate, done_steps):
  """Evaluates each new checkpoint of `checkpoint_dir` once, for ever.

  Says plainly when it is waiting. A checkpoint that vanished before it
  could be read (training keeps five) or that `evaluate` refuses with a
  CheckpointError is reported, skipped, and polling goes on.

  Args:
    checkpoint_dir: The training folder.
    interval_secs: Seconds between looks.
    evaluate: Called with each checkpoint's path.
    done_steps: Global steps not to evaluate (already done); updated.
  """
  vanished = set()
  waiting = False
  while True:
    pending = new_checkpoints(checkpoint_dir, done_steps, vanished)
    if not pending and not waiting:
      print('%s: waiting for a new checkpoint in %s (looking every %d s)'
            % (datetime.now(), checkpoint_dir, interval_secs))
      sys.stdout.flush()
    waiting = not pending
    for step, path in pending:
      try:
        evaluate(path)
      except CheckpointError as e:
        if tf.io.gfile.exists(path + '.index'):
          print('%s; skipping it.' % e)
          sys.stdout.flush()
        else:
          report_vanished(path, vanished)
      except (tf.errors.NotFoundError, tf.errors.DataLossError, ValueError):
        report_vanished(path, vanished)
      done_steps.add(step)
    time.sleep(interval_secs)


def report_vanished(path, vanished):
  """Says, once per path, that a listed checkpoint is gone."""
  if path not in vanished:
    vanished.add(path)
    print('Checkpoint %s was removed before it could be evaluated; skipping '
          'it.' % path)
    sys.stdout.flush()
