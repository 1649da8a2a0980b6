# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
"""Draws test images with the three classes cifar10-predict gives each.

Takes --num_images (12) images of the test file from --data_dir, starting at
--first, saves each as a PNG file, classifies the files with
`cifar10_predict.predict` (so exactly as `cifar10-predict` would), and draws
them in a grid: each image with its true class and its three likeliest
classes, the first in green when it is right and in red when it is not.

Needs matplotlib (`pip install '.[plot]'`). Usage, from the top of the
checkout:

  python cifar10/plot_predictions.py --checkpoint_dir=/tmp/cifar10_train \\
      --data_dir=/tmp/cifar10_data
"""

import os
import sys

# This folder is not a package: find the suite's modules one level up.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# pylint: disable=g-import-not-at-top,wrong-import-position
import cifar10_prepare

cifar10_prepare.load_tensorflow()  # Its settings first; then it loads quietly.

import shutil
import tempfile

import matplotlib
matplotlib.use('Agg')
import matplotlib.pyplot as plt
from absl import app
import numpy as np
import tensorflow as tf

import cifar10
import cifar10_checkpoints
import cifar10_data
import cifar10_flags
import cifar10_images
import cifar10_predict
import cifar10_runtime

FLAGS = tf.compat.v1.flags.FLAGS
cifar10_flags.define_reader_flags()

tf.compat.v1.flags.DEFINE_string(
    'figure', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           'figures', 'predictions.png'),
    'The PNG file to write.')
tf.compat.v1.flags.DEFINE_integer(
    'num_images', 12, 'Test images to draw.', lower_bound=1)
tf.compat.v1.flags.DEFINE_integer(
    'first', 0, 'Index in the test file of the first image drawn.',
    lower_bound=0)


def read_test_images(data_dir, first, count):
  """Images and labels of consecutive records of the test file.

  Returns:
    labels: uint8 array [n].
    images: uint8 array [n, 32, 32, 3].

  Raises:
    DataError: the test file is missing or malformed.
  """
  [path], total = cifar10_data.checked_files(data_dir, eval_data=True)
  if first + count > total:
    raise cifar10_prepare.UserError(
        '%s holds %d images: lower --first or --num_images' % (path, total))
  labels, images = cifar10_data.read_records(path, first + count,
                                             cifar10_data.record_format())
  return labels[first:], images[first:]


def write_pngs(images, folder):
  """Saves each image as folder/NNN.png; returns the paths."""
  paths = [os.path.join(folder, '%03d.png' % i) for i in range(len(images))]
  cifar10_images.write_pngs(images, paths)
  return paths


def draw(images, labels, probabilities, class_names, title, cols=4):
  """The grid of images, each titled with its true and predicted classes."""
  rows = -(-len(images) // cols)
  fig, axes = plt.subplots(rows, cols, figsize=(cols * 2.4, rows * 3.0),
                           squeeze=False)
  for ax in axes.flat:
    ax.axis('off')
  for ax, image, label, row in zip(axes.flat, images, labels, probabilities):
    top = cifar10_predict.top_classes(row, class_names, 3)
    ax.imshow(image, interpolation='nearest')
    ax.set_title('true: %s' % class_names[label], fontsize=9,
                 fontweight='bold')
    right = top[0][0] == class_names[label]
    for line, (name, p) in enumerate(top):
      ax.text(0.0, -0.06 - 0.11 * line, '%s %.2f' % (name, p),
              transform=ax.transAxes, va='top', fontsize=9,
              color=('green' if right else 'red') if line == 0 else 'black')
  fig.suptitle(title, fontsize=10)
  fig.subplots_adjust(hspace=0.6)
  return fig


def main(argv=None):  # pylint: disable=unused-argument
  with cifar10_runtime.clean_exit():
    checkpoint_path = cifar10_checkpoints.checkpoint_to_read(
        FLAGS.checkpoint_dir, FLAGS.checkpoint_path)
    data = cifar10.data_set()
    labels, images = read_test_images(data.folder, FLAGS.first,
                                      FLAGS.num_images)
    class_names = data.class_names
    folder = tempfile.mkdtemp(prefix='plot_predictions-')
    try:
      probabilities, step = cifar10_predict.predict(
          write_pngs(images, folder), checkpoint_path, data.num_classes)
    finally:
      shutil.rmtree(folder)
    right = sum(np.argmax(row) == label
                for row, label in zip(probabilities, labels))
    fig = draw(images, labels, probabilities, class_names,
               'cifar10-predict on test images %d-%d, step %d: %d of %d right'
               % (FLAGS.first, FLAGS.first + len(images) - 1, step, right,
                  len(images)))
    tf.io.gfile.makedirs(os.path.dirname(os.path.abspath(FLAGS.figure)))
    fig.savefig(FLAGS.figure, dpi=100, bbox_inches='tight')
    plt.close(fig)
    print('wrote', FLAGS.figure)


if __name__ == '__main__':
  app.run(main, flags_parser=cifar10_flags.parser(
      'python cifar10/plot_predictions.py [flags]', __doc__,
      (('Checkpoint', 'cifar10_flags'), ('Model', 'cifar10'),
       ('Data', 'cifar10_data'))))
