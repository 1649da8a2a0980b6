# Copyright 2015 The TensorFlow Authors. All Rights Reserved.
# Copyright 2026 The cifar10 suite authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.
# ==============================================================================

"""A binary to train CIFAR-10 using a single GPU.

Accuracy:
cifar10_train.py achieves ~86% accuracy after 100K steps (256 epochs of
data) as judged by cifar10_eval.py.

Speed: With batch_size 128.

System        | Step Time (sec/batch)  |     Accuracy
------------------------------------------------------------------
1 Tesla K20m  | 0.35-0.60              | ~86% at 60K steps  (5 hours)
1 Tesla K40m  | 0.25-0.35              | ~86% at 100K steps (4 hours)
2 CPU cores * | 0.12 (1,080 images/sec)| 60.3% at 1K steps (2.2 min)
              |                        | 72.3% at 3K steps (8-10 min)

* Intel Xeon with AVX-512 and AMX, no GPU; TensorFlow 2.21, the suite's
  defaults (oneDNN on, 2 preprocessing threads); measured 2026-11-22 with
  benchmarks/benchmark.py (full step 1,078 images/sec, 0.98 of the same
  graph fed from memory; the same network as a TF2 tf.function step: 917).
  The K20m/K40m rows are the original tutorial's. Run the benchmark to
  measure your machine.

Usage:
Please see the tutorial and website for how to download the CIFAR-10
data set, compile the program and train the model.

  python cifar10_train.py                      # real data, downloaded once
  python cifar10_train.py --fake_data --max_steps=300 \
      --min_fraction_of_examples_in_queue=0.05  # offline demo

Running it again continues from the newest checkpoint in --train_dir;
--fresh_start is the only way anything there is deleted.
"""
from __future__ import absolute_import
from __future__ import division
from __future__ import print_function

from datetime import datetime
import fcntl
import os
import signal
import socket
import sys
import threading
import time

# Keep the console readable: TensorFlow's C++ info and warning lines (such as
# "Enqueue operation was cancelled" when the queues close) stay hidden unless
# TF_CPP_MIN_LOG_LEVEL says otherwise. Must be set before TensorFlow loads.
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
# oneDNN kernels: TensorFlow turns them on by itself only on some CPUs, and
# they made the training step 2 to 2.5 times faster on CPUs (see the README's
# Speed section). An explicit TF_ENABLE_ONEDNN_OPTS=0 still turns them off.
os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '1')

from absl import app
import numpy as np
import tensorflow as tf

import cifar10
import cifar10_input

FLAGS = tf.compat.v1.flags.FLAGS

# Where and how long to train.
tf.compat.v1.flags.DEFINE_string(
    'train_dir', '/tmp/cifar10_train',
    'Directory where to write event logs and checkpoints.')
tf.compat.v1.flags.DEFINE_integer(
    'max_steps', 1000000, 'Number of batches to run.', lower_bound=0)
tf.compat.v1.flags.DEFINE_boolean(
    'fresh_start', False,
    'Delete everything in --train_dir and train from step 0. Without it, '
    'training resumes from the newest checkpoint there.')

# What to print and save, and how often.
tf.compat.v1.flags.DEFINE_boolean(
    'log_device_placement', False, 'Whether to log device placement.')
tf.compat.v1.flags.DEFINE_integer(
    'log_frequency', 10, 'How often to log results to the console.',
    lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'save_checkpoint_secs', 600,
    'Seconds between checkpoints; one is also written at the last step.',
    lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'save_summaries_steps', 100,
    'Steps between TensorBoard summaries.', lower_bound=1)


# The file in --train_dir that marks it as in use by a trainer.
LOCK_FILE = 'trainer.lock'


class TrainingError(RuntimeError):
  """Training stopped early; the message says why, where the checkpoint is,
  and what to do."""


class LoggerHook(tf.compat.v1.train.SessionRunHook):
  """Logs loss and runtime every --log_frequency steps, by global step.

  The step printed is the global step at which the logged batch ran, so a
  resumed run goes on counting where the checkpoint left off.
  """

  def __init__(self, step_after, loss, examples_per_step, num_towers=1):
    """Creates the hook.

    Args:
      step_after: The global step, read after the step's update.
      loss: Scalar loss tensor to print.
      examples_per_step: Images consumed per step, over all towers.
      num_towers: Towers per step; sec/batch is step time over towers.
    """
    self._step_after = step_after
    self._loss = loss
    self._examples_per_step = examples_per_step
    self._num_towers = num_towers

  def begin(self):
    self._last_time = None
    self._last_step = None

  def before_run(self, run_context):
    if self._last_time is None:
      self._last_time = time.time()
    return tf.compat.v1.train.SessionRunArgs([self._step_after, self._loss])

  def after_run(self, run_context, run_values):
    step_after, loss_value = run_values.results
    step = step_after - 1
    # A worker of synchronous distributed training can run twice within one
    # global step (it then computes another worker's share): log it once.
    if step % FLAGS.log_frequency or step == self._last_step:
      return
    current_time = time.time()
    steps = step - self._last_step if self._last_step is not None else 1
    duration = current_time - self._last_time
    self._last_time = current_time
    self._last_step = step

    examples_per_sec = self._examples_per_step * steps / duration
    sec_per_batch = float(duration / steps / self._num_towers)

    format_str = ('%s: step %d, loss = %.2f (%.1f examples/sec; %.3f '
                  'sec/batch)')
    print(format_str % (datetime.now(), step, loss_value,
                        examples_per_sec, sec_per_batch))
    sys.stdout.flush()


class NanLossHook(tf.compat.v1.train.SessionRunHook):
  """Stops training at the first non-finite loss, naming the step.

  It must come before the checkpoint saver in the hook list, so that the
  diverged weights of that step are never saved over a good checkpoint.
  """

  def __init__(self, step_after, loss):
    self._step_after = step_after
    self._loss = loss

  def before_run(self, run_context):
    return tf.compat.v1.train.SessionRunArgs([self._step_after, self._loss])

  def after_run(self, run_context, run_values):
    step_after, loss_value = run_values.results
    if not np.isfinite(loss_value):
      raise _diverged(step_after - 1)


def _diverged(step):
  """Unlists the checkpoints that hold diverged weights; returns the error.

  The loss of step N is computed from the weights saved as checkpoint N, so
  checkpoints from step N on are dropped from the `checkpoint` state file
  (their files stay on disk): the next run resumes from the last good one.

  Args:
    step: The global step whose loss was not finite.

  Returns:
    TrainingError naming the step, the checkpoint kept and what to try.
  """
  train_dir = FLAGS.train_dir
  state = tf.train.get_checkpoint_state(train_dir)
  listed = list(state.all_model_checkpoint_paths) if state else []
  good = [path for path in listed
          if int(tf.train.load_variable(path, 'global_step')) < step]
  if good != listed:
    if good:
      tf.compat.v1.train.update_checkpoint_state(
          train_dir, good[-1], all_model_checkpoint_paths=good)
    else:
      tf.io.gfile.remove(os.path.join(train_dir, 'checkpoint'))
  return TrainingError(
      'the loss became NaN at step %d; the last good checkpoint (%s) is '
      'kept, and a new run resumes from it. Lower the learning rate '
      '(INITIAL_LEARNING_RATE in cifar10.py), or check the data.'
      % (step, good[-1] if good else 'none: a new run starts over'))


class StopHook(tf.compat.v1.train.SessionRunHook):
  """Lets a signal stop training cleanly, and saves on demand.

  `request_stop()` asks the coordinator to stop: the queue threads close
  their queues, a step waiting for data returns, and the monitored session
  ends normally, so the checkpoint saver writes the current step.
  """

  def __init__(self, saver, global_step):
    self._saver = saver
    self._global_step = global_step
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
    """The global step now, or -1 before a session exists."""
    if self._session is None:
      return -1
    return int(self._session.run(self._global_step))

  def save(self):
    """Saves a checkpoint now; returns its path, or None before a session."""
    if self._session is None:
      return None
    return self._saver.save(
        self._session, os.path.join(FLAGS.train_dir, 'model.ckpt'),
        global_step=self._global_step)


def lock_train_dir(train_dir):
  """Takes the trainer's lock on `train_dir` for the life of this process.

  The lock is an advisory `flock`, which the system drops when the process
  ends however it ends, so a trainer killed with SIGKILL leaves no stale lock.

  Args:
    train_dir: A local directory that exists.

  Returns:
    The open lock file; keep it open while training.

  Raises:
    cifar10_input.DataError: another live process holds the lock.
  """
  lock = open(os.path.join(train_dir, LOCK_FILE), 'a+')
  try:
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
  except OSError:
    lock.seek(0)
    owner = lock.read().strip() or 'another process'
    lock.close()
    raise cifar10_input.DataError(
        '--train_dir=%s is in use by another trainer (%s): wait for it to '
        'finish, stop it, or choose another --train_dir'
        % (train_dir, owner))
  lock.seek(0)
  lock.truncate()
  lock.write('pid %d on %s\n' % (os.getpid(), socket.gethostname()))
  lock.flush()
  return lock


def prepare_train_dir():
  """Locks --train_dir (which exists), empties it on --fresh_start, and
  finds the checkpoint to resume from.

  Returns:
    lock: The open lock file (None for a remote --train_dir, such as gs://).
    step: Global step of the newest checkpoint in --train_dir, or 0.

  Raises:
    cifar10_input.DataError: another trainer uses --train_dir.
  """
  train_dir = FLAGS.train_dir
  lock = None if '://' in train_dir else lock_train_dir(train_dir)
  # A trainer killed while saving leaves the save's temporary folder behind
  # (the previous checkpoint is intact). With the lock held, no save of ours
  # is under way: remove them.
  for name in tf.io.gfile.listdir(train_dir) if lock else []:
    path = os.path.join(train_dir, name)
    if name.rstrip('/').endswith('_temp') and tf.io.gfile.isdir(path):
      print('Removing %s, left by a save that did not finish.' % path)
      tf.io.gfile.rmtree(path)
  if FLAGS.fresh_start:
    print('--fresh_start: deleting the contents of %s' % train_dir)
    for name in tf.io.gfile.listdir(train_dir):
      path = os.path.join(train_dir, name)
      if name == LOCK_FILE:
        continue
      if tf.io.gfile.isdir(path):
        tf.io.gfile.rmtree(path)
      else:
        tf.io.gfile.remove(path)
  checkpoint = tf.train.latest_checkpoint(train_dir)
  if checkpoint is None:
    return lock, 0
  step = int(tf.train.load_variable(checkpoint, 'global_step'))
  print('Resuming from %s at step %d.' % (checkpoint, step))
  return lock, step


class Interrupted(Exception):
  """SIGTERM or SIGINT arrived where no clean stop was possible: before
  training started, or in a trainer without a StopHook."""

  def __init__(self, signum):
    super(Interrupted, self).__init__(signal.Signals(signum).name)
    self.signum = signum


# The StopHook of the training under way, which a signal asks to stop.
_active = {'stop_hook': None}


def _on_signal(signum, unused_frame):
  """SIGTERM/SIGINT: stop cleanly, saving the current step.

  Before training starts there is nothing to save: raise, and exit. During
  training, ask the StopHook to stop; a second signal exits at once (the last
  checkpoint is still on disk).
  """
  stop_hook = _active['stop_hook']
  if stop_hook is None:
    raise Interrupted(signum)
  if stop_hook.signum is not None:
    os._exit(128 + signum)  # pylint: disable=protected-access
  print('\n%s received: saving a checkpoint and stopping (send it again to '
        'quit at once).' % signal.Signals(signum).name)
  sys.stdout.flush()
  stop_hook.request_stop(signum)


def _run_interruptibly(fn, stop_hook):
  """Runs `fn` in a thread while the main thread waits for signals.

  Python runs signal handlers in the main thread only between bytecodes, so a
  main thread blocked in `Session.run` (filling the queue takes minutes)
  would not react to SIGTERM. Here the main thread only waits, and reacts at
  once.
  """
  outcome = {}

  def target():
    try:
      fn()
    except BaseException as e:  # pylint: disable=broad-except
      outcome['error'] = e

  thread = threading.Thread(target=target, name='training')
  _active['stop_hook'] = stop_hook
  try:
    thread.start()
    while thread.is_alive():
      thread.join(0.2)
  finally:
    _active['stop_hook'] = None
  if 'error' in outcome:
    raise outcome['error']


def _failure(error, stop_hook):
  """Saves what can be saved after a failed step; returns a TrainingError."""
  message = (error.message or str(error)).strip().splitlines()[0]
  if 'Nan in summary histogram' in message:
    try:
      return _diverged(stop_hook.current_step())
    except RuntimeError:  # The session is closed.
      return _diverged(-1)
  try:
    stop_hook.save()
  except (tf.errors.OpError, OSError, ValueError, RuntimeError):
    pass  # The session is closed (its last step was saved), or the disk
    # refuses: the newest complete checkpoint is what is left.
  checkpoint = tf.train.latest_checkpoint(FLAGS.train_dir)
  if checkpoint:
    where = 'the newest checkpoint is %s (step %d)' % (
        checkpoint, int(tf.train.load_variable(checkpoint, 'global_step')))
  else:
    where = 'no checkpoint was written'
  return TrainingError(
      'training failed (%s: %s); %s. Fix the cause (the data files, the '
      'space or permissions of --train_dir), then run again to resume.'
      % (type(error).__name__, message, where))


def run_training(train_op, loss, examples_per_step, num_towers=1,
                 save_checkpoint_steps=None, summary_op=None):
  """Runs `train_op` in a monitored session until --max_steps.

  The session restores the newest checkpoint in --train_dir, writes
  summaries every --save_summaries_steps, checkpoints every
  --save_checkpoint_secs (or every `save_checkpoint_steps`) and at the last
  step. It stops cleanly on SIGTERM or Ctrl-C (saving the current step), and
  with a TrainingError on a NaN loss (keeping the last good checkpoint) or a
  failed step (saving the current one when it can).

  Args:
    train_op: Op for one training step.
    loss: Scalar loss tensor, logged and checked for NaN.
    examples_per_step: Images consumed per step, over all towers.
    num_towers: Towers per step, for the sec/batch figure.
    save_checkpoint_steps: If set, checkpoint every this many steps instead
      of every --save_checkpoint_secs.
    summary_op: The summaries to write; all of the graph's if None.

  Raises:
    TrainingError: training stopped early; the message says what to do.
    cifar10_input.DataError: --train_dir cannot be used.
  """
  lock, start_step = prepare_train_dir()
  if start_step >= FLAGS.max_steps:
    print('%s is already at step %d, not below --max_steps=%d: nothing to '
          'do. Raise --max_steps to train further.'
          % (FLAGS.train_dir, start_step, FLAGS.max_steps))
    return
  global_step = tf.compat.v1.train.get_global_step()
  with tf.control_dependencies([train_op]):
    step_after = tf.identity(global_step.read_value())
  # The monitored session's default saver, made here so that a failed step
  # can still be saved with it.
  saver = tf.compat.v1.train.Saver(sharded=True, max_to_keep=5,
                                   keep_checkpoint_every_n_hours=10000.0,
                                   save_relative_paths=True)
  scaffold = tf.compat.v1.train.Scaffold(saver=saver, summary_op=summary_op)
  stop_hook = StopHook(saver, global_step)
  if save_checkpoint_steps:
    every = dict(save_steps=save_checkpoint_steps)
  else:
    every = dict(save_secs=FLAGS.save_checkpoint_secs)
  hooks = [tf.compat.v1.train.StopAtStepHook(last_step=FLAGS.max_steps),
           NanLossHook(step_after, loss),  # Before the saver: see its doc.
           tf.compat.v1.train.CheckpointSaverHook(
               FLAGS.train_dir, scaffold=scaffold, **every),
           LoggerHook(step_after, loss, examples_per_step, num_towers),
           stop_hook]
  config = tf.compat.v1.ConfigProto(
      allow_soft_placement=True,
      log_device_placement=FLAGS.log_device_placement)

  graph = tf.compat.v1.get_default_graph()
  failure = []

  def loop():
    # The default graph is per thread: name this one in the training thread.
    with graph.as_default():
      try:
        with tf.compat.v1.train.MonitoredTrainingSession(
            checkpoint_dir=FLAGS.train_dir,
            scaffold=scaffold,
            hooks=hooks,
            save_checkpoint_secs=None,
            save_checkpoint_steps=None,
            save_summaries_steps=FLAGS.save_summaries_steps,
            log_step_count_steps=None,
            config=config) as mon_sess:
          try:
            while not mon_sess.should_stop():
              mon_sess.run(train_op)
          except tf.errors.OpError as e:
            if stop_hook.signum is None:
              failure.append(_failure(e, stop_hook))
              raise failure[0]
      except tf.errors.OpError as e:
        # Closing re-raises a queue thread's error: report the first failure.
        raise failure[0] if failure else _failure(e, stop_hook)

  try:
    _run_interruptibly(loop, stop_hook)
  finally:
    if lock is not None:
      lock.close()
  checkpoint = tf.train.latest_checkpoint(FLAGS.train_dir)
  if stop_hook.signum is not None:
    print('Stopped by %s; checkpoint saved: %s'
          % (signal.Signals(stop_hook.signum).name, checkpoint))
    sys.stdout.flush()
    sys.exit(128 + stop_hook.signum)
  print('Stopped at step %d; checkpoint saved: %s'
        % (FLAGS.max_steps, checkpoint))


def train():
  """Train CIFAR-10 for a number of steps."""
  with tf.Graph().as_default():
    global_step = tf.compat.v1.train.get_or_create_global_step()

    # Get images and labels for CIFAR-10.
    # Force input pipeline to CPU:0 to avoid operations sometimes ending up on
    # GPU and resulting in a slow down.
    with tf.device('/cpu:0'):
      images, labels = cifar10.distorted_inputs()

    # Build a Graph that computes the logits predictions from the
    # inference model.
    logits = cifar10.inference(images)

    # Calculate loss.
    loss = cifar10.loss(logits, labels)

    # Build a Graph that trains the model with one batch of examples and
    # updates the model parameters.
    train_op = cifar10.train(loss, global_step)

    run_training(train_op, loss, examples_per_step=FLAGS.batch_size)


def run_script(train_fn, writes_train_dir=True):
  """Fetches the data and trains; known failures end in one line.

  Shared by the training scripts: bad data or a NaN loss exits with status 1
  and a line saying what to do, not a traceback; SIGTERM and Ctrl-C stop
  training cleanly, saving the current step, and exit with 128 + signal.

  Args:
    train_fn: Builds the graph and trains, such as `train`.
    writes_train_dir: Whether this process writes --train_dir (a
      distributed worker other than the chief does not), which is then
      checked before any work starts.
  """
  tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
  script = os.path.basename(sys.argv[0])
  previous = {s: signal.signal(s, _on_signal)
              for s in (signal.SIGTERM, signal.SIGINT)}
  try:
    if writes_train_dir:
      cifar10.make_output_dir(FLAGS.train_dir, 'train_dir')
    cifar10.maybe_download_and_extract()
    train_fn()
  except (cifar10_input.DataError, TrainingError) as e:
    sys.exit('%s: error: %s' % (script, e))
  except tf.compat.v1.train.NanLossDuringTrainingError:
    sys.exit('%s: error: the loss became NaN. Lower the learning rate '
             '(INITIAL_LEARNING_RATE in cifar10.py), or check the data.'
             % script)
  except Interrupted as e:
    print('Stopped by %s; nothing was saved since the newest checkpoint in '
          '%s.' % (e, FLAGS.train_dir))
    sys.exit(128 + e.signum)
  finally:
    for s, handler in previous.items():
      signal.signal(s, handler)


def main(argv=None):  # pylint: disable=unused-argument
  run_script(train)


def run():
  """Console entry point `cifar10-train`."""
  # absl (not tf.compat.v1.app) turns a bad flag value into one line.
  app.run(main)


if __name__ == '__main__':
  run()
