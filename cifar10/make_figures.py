# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Renders the walkthrough's figures from the event files of a real run.

Reads the summaries that cifar10_train.py and cifar10_eval.py wrote, builds
one batch of distorted training inputs with cifar10_input.py, and writes PNG
figures into --figures_dir (default: the `figures` folder beside this file):

  total_loss.png        total loss, raw and moving-averaged, over steps
  learning_rate.png     the learning-rate schedule
  precision.png         precision @ 1 of each evaluated checkpoint
  precision.csv         the same curve as numbers: step, precision @ 1
  inputs.png            a grid of distorted training inputs
  confusion_matrix.png  the newest evaluation's confusion matrix

Needs matplotlib (`pip install '.[plot]'`); the suite itself does not.

Usage, from the top of the checkout:

  python cifar10/make_figures.py --train_dir=/tmp/cifar10_train \\
      --eval_dir=/tmp/cifar10_eval --data_dir=/tmp/cifar10_data

  python cifar10/make_figures.py --from_curve   # precision.png again, from
                                                # precision.csv alone
"""

import os
import sys

# This folder is not a package: find the suite's modules one level up.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# pylint: disable=g-import-not-at-top,wrong-import-position
import cifar10_prepare

cifar10_prepare.load_tensorflow()  # Its settings first; then it loads quietly.

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from absl import app
import numpy as np
import tensorflow as tf

import cifar10
import cifar10_input

FLAGS = tf.compat.v1.flags.FLAGS

tf.compat.v1.flags.DEFINE_string(
    'train_dir', '/tmp/cifar10_train',
    'The training folder whose event files to read.')
tf.compat.v1.flags.DEFINE_string(
    'eval_dir', '/tmp/cifar10_eval',
    'The evaluation folder whose event files to read.')
tf.compat.v1.flags.DEFINE_string(
    'figures_dir', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                'figures'),
    'Directory where to write the PNG figures.')
tf.compat.v1.flags.DEFINE_boolean(
    'from_curve', False,
    'Draw precision.png from the precision.csv in --figures_dir, and '
    'nothing else: no event files, data or training needed.')

CURVE_FILE = 'precision.csv'
CURVE_HEADER = 'step,precision_at_1'


def read_events(event_dir):
  """Reads every summary value of the event files in a folder.

  Returns:
    {tag: [(step, Summary.Value)]}, in file order.
  """
  found = {}
  for name in sorted(tf.io.gfile.listdir(event_dir)):
    if 'tfevents' not in name:
      continue
    for event in tf.compat.v1.train.summary_iterator(
        os.path.join(event_dir, name)):
      for value in event.summary.value:
        found.setdefault(value.tag, []).append((event.step, value))
  return found


def _scalars(events, tag):
  points = sorted({step: value.simple_value
                   for step, value in events.get(tag, [])}.items())
  if not points:
    raise ValueError('no %r summaries in the event files: was the run made '
                     'by this suite?' % tag)
  return zip(*points)


def _save(fig, name):
  path = os.path.join(FLAGS.figures_dir, name)
  fig.savefig(path, dpi=100, bbox_inches='tight')
  plt.close(fig)
  print('wrote', path)


def plot_losses(train_events):
  fig, ax = plt.subplots(figsize=(6, 3.5))
  steps, raw = _scalars(train_events, 'total_loss (raw)')
  ax.plot(steps, raw, '.', alpha=0.5, label='total_loss (raw)')
  steps, averaged = _scalars(train_events, 'total_loss')
  ax.plot(steps, averaged, label='total_loss (moving average)')
  ax.set_xlabel('step')
  ax.set_ylabel('loss')
  ax.set_title('Total loss: cross entropy plus weight decay')
  ax.legend()
  _save(fig, 'total_loss.png')


def plot_learning_rate(train_events):
  fig, ax = plt.subplots(figsize=(6, 3))
  steps, lr = _scalars(train_events, 'learning_rate')
  ax.plot(steps, lr)
  ax.set_xlabel('step')
  ax.set_ylabel('learning rate')
  ax.set_title('Learning rate (0.1, divided by 10 every 350 epochs)')
  _save(fig, 'learning_rate.png')


def write_curve(path, steps, precision):
  """Writes the precision curve as CSV: a header, then `step,precision`."""
  with open(path, 'w') as f:
    f.write(CURVE_HEADER + '\n')
    for step, value in zip(steps, precision):
      f.write('%d,%.4f\n' % (step, value))
  print('wrote', path)


def read_curve(path):
  """The (steps, precisions) of a file of `write_curve`."""
  with open(path) as f:
    lines = f.read().split()
  if not lines or lines[0] != CURVE_HEADER:
    raise ValueError('%s does not start with %r: it is not a curve of this '
                     'script' % (path, CURVE_HEADER))
  points = [line.split(',') for line in lines[1:]]
  return [int(step) for step, _ in points], [float(p) for _, p in points]


def plot_precision(steps, precision):
  fig, ax = plt.subplots(figsize=(6, 3.5))
  ax.plot(steps, precision, '.-')
  ax.set_xlabel('step of the checkpoint')
  ax.set_ylabel('precision @ 1')
  ax.set_title('Precision @ 1 on the test set (moving-average weights)')
  ax.grid(alpha=0.3)
  _save(fig, 'precision.png')


def plot_confusion_matrix(eval_events):
  tables = eval_events.get('confusion_matrix_counts')
  if not tables:
    raise ValueError('no confusion_matrix_counts summary in the eval events: '
                     'run cifar10_eval.py first')
  step, value = tables[-1]
  table = tf.make_ndarray(value.tensor).astype(str)
  names = list(table[0, 1:])
  counts = table[1:, 1:].astype(np.int64)
  fractions = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
  fig, ax = plt.subplots(figsize=(6.5, 5.5))
  ax.imshow(fractions, cmap='Blues', vmin=0, vmax=1)
  for i in range(len(names)):
    for j in range(len(names)):
      ax.text(j, i, counts[i, j], ha='center', va='center', fontsize=7,
              color='white' if fractions[i, j] > 0.5 else 'black')
  ax.set_xticks(range(len(names)))
  ax.set_xticklabels(names, rotation=45, ha='right')
  ax.set_yticks(range(len(names)))
  ax.set_yticklabels(names)
  ax.set_xlabel('predicted class')
  ax.set_ylabel('true class')
  ax.set_title('Confusion matrix at step %d (precision @ 1 = %.3f)'
               % (step, np.trace(counts) / counts.sum()))
  _save(fig, 'confusion_matrix.png')


def plot_inputs(rows=6, cols=8):
  """Draws one batch of distorted training inputs, as the model sees them."""
  with tf.Graph().as_default():
    data = cifar10.data_set()
    images, labels = cifar10_input.distorted_inputs(data.folder, rows * cols,
                                                    data.num_classes)
    with tf.compat.v1.train.MonitoredSession() as sess:
      images, labels = sess.run([images, labels])
  names = data.class_names
  fig, axes = plt.subplots(rows, cols, figsize=(cols * 1.2, rows * 1.35))
  for ax, image, label in zip(axes.flat, images, labels):
    # Standardized images: stretch each to [0, 1] to show it.
    image = (image - image.min()) / max(image.max() - image.min(), 1e-6)
    ax.imshow(image, interpolation='nearest')
    ax.set_title(names[label], fontsize=8)
    ax.axis('off')
  fig.suptitle('Distorted 24x24 training inputs (crop, flip, brightness, '
               'contrast, standardization)', fontsize=9)
  _save(fig, 'inputs.png')


def main(argv=None):  # pylint: disable=unused-argument
  tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
  tf.io.gfile.makedirs(FLAGS.figures_dir)
  curve = os.path.join(FLAGS.figures_dir, CURVE_FILE)
  if FLAGS.from_curve:
    plot_precision(*read_curve(curve))
    return
  train_events = read_events(FLAGS.train_dir)
  plot_losses(train_events)
  plot_learning_rate(train_events)
  eval_events = read_events(FLAGS.eval_dir)
  steps, precision = _scalars(eval_events, 'Precision @ 1')
  write_curve(curve, steps, precision)
  plot_precision(steps, precision)
  plot_confusion_matrix(eval_events)
  plot_inputs()


if __name__ == '__main__':
  # absl (not tf.compat.v1.app) turns a bad flag value into one line.
  app.run(main)
