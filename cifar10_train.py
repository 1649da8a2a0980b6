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
import os
import sys
import time

# Keep the console readable: TensorFlow's C++ info and warning lines (such as
# "Enqueue operation was cancelled" when the queues close) stay hidden unless
# TF_CPP_MIN_LOG_LEVEL says otherwise. Must be set before TensorFlow loads.
os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')

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


class LoggerHook(tf.compat.v1.train.SessionRunHook):
  """Logs loss and runtime every --log_frequency steps, by global step.

  The step printed is the global step at which the logged batch ran, so a
  resumed run goes on counting where the checkpoint left off.
  """

  def __init__(self, train_op, loss, examples_per_step, num_towers=1):
    """Creates the hook.

    Args:
      train_op: The op run each step; the step is read after it.
      loss: Scalar loss tensor to print.
      examples_per_step: Images consumed per step, over all towers.
      num_towers: Towers per step; sec/batch is step time over towers.
    """
    with tf.control_dependencies([train_op]):
      self._step_after = tf.identity(
          tf.compat.v1.train.get_global_step().read_value())
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


def prepare_train_dir():
  """Empties --train_dir on --fresh_start; reports what a run resumes from.

  Returns:
    Global step of the newest checkpoint in --train_dir, or 0.
  """
  if FLAGS.fresh_start and tf.io.gfile.exists(FLAGS.train_dir):
    print('--fresh_start: deleting %s' % FLAGS.train_dir)
    tf.io.gfile.rmtree(FLAGS.train_dir)
  tf.io.gfile.makedirs(FLAGS.train_dir)
  checkpoint = tf.train.latest_checkpoint(FLAGS.train_dir)
  if checkpoint is None:
    return 0
  step = int(tf.train.load_variable(checkpoint, 'global_step'))
  print('Resuming from %s at step %d.' % (checkpoint, step))
  return step


def run_training(train_op, loss, examples_per_step, num_towers=1,
                 save_checkpoint_steps=None, scaffold=None):
  """Runs `train_op` in a monitored session until --max_steps.

  The session restores the newest checkpoint in --train_dir, writes
  summaries every --save_summaries_steps, checkpoints every
  --save_checkpoint_secs (or every `save_checkpoint_steps`) and at the last
  step, and stops on a NaN loss.

  Args:
    train_op: Op for one training step.
    loss: Scalar loss tensor, logged and checked for NaN.
    examples_per_step: Images consumed per step, over all towers.
    num_towers: Towers per step, for the sec/batch figure.
    save_checkpoint_steps: If set, checkpoint every this many steps instead
      of every --save_checkpoint_secs.
    scaffold: Optional `Scaffold`, for instance with the summary op to run.
  """
  start_step = prepare_train_dir()
  if start_step >= FLAGS.max_steps:
    print('%s is already at step %d, not below --max_steps=%d: nothing to '
          'do. Raise --max_steps to train further.'
          % (FLAGS.train_dir, start_step, FLAGS.max_steps))
    return
  if save_checkpoint_steps:
    save = dict(save_checkpoint_steps=save_checkpoint_steps,
                save_checkpoint_secs=None)
  else:
    save = dict(save_checkpoint_secs=FLAGS.save_checkpoint_secs)
  config = tf.compat.v1.ConfigProto(
      allow_soft_placement=True,
      log_device_placement=FLAGS.log_device_placement)
  hooks = [tf.compat.v1.train.StopAtStepHook(last_step=FLAGS.max_steps),
           tf.compat.v1.train.NanTensorHook(loss),
           LoggerHook(train_op, loss, examples_per_step, num_towers)]
  with tf.compat.v1.train.MonitoredTrainingSession(
      checkpoint_dir=FLAGS.train_dir,
      scaffold=scaffold,
      hooks=hooks,
      save_summaries_steps=FLAGS.save_summaries_steps,
      log_step_count_steps=None,
      config=config,
      **save) as mon_sess:
    while not mon_sess.should_stop():
      mon_sess.run(train_op)
  print('Stopped at step %d; checkpoint in %s.'
        % (FLAGS.max_steps, FLAGS.train_dir))


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


def run_script(train_fn):
  """Fetches the data and trains; known failures end in one line.

  Shared by the training scripts: bad data or a NaN loss exits with status 1
  and a line saying what to do, not a traceback.

  Args:
    train_fn: Builds the graph and trains, such as `train`.
  """
  tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
  script = os.path.basename(sys.argv[0])
  try:
    cifar10.maybe_download_and_extract()
    train_fn()
  except cifar10_input.DataError as e:
    sys.exit('%s: error: %s' % (script, e))
  except tf.compat.v1.train.NanLossDuringTrainingError:
    sys.exit('%s: error: the loss became NaN; the last good checkpoint in %s '
             'is kept. Lower the learning rate, or check the data.'
             % (script, FLAGS.train_dir))


def main(argv=None):  # pylint: disable=unused-argument
  run_script(train)


def run():
  """Console entry point `cifar10-train`."""
  tf.compat.v1.app.run(main)


if __name__ == '__main__':
  run()
