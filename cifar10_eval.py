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

"""Evaluation for CIFAR-10.

Accuracy:
cifar10_train.py achieves 83.0% accuracy after 100K steps (256 epochs
of data) as judged by cifar10_eval.py.

Speed:
On a single Tesla K40, cifar10_train.py processes a single batch of 128 images
in 0.25-0.35 sec (i.e. 350 - 600 images /sec). The model reaches ~86%
accuracy after 100K steps in 8 hours of training time.

System        | Evaluation speed        | One pass over the 10,000 test images
--------------------------------------------------------------------------
2 CPU cores * | 1,820 images/sec        | about 6 sec, 9 sec with start-up

* Intel Xeon with AVX-512 and AMX, no GPU; TensorFlow 2.21, oneDNN on;
  measured 2026-11-22 with benchmarks/benchmark.py (median of 6 windows,
  1,541-2,143 images/sec).

Usage:
Please see the tutorial and website for how to download the CIFAR-10
data set, compile the program and train the model.

  python cifar10_eval.py              # evaluates each new checkpoint
  python cifar10_eval.py --run_once   # evaluates the newest one, then exits

Each image of the evaluation set is counted exactly once (--num_examples of
them), with the moving-average values of the variables. Besides precision @ 1
it reports precision per class and the confusion matrix.
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

tf.compat.v1.flags.DEFINE_string(
    'eval_dir', '/tmp/cifar10_eval', 'Directory where to write event logs.')
tf.compat.v1.flags.DEFINE_enum(
    'eval_data', 'test', ['test', 'train_eval'],
    "Either 'test' (the 10,000 test images) or 'train_eval' (the training "
    "images).")
tf.compat.v1.flags.DEFINE_string(
    'checkpoint_dir', '/tmp/cifar10_train',
    'Directory where to read model checkpoints.')
tf.compat.v1.flags.DEFINE_integer(
    'eval_interval_secs', 60 * 5, 'How often to look for a new checkpoint.',
    lower_bound=0)
tf.compat.v1.flags.DEFINE_integer(
    'num_examples', 10000, 'Number of examples to run.', lower_bound=1)
tf.compat.v1.flags.DEFINE_boolean(
    'run_once', False, 'Whether to run eval only once.')


def checkpoint_step(checkpoint_path):
  """Returns the global step stored in a checkpoint."""
  return int(tf.train.load_variable(checkpoint_path, 'global_step'))


def confusion_matrix(labels, predictions):
  """Counts [true label, predicted label] pairs.

  Args:
    labels: int array [n] of true labels.
    predictions: int array [n] of predicted labels.

  Returns:
    int64 array [NUM_CLASSES, NUM_CLASSES]; row i counts the images of class
    i by predicted class.
  """
  matrix = np.zeros([cifar10.NUM_CLASSES, cifar10.NUM_CLASSES], np.int64)
  np.add.at(matrix, (labels, predictions), 1)
  return matrix


def confusion_image(matrix, cell=16):
  """Renders a confusion matrix as a PNG for TensorBoard.

  Each cell is a `cell` x `cell` square; its darkness is the fraction of the
  true class (row) given that prediction (column), so a good model shows a
  dark diagonal on white.

  Args:
    matrix: int array [NUM_CLASSES, NUM_CLASSES] from `confusion_matrix()`.
    cell: Side of a cell in pixels.

  Returns:
    A `Summary.Image` holding the encoded PNG.
  """
  rows = np.maximum(matrix.sum(axis=1, keepdims=True), 1)
  shade = np.rint(255 * (1 - matrix / rows)).astype(np.uint8)
  # White to dark blue: blue stays high while red and green fall.
  rgb = np.stack([shade, shade, 128 + shade // 2], axis=-1)
  rgb = np.repeat(np.repeat(rgb, cell, axis=0), cell, axis=1)
  with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
    png = sess.run(tf.io.encode_png(rgb))
  return tf.compat.v1.Summary.Image(height=rgb.shape[0], width=rgb.shape[1],
                                    colorspace=3, encoded_image_string=png)


def format_report(matrix, class_names):
  """Formats per-class precision and the confusion matrix for the console."""
  lines = ['precision @ 1 per class:']
  totals = matrix.sum(axis=1)
  for i, name in enumerate(class_names):
    if totals[i]:
      lines.append('  %-10s %.3f  (%d/%d)' % (name, matrix[i, i] / totals[i],
                                               matrix[i, i], totals[i]))
    else:
      lines.append('  %-10s   n/a  (no images)' % name)
  lines.append('confusion matrix (rows: true class, columns: predicted):')
  width = max(5, len(str(matrix.max())) + 1)
  lines.append(' ' * 12 + ''.join(n[:width - 1].rjust(width)
                                  for n in class_names))
  for i, name in enumerate(class_names):
    lines.append('  %-10s' % name + ''.join(str(c).rjust(width)
                                            for c in matrix[i]))
  return '\n'.join(lines)


def eval_once(saver, summary_writer, top_k_op, predictions_op, labels,
              summary_op, checkpoint_path, num_examples, class_names):
  """Run Eval once.

  Reads each image of the evaluation files at most once (the input queue
  runs for one epoch) and counts exactly `num_examples` of them.

  Args:
    saver: Saver that restores the moving-average values into the model.
    summary_writer: Summary writer.
    top_k_op: Top K op, bool [batch].
    predictions_op: int [batch], the top predicted class.
    labels: int [batch], the true classes.
    summary_op: Summary op.
    checkpoint_path: Checkpoint to evaluate.
    num_examples: Number of images to count; at most the images in the files.
    class_names: Names of the classes, in label order.

  Returns:
    Precision @ 1, a float.
  """
  global_step = checkpoint_step(checkpoint_path)
  with tf.compat.v1.Session() as sess:
    saver.restore(sess, checkpoint_path)
    # The epoch counter of the one-pass filename queue is a local variable.
    sess.run(tf.compat.v1.local_variables_initializer())

    # Start the queue runners.
    coord = tf.train.Coordinator()
    threads = tf.compat.v1.train.start_queue_runners(sess=sess, coord=coord)
    correct, seen_labels, seen_predictions = [], [], []
    count = 0
    summary = tf.compat.v1.Summary()
    try:
      # The summaries (input images, activations) come from the first batch:
      # after the last one, the one-pass queue has nothing left to give.
      hits, predicted, true, summary_str = sess.run(
          [top_k_op, predictions_op, labels, summary_op])
      summary.ParseFromString(summary_str)
      while True:
        take = min(len(hits), num_examples - count)
        correct.append(hits[:take])
        seen_predictions.append(predicted[:take])
        seen_labels.append(true[:take])
        count += take
        if count >= num_examples or coord.should_stop():
          break
        hits, predicted, true = sess.run([top_k_op, predictions_op, labels])
    except tf.errors.OutOfRangeError:
      pass  # Every record was read once: fewer images than asked for.
    finally:
      coord.request_stop()
      coord.join(threads, stop_grace_period_secs=10)

    correct = np.concatenate(correct)
    matrix = confusion_matrix(np.concatenate(seen_labels),
                              np.concatenate(seen_predictions))
    precision = float(correct.sum()) / count
    print('%s: precision @ 1 = %.3f' % (datetime.now(), precision))
    if count < num_examples:
      print('  (the evaluation files hold %d images, fewer than '
            '--num_examples=%d; all %d were counted once)'
            % (count, num_examples, count))
    print('  %d images from %s, step %d' % (count, checkpoint_path,
                                             global_step))
    print(format_report(matrix, class_names))
    sys.stdout.flush()

    summary.value.add(tag='Precision @ 1', simple_value=precision)
    totals = matrix.sum(axis=1)
    for i, name in enumerate(class_names):
      if totals[i]:
        summary.value.add(tag='precision_per_class/' + name,
                          simple_value=matrix[i, i] / totals[i])
    summary.value.add(tag='confusion_matrix', image=confusion_image(matrix))
    # The counts too, as a table in TensorBoard's text tab.
    table = [[''] + list(class_names)] + [
        [name] + [str(c) for c in row] for name, row in zip(class_names,
                                                           matrix)]
    counts = summary.value.add(tag='confusion_matrix_counts',
                               tensor=tf.make_tensor_proto(table))
    counts.metadata.plugin_data.plugin_name = 'text'
    summary_writer.add_summary(summary, global_step)
    summary_writer.flush()
  return precision


def _skip(path, skipped):
  """Says, once, that a listed checkpoint vanished before evaluation."""
  if path not in skipped:
    skipped.add(path)
    print('Checkpoint %s was removed before it could be evaluated; skipping '
          'it.' % path)
    sys.stdout.flush()


def _checkpoints_to_evaluate(evaluated_steps, skipped):
  """Lists checkpoints in --checkpoint_dir not yet evaluated, oldest first.

  Only checkpoints named in the `checkpoint` state file are listed: the saver
  names one there after its files are complete, so a half-written checkpoint
  is never read.

  Args:
    evaluated_steps: Global steps already evaluated.
    skipped: Paths found missing so far; updated.

  Returns:
    List of (global step, path) pairs.
  """
  state = tf.train.get_checkpoint_state(FLAGS.checkpoint_dir)
  if not state:
    return []
  found = []
  for path in state.all_model_checkpoint_paths or [state.model_checkpoint_path]:
    if path in skipped:
      continue
    try:
      step = checkpoint_step(path)
    except (tf.errors.NotFoundError, tf.errors.DataLossError, ValueError):
      _skip(path, skipped)
      continue
    if step not in evaluated_steps:
      found.append((step, path))
  return sorted(found)


def evaluate():
  """Eval CIFAR-10 for a number of steps."""
  with tf.Graph().as_default() as g:
    # Get images and labels for CIFAR-10.
    eval_data = FLAGS.eval_data == 'test'
    with tf.device('/cpu:0'):
      images, labels = cifar10.inputs(eval_data=eval_data, num_epochs=1)
    class_names = cifar10_input.read_class_names(cifar10.data_dir())

    # Build a Graph that computes the logits predictions from the
    # inference model.
    logits = cifar10.inference(images)

    # Calculate predictions.
    top_k_op = tf.nn.in_top_k(targets=labels, predictions=logits, k=1)
    predictions_op = tf.argmax(logits, axis=1, output_type=tf.int32)

    # Restore the moving average version of the learned variables for eval.
    variable_averages = tf.compat.v1.train.ExponentialMovingAverage(
        cifar10.MOVING_AVERAGE_DECAY)
    variables_to_restore = variable_averages.variables_to_restore()
    saver = tf.compat.v1.train.Saver(variables_to_restore)

    # Build the summary operation based on the TF collection of Summaries.
    summary_op = tf.compat.v1.summary.merge_all()

    summary_writer = tf.compat.v1.summary.FileWriter(FLAGS.eval_dir, g)

    def run(path):
      return eval_once(saver, summary_writer, top_k_op, predictions_op,
                       labels, summary_op, path, FLAGS.num_examples,
                       class_names)

    if FLAGS.run_once:
      path = tf.train.latest_checkpoint(FLAGS.checkpoint_dir)
      if not path:
        raise cifar10_input.DataError(
            'no checkpoint in %s: train first (cifar10_train.py), or point '
            '--checkpoint_dir at a train_dir' % FLAGS.checkpoint_dir)
      run(path)
      return

    evaluated_steps, skipped = set(), set()
    waiting = False
    while True:
      pending = _checkpoints_to_evaluate(evaluated_steps, skipped)
      if not pending and not waiting:
        print('%s: waiting for a new checkpoint in %s (looking every %d s)'
              % (datetime.now(), FLAGS.checkpoint_dir,
                 FLAGS.eval_interval_secs))
        sys.stdout.flush()
      waiting = not pending
      for step, path in pending:
        try:
          run(path)
        except (tf.errors.NotFoundError, tf.errors.DataLossError, ValueError):
          _skip(path, skipped)
        evaluated_steps.add(step)
      time.sleep(FLAGS.eval_interval_secs)


def main(argv=None):  # pylint: disable=unused-argument
  tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
  try:
    cifar10.make_output_dir(FLAGS.eval_dir, 'eval_dir')
    evaluate()
  except cifar10_input.DataError as e:
    sys.exit('%s: error: %s' % (os.path.basename(sys.argv[0]), e))


def run():
  """Console entry point `cifar10-eval`."""
  # absl (not tf.compat.v1.app) turns a bad flag value into one line.
  app.run(main)


if __name__ == '__main__':
  run()
