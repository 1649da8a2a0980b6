# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Measures the trained CIFAR-10 model: precision @ 1 on the test images.

  cifar10-eval              # beside training: each new checkpoint
  cifar10-eval --run_once   # the newest checkpoint, then exit
  cifar10-eval --checkpoint_path=/tmp/cifar10_train/model.ckpt-5000

Every image of the evaluation files counts exactly once (--num_examples of
them), with the weights' moving averages in place of the weights. It prints,
and writes to TensorBoard, precision @ 1, each class's and the confusion
matrix (cifar10_report.py).

  machine                          images/sec   one pass over 10,000 images
  AMD EPYC with AVX-512 (Zen 4),   2,230-3,100  3-5 s, after a few of
    2 cores                                     start-up
"""

import cifar10_prepare

cifar10_prepare.load_tensorflow()  # Its settings first; then it loads quietly.

# pylint: disable=g-import-not-at-top,wrong-import-position
from datetime import datetime
import sys

from absl import app
import numpy as np
import tensorflow as tf

import cifar10
import cifar10_checkpoints
import cifar10_flags
import cifar10_report
import cifar10_runtime

FLAGS = tf.compat.v1.flags.FLAGS
cifar10_flags.define_reader_flags()

tf.compat.v1.flags.DEFINE_string(
    'eval_dir', '/tmp/cifar10_eval',
    'Folder for the TensorBoard event files of evaluation.')
tf.compat.v1.flags.DEFINE_enum(
    'eval_data', 'test', ['test', 'train_eval'],
    '"test" evaluates on the 10,000 test images, "train_eval" on the '
    'training images.')
tf.compat.v1.flags.DEFINE_integer(
    'eval_interval_secs', 60 * 5,
    'Seconds between looks for a new checkpoint.', lower_bound=0)
tf.compat.v1.flags.DEFINE_integer(
    'num_examples', 10000, 'Images to count, each once.', lower_bound=1)
tf.compat.v1.flags.DEFINE_boolean(
    'run_once', False,
    'Evaluate the newest checkpoint once and exit, instead of evaluating '
    'each new one as training writes it. --checkpoint_path implies it.')


def eval_once(saver, summary_writer, top_k_op, predictions_op, labels,
              summary_op, checkpoint_path, num_examples, class_names):
  """Evaluates one checkpoint over one pass of the evaluation files.

  Args:
    saver: Restores the moving averages into the model's variables.
    summary_writer: Writes to --eval_dir.
    top_k_op, predictions_op, labels: Tensors [batch]: whether the top class
      is the label (bool), the top class and the label (int32).
    summary_op: The graph's summaries, written from the first batch.
    checkpoint_path: The checkpoint to evaluate.
    num_examples: Images to count; fewer if the files hold fewer.
    class_names: The class names, in label order.

  Returns:
    Precision @ 1, a float.
  """
  global_step = cifar10_checkpoints.checkpoint_step(checkpoint_path)
  with tf.compat.v1.Session() as sess:
    saver.restore(sess, checkpoint_path)
    sess.run(tf.compat.v1.local_variables_initializer())  # Epoch counter.
    coord = tf.train.Coordinator()
    threads = tf.compat.v1.train.start_queue_runners(sess=sess, coord=coord)
    hits, truths, guesses = [], [], []
    count = 0
    summary = tf.compat.v1.Summary()
    try:
      # Image and activation summaries from the first batch: the one-pass
      # queue has nothing left to show after the last.
      batch = sess.run([top_k_op, labels, predictions_op, summary_op])
      summary.ParseFromString(batch.pop())
      while True:
        take = min(len(batch[0]), num_examples - count)
        for kept, values in zip((hits, truths, guesses), batch):
          kept.append(values[:take])
        count += take
        if count >= num_examples or coord.should_stop():
          break
        batch = sess.run([top_k_op, labels, predictions_op])
    except tf.errors.OutOfRangeError:
      pass  # Each record was read once: the files hold fewer images.
    finally:
      coord.request_stop()
      coord.join(threads, stop_grace_period_secs=10)

  precision = float(np.concatenate(hits).sum()) / count
  matrix = cifar10_report.confusion_matrix(
      np.concatenate(truths), np.concatenate(guesses), len(class_names))
  print('%s: precision @ 1 = %.3f' % (datetime.now(), precision))
  if count < num_examples:
    print('  (the evaluation files hold %d images, fewer than '
          '--num_examples=%d; all %d were counted once)'
          % (count, num_examples, count))
  print('  %d images from %s, step %d' % (count, checkpoint_path, global_step))
  print(cifar10_report.format_report(matrix, class_names))
  sys.stdout.flush()
  cifar10_report.add_report_summaries(summary, precision, matrix, class_names)
  summary_writer.add_summary(summary, global_step)
  summary_writer.flush()
  return precision


def evaluate(data):
  """Evaluates the newest checkpoint (--run_once), or each new one, on a
  `cifar10.DataSet`."""
  with tf.Graph().as_default() as graph:
    with tf.device('/cpu:0'):
      images, labels = cifar10.inputs(eval_data=FLAGS.eval_data == 'test',
                                      data=data, num_epochs=1)
    class_names = data.class_names
    logits = cifar10.inference(images, data.num_classes)
    top_k_op = tf.nn.in_top_k(targets=labels, predictions=logits, k=1)
    predictions_op = tf.argmax(logits, axis=1, output_type=tf.int32)

    # Load each variable from its moving average: the shadow weights.
    variable_averages = tf.compat.v1.train.ExponentialMovingAverage(
        cifar10.MOVING_AVERAGE_DECAY)
    var_map = variable_averages.variables_to_restore()
    saver = tf.compat.v1.train.Saver(var_map)
    summary_op = tf.compat.v1.summary.merge_all()
    summary_writer = tf.compat.v1.summary.FileWriter(FLAGS.eval_dir, graph)

    def evaluate_checkpoint(path):
      # Never a precision for weights that do not fit the model.
      problem = cifar10_checkpoints.checkpoint_problem(path, var_map)
      if problem:
        raise cifar10_checkpoints.CheckpointError(
            'cannot evaluate %s: %s. Point --checkpoint_dir at a training of '
            'this model' % (path, problem))
      return eval_once(saver, summary_writer, top_k_op, predictions_op,
                       labels, summary_op, path, FLAGS.num_examples,
                       class_names)

    if FLAGS.run_once or FLAGS.checkpoint_path:
      evaluate_checkpoint(cifar10_checkpoints.checkpoint_to_read(
          FLAGS.checkpoint_dir, FLAGS.checkpoint_path))
      return

    # Each new checkpoint once, skipping those it cannot use; a restarted
    # evaluator goes on after the steps --eval_dir already holds.
    cifar10_checkpoints.poll_checkpoints(
        FLAGS.checkpoint_dir, FLAGS.eval_interval_secs, evaluate_checkpoint,
        done_steps=cifar10_checkpoints.evaluation_times(FLAGS.eval_dir))


def main(argv=None):
  del argv  # Unused: absl has parsed the flags.
  with cifar10_runtime.clean_exit():
    cifar10_checkpoints.check_reader_flags()
    cifar10_prepare.make_output_dir(FLAGS.eval_dir, 'eval_dir')
    with cifar10_runtime.folder_lock(FLAGS.eval_dir, 'eval_dir', 'evaluator',
                                     cifar10_runtime.EVAL_LOCK_FILE):
      evaluate(cifar10.data_set())


# What --help shows: how to call the command, and its flags by group.
USAGE = 'cifar10-eval [flags]'
HELP_GROUPS = (('Evaluation', 'cifar10_eval'),
               ('Checkpoint', 'cifar10_flags'), ('Model', 'cifar10'),
               ('Input', 'cifar10_input'), ('Data', 'cifar10_data'))


def run():
  """Console entry point `cifar10-eval`."""
  app.run(main, flags_parser=cifar10_flags.parser(
      USAGE, __doc__, HELP_GROUPS))


if __name__ == '__main__':
  run()
